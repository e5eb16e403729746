import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { CaseKeys, CaseKeyUnavailableError } from '../keystore/case-keys.service';
import { CaseFile, Complainant, Employer } from './case-file.entity';
import {
  CaseFileExtras,
  CaseResponse,
  CaseSummaryResponse,
  toCaseResponse,
  toCaseSummary,
} from './dto/case.response';
import { canAccessCase } from './case-access';
import { earlierCaseIds, visibleDuplicates } from './duplicate-visibility';
import { CaseFileRepository, EarlierCase } from './repositories/case-file.repository';
import { CaseLinkRepository } from './repositories/case-link.repository';

/** Case files as a caller may see them: decrypted, with `possibleDuplicateOf` only where allowed. */
@Injectable()
export class CasePresenter {
  constructor(
    private readonly caseKeys: CaseKeys,
    private readonly caseFiles: CaseFileRepository,
    private readonly links: CaseLinkRepository,
  ) {}

  /** A stored case file, decrypted (an erased one with its personal fields null). */
  async file(manager: EntityManager, user: AuthUser, c: CaseFile): Promise<CaseResponse> {
    // Its key is destroyed: nothing to decrypt, and the key store is not asked.
    if (c.personalDataErasedAt !== null || c.complainantEnc === null || c.descriptionEnc === null)
      return this.fileWith(manager, user, c, null, null, null);
    const cipher = await this.caseKeys.forCase(c.id).catch((error: unknown) => {
      // Its key destroyed, the case not yet marked (an erasure interrupted between its two
      // steps, which repeating it completes): as erased, not a failure.
      if (error instanceof CaseKeyUnavailableError) return null;
      throw error;
    });
    if (!cipher) return this.fileWith(manager, user, c, null, null, null);
    return this.fileWith(
      manager,
      user,
      c,
      cipher.decryptJson<Complainant>(c.complainantEnc, 'case_file.complainant_enc', c.id),
      c.employerEnc
        ? cipher.decryptJson<Employer>(c.employerEnc, 'case_file.employer_enc', c.id)
        : null,
      cipher.decrypt(c.descriptionEnc, 'case_file.description_enc', c.id),
    );
  }

  /** A case file whose personal data the caller already holds in clear (it was just created). */
  async fileWith(
    manager: EntityManager,
    user: AuthUser,
    c: CaseFile,
    complainant: Complainant | null,
    employer: Employer | null,
    description: string | null,
  ): Promise<CaseResponse> {
    const shown = await this.duplicatesShown(manager, user, [c]);
    return toCaseResponse(
      c,
      complainant,
      employer,
      description,
      shown.get(c.id),
      await this.extras(manager, user, c),
    );
  }

  /** The duplicate decision and the linked cases the caller may see (a case outside their scope is left out). */
  private async extras(
    manager: EntityManager,
    user: AuthUser,
    c: CaseFile,
  ): Promise<CaseFileExtras> {
    const linked = await this.links.ofCase(manager, c.id);
    return {
      duplicateDecision:
        c.duplicateDecision !== null && c.duplicateDecidedAt !== null
          ? {
              decision: c.duplicateDecision,
              decidedAt: c.duplicateDecidedAt.toISOString(),
              decidedBy: c.duplicateDecidedBy ?? '',
            }
          : null,
      linkedCases: linked
        .filter((l) => canAccessCase(user, l.consulate_id))
        .map((l) => ({ caseId: l.linked_case_id, reference: l.reference, relation: l.relation })),
    };
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
