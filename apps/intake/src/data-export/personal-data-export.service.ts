import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, ValidationProblem } from '@casebridge/common';
import { AuditService } from '../audit/audit.service';
import { CaseFile } from '../cases/case-file.entity';
import { CaseAssignmentChangeRepository } from '../cases/repositories/case-assignment-change.repository';
import { PassportBlindIndex } from '../crypto/passport-blind-index';
import { CaseKeys, CaseKeyUnavailableError } from '../keystore/case-keys.service';
import { CaseNoteRepository } from '../notes/case-note.repository';
import { CasePriorityChangeRepository } from '../priority/case-priority-change.repository';
import { nothingFound } from './data-export.errors';
import {
  lookupFieldErrors,
  PersonalDataExportRequestDto,
} from './dto/personal-data-export-request.dto';
import {
  CaseExport,
  CaseReader,
  caseExport,
  ExportLookup,
  PersonalDataExport,
  personalDataExport,
} from './personal-data-export.document';
import { PersonalDataExportRepository } from './personal-data-export.repository';

/**
 * Access requests (SPEC.md, Personal data lifecycle): everything intake holds about a
 * complainant. A lookup by case id or reference takes that case and every other case with the
 * same passport index; a lookup by passport every case with its index. Each case exported is
 * audited (`case.personal_data_exported`), without the lookup's value.
 */
@Injectable()
export class PersonalDataExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blindIndex: PassportBlindIndex,
    private readonly caseKeys: CaseKeys,
    private readonly audit: AuditService,
    private readonly exports: PersonalDataExportRepository,
    private readonly notes: CaseNoteRepository,
    private readonly priorityChanges: CasePriorityChangeRepository,
    private readonly assignmentChanges: CaseAssignmentChangeRepository,
  ) {}

  async export(user: AuthUser, dto: PersonalDataExportRequestDto): Promise<PersonalDataExport> {
    const errors = lookupFieldErrors(dto);
    if (errors.length) throw new ValidationProblem(errors);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const { lookup, cases } = await this.find(manager, dto);
      if (!cases.length) throw nothingFound();
      const exported: CaseExport[] = [];
      for (const c of cases)
        exported.push(caseExport(await this.record(manager, c), await this.reader(c.id)));
      await this.audit.recordFound(
        manager,
        user,
        'case.personal_data_exported',
        cases.map((c) => c.id),
      );
      return personalDataExport(new Date(), user, lookup, exported);
    });
  }

  /** The cases the lookup names, with the complainant's other cases (same passport index). */
  private async find(
    manager: EntityManager,
    dto: PersonalDataExportRequestDto,
  ): Promise<{ lookup: ExportLookup; cases: CaseFile[] }> {
    if (typeof dto.passportNumber === 'string') {
      // Under the current and any former blind-index key: mid-rotation, no case is missed.
      const indexes = this.blindIndex.passportIndexes(dto.passportNumber);
      return {
        lookup: { by: 'passportNumber' },
        cases: await this.exports.findByPassportIndexes(manager, indexes),
      };
    }
    const lookup: ExportLookup =
      typeof dto.caseId === 'string'
        ? { by: 'caseId', caseId: dto.caseId.toLowerCase() }
        : { by: 'reference', reference: dto.reference! };
    const named =
      lookup.by === 'caseId'
        ? await this.exports.findById(manager, lookup.caseId)
        : await this.exports.findByReference(manager, dto.reference!);
    if (!named) return { lookup, cases: [] };
    if (named.passportIndex === null) return { lookup, cases: [named] };
    // The complainant's other cases may be indexed under another key version mid-rotation: their
    // indexes come from the named case's passport when it can still be read.
    const passport = await this.passportOf(named);
    const indexes = passport
      ? [...new Set([named.passportIndex, ...this.blindIndex.passportIndexes(passport)])]
      : [named.passportIndex];
    const same = await this.exports.findByPassportIndexes(manager, indexes);
    return { lookup, cases: same.some((c) => c.id === named.id) ? same : [named, ...same] };
  }

  private async record(manager: EntityManager, c: CaseFile) {
    return {
      file: c,
      statusChanges: await this.exports.statusChanges(manager, c.id),
      priorityChanges: await this.priorityChanges.findByCase(manager, c.id),
      notes: await this.notes.findByCase(manager, c.id),
      assignments: await this.assignmentChanges.findByCase(manager, c.id),
      links: await this.exports.links(manager, c.id),
      audit: await this.exports.auditEntries(manager, c.id),
    };
  }

  /** The passport number the case holds, or null (none, or its personal data erased). */
  private async passportOf(c: CaseFile): Promise<string | null> {
    if (c.complainantEnc === null) return null;
    const cipher = await this.reader(c.id);
    if (!cipher) return null;
    const complainant = cipher.decryptJson<{ passportNumber?: string | null }>(
      c.complainantEnc,
      'case_file.complainant_enc',
      c.id,
    );
    return complainant.passportNumber ?? null;
  }

  /** The case's cipher, or null when its key is destroyed: its personal data is erased. */
  private async reader(caseId: string): Promise<CaseReader | null> {
    try {
      return await this.caseKeys.forCase(caseId);
    } catch (error) {
      if (error instanceof CaseKeyUnavailableError) return null;
      throw error;
    }
  }
}
