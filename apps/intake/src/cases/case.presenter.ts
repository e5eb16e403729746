import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { PersonalDataCipher } from '../crypto/personal-data-cipher';
import { CaseFile, Complainant, Employer } from './case-file.entity';
import {
  CaseResponse,
  CaseSummaryResponse,
  toCaseResponse,
  toCaseSummary,
} from './dto/case.response';
import { earlierCaseIds, visibleDuplicates } from './duplicate-visibility';
import { CaseFileRepository, EarlierCase } from './repositories/case-file.repository';

/** Case files as a caller may see them: decrypted, with `possibleDuplicateOf` only where allowed. */
@Injectable()
export class CasePresenter {
  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly caseFiles: CaseFileRepository,
  ) {}

  /** A stored case file, decrypted. */
  async file(manager: EntityManager, user: AuthUser, c: CaseFile): Promise<CaseResponse> {
    return this.fileWith(
      manager,
      user,
      c,
      this.cipher.decryptJson<Complainant>(c.complainantEnc, c.id),
      c.employerEnc ? this.cipher.decryptJson<Employer>(c.employerEnc, c.id) : null,
      this.cipher.decrypt(c.descriptionEnc, c.id),
    );
  }

  /** A case file whose personal data the caller already holds in clear (it was just created). */
  async fileWith(
    manager: EntityManager,
    user: AuthUser,
    c: CaseFile,
    complainant: Complainant,
    employer: Employer | null,
    description: string,
  ): Promise<CaseResponse> {
    const shown = await this.duplicatesShown(manager, user, [c]);
    return toCaseResponse(c, complainant, employer, description, shown.get(c.id));
  }

  /**
   * A case file just created, from what its creation read: the earlier case it may duplicate and
   * the consulate holding that case (no query of its own).
   */
  created(
    user: AuthUser,
    c: CaseFile,
    complainant: Complainant,
    employer: Employer | null,
    description: string,
    earlier: EarlierCase | null,
  ): CaseResponse {
    const holders = new Map(earlier ? [[earlier.id, earlier.consulateId]] : []);
    const shown = visibleDuplicates(user, [c], holders);
    return toCaseResponse(c, complainant, employer, description, shown.get(c.id));
  }

  async summaries(
    manager: EntityManager,
    user: AuthUser,
    cases: CaseFile[],
  ): Promise<CaseSummaryResponse[]> {
    const shown = await this.duplicatesShown(manager, user, cases);
    return cases.map((c) => toCaseSummary(c, shown.get(c.id)));
  }

  private async duplicatesShown(
    manager: EntityManager,
    user: AuthUser,
    cases: CaseFile[],
  ): Promise<Map<string, string>> {
    const earlier = earlierCaseIds(cases);
    if (!earlier.length) return new Map();
    return visibleDuplicates(user, cases, await this.caseFiles.holders(manager, earlier));
  }
}
