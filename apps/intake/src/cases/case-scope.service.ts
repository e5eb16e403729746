import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { canAccessCase } from './case-access';
import { CaseFile } from './case-file.entity';
import { caseNotFound } from './cases.errors';
import { CaseFileRepository } from './repositories/case-file.repository';

/**
 * Loads the case a request names, or 404 when it does not exist or lies outside the caller's
 * scope (the two are never told apart: SPEC.md, Access). Used by every case route.
 */
@Injectable()
export class CaseScope {
  constructor(private readonly caseFiles: CaseFileRepository) {}

  async find(manager: EntityManager, user: AuthUser, id: string): Promise<CaseFile> {
    return this.inScope(user, await this.caseFiles.findById(manager, id));
  }

  /** The case locked for an action until the transaction ends. */
  async lock(manager: EntityManager, user: AuthUser, id: string): Promise<CaseFile> {
    return this.inScope(user, await this.caseFiles.findByIdForUpdate(manager, id));
  }

  private inScope(user: AuthUser, found: CaseFile | null): CaseFile {
    if (!found || !canAccessCase(user, found.consulateId)) throw caseNotFound();
    return found;
  }
}
