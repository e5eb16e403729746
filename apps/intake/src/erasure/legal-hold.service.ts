import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import type { LegalHoldReason } from '@casebridge/contracts';
import { AuditService } from '../audit/audit.service';
import { canAccessCase } from '../cases/case-access';
import { CaseFile } from '../cases/case-file.entity';
import { caseNotFound } from '../cases/cases.errors';
import { CaseFileRepository } from '../cases/repositories/case-file.repository';
import { LegalHoldResponse } from './dto/legal-hold.dto';

/**
 * Legal holds: a consul of the holding consulate, or an admin (any case), marks or unmarks a case
 * with a reason code, audited. While on, retention does not erase the case and an erasure
 * request is refused (409). Setting a hold on a held case keeps the first; releasing a case
 * without one changes nothing.
 */
@Injectable()
export class LegalHoldService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseFiles: CaseFileRepository,
    private readonly audit: AuditService,
  ) {}

  set(user: AuthUser, id: string, reason: LegalHoldReason): Promise<LegalHoldResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = inScope(user, await this.caseFiles.findByIdForUpdate(manager, id));
      if (c.legalHoldReason === null) {
        c.legalHoldReason = reason;
        c.legalHoldAt = new Date();
        c.legalHoldBy = user.sub;
        await this.caseFiles.save(manager, c);
        await this.audit.record(manager, user, 'case.legal_hold_set', c.id);
      }
      return holdOf(c);
    });
  }

  release(user: AuthUser, id: string): Promise<LegalHoldResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = inScope(user, await this.caseFiles.findByIdForUpdate(manager, id));
      if (c.legalHoldReason !== null) {
        c.legalHoldReason = null;
        c.legalHoldAt = null;
        c.legalHoldBy = null;
        await this.caseFiles.save(manager, c);
        await this.audit.record(manager, user, 'case.legal_hold_released', c.id);
      }
      return holdOf(c);
    });
  }
}

/** Admins reach every case; a consul only those their consulate holds (else 404, as always). */
export function canHoldCase(user: AuthUser, consulateId: string | null): boolean {
  return user.roles.includes('admin') || canAccessCase(user, consulateId);
}

function inScope(user: AuthUser, c: CaseFile | null): CaseFile {
  if (!c || !canHoldCase(user, c.consulateId)) throw caseNotFound();
  return c;
}

function holdOf(c: CaseFile): LegalHoldResponse {
  return {
    caseId: c.id,
    reason: c.legalHoldReason,
    since: c.legalHoldAt?.toISOString() ?? null,
    by: c.legalHoldBy,
  };
}
