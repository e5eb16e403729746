import type { CaseDataCipher, PersonalColumn } from '../crypto/envelope-cipher';
import type { CaseFile, Complainant, Employer } from '../cases/case-file.entity';

/** How the complainant was looked up. A passport lookup names no number: it is never echoed. */
export type ExportLookup =
  | { by: 'caseId'; caseId: string }
  | { by: 'reference'; reference: string }
  | { by: 'passportNumber' };

/** What decrypts a case's personal data; null when its key is destroyed (the data is erased). */
export type CaseReader = Pick<CaseDataCipher, 'decrypt' | 'decryptJson'>;

/** A status change as stored, with its sealed comment and the row id the comment is bound to. */
export interface ExportStatusChangeRow {
  id: string;
  from_status: string;
  to_status: string;
  action: string;
  actor_id: string;
  actor_role: string | null;
  reason: string | null;
  comment_enc: string | null;
  outcome: unknown;
  version: number;
  at: Date;
}

export interface ExportNoteRow {
  id: string;
  author_id: string;
  author_role: string;
  body_enc: string | null;
  created_at: Date;
}

export interface ExportPriorityChangeRow {
  from_priority: string;
  to_priority: string;
  reason: string;
  actor_id: string;
  actor_role: string;
  version: number;
  at: Date;
}

export interface ExportAssignmentRow {
  consulate_id: string;
  caseworker_id: string | null;
  reason: string;
  sequence: number;
  at: Date;
}

export interface ExportLinkRow {
  linked_case_id: string;
  relation: string;
  reference: string;
}

export interface ExportAuditRow {
  actor_id: string;
  actor_role: string;
  consulate_id: string | null;
  action: string;
  at: Date;
}

/** Everything intake holds about one case, as read from its tables (personal data still sealed). */
export interface CaseRecord {
  file: CaseFile;
  statusChanges: ExportStatusChangeRow[];
  priorityChanges: ExportPriorityChangeRow[];
  notes: ExportNoteRow[];
  assignments: ExportAssignmentRow[];
  links: ExportLinkRow[];
  audit: ExportAuditRow[];
}

export interface CaseExport {
  caseId: string;
  reference: string;
  /** The case's key is destroyed: every personal field below is null. */
  personalDataErased: boolean;
  caseFile: {
    complainant: Complainant | null;
    employer: Employer | null;
    description: string | null;
    preferredLanguage: string;
    consentToShare: boolean;
    hostCountry: string;
    hostCity: string | null;
    channel: string;
    incidentDate: string | null;
    amountClaimed: { amount: string; currency: string | null } | null;
    status: string;
    outcome: {
      type: string;
      amountRecovered: { amount: string; currency: string | null } | null;
    } | null;
    consulateId: string | null;
    caseworkerId: string | null;
    createdBy: string;
    submittedAt: string;
    updatedAt: string;
    version: number;
  };
  classifications: { category: string; riskIndicators: string[]; priority: string };
  statusHistory: {
    at: string;
    from: string;
    to: string;
    action: string;
    actorId: string;
    actorRole: string | null;
    reason: string | null;
    comment: string | null;
    outcome: unknown;
    version: number;
  }[];
  priorityChanges: {
    at: string;
    from: string;
    to: string;
    reason: string;
    actorId: string;
    actorRole: string;
    version: number;
  }[];
  notes: {
    id: string;
    at: string;
    authorId: string;
    authorRole: string;
    body: string | null;
  }[];
  assignments: {
    at: string;
    consulateId: string;
    caseworkerId: string | null;
    reason: string;
    sequence: number;
  }[];
  duplicates: {
    possibleDuplicateOf: string | null;
    decision: { decision: string; decidedAt: string | null; decidedBy: string | null } | null;
    linkedCases: { caseId: string; reference: string; relation: string }[];
  };
  accessLog: {
    at: string;
    actorId: string;
    actorRole: string;
    consulateId: string | null;
    action: string;
  }[];
}

export interface PersonalDataExport {
  header: {
    title: string;
    generatedAt: string;
    generatedBy: { sub: string; roles: string[] };
    lookup: ExportLookup;
    caseCount: number;
    /** Cases whose personal data was erased (key destroyed) before this export. */
    erasedCaseIds: string[];
    notes: string[];
  };
  cases: CaseExport[];
}

const byTime =
  <T>(at: (row: T) => Date) =>
  (a: T, b: T) =>
    at(a).getTime() - at(b).getTime();

function money(amount: string | null, currency: string | null) {
  return amount === null ? null : { amount, currency };
}

/** One case's part of the export: its rows, its personal data decrypted, or null when erased. */
export function caseExport(record: CaseRecord, reader: CaseReader | null): CaseExport {
  const c = record.file;
  const open = (stored: string | null, column: PersonalColumn, rowId: string) =>
    reader && stored ? reader.decrypt(stored, column, rowId) : null;
  const openJson = <T>(stored: string | null, column: PersonalColumn, rowId: string): T | null =>
    reader && stored ? reader.decryptJson<T>(stored, column, rowId) : null;
  return {
    caseId: c.id,
    reference: c.reference,
    personalDataErased: reader === null,
    caseFile: {
      complainant: openJson<Complainant>(c.complainantEnc, 'case_file.complainant_enc', c.id),
      employer: openJson<Employer>(c.employerEnc, 'case_file.employer_enc', c.id),
      description: open(c.descriptionEnc, 'case_file.description_enc', c.id),
      preferredLanguage: c.preferredLanguage,
      consentToShare: c.consentToShare,
      hostCountry: c.hostCountry,
      hostCity: c.hostCity,
      channel: c.channel,
      incidentDate: c.incidentDate,
      amountClaimed: money(c.amountClaimed, c.amountClaimedCurrency),
      status: c.status,
      outcome:
        c.outcomeType === null
          ? null
          : {
              type: c.outcomeType,
              amountRecovered: money(c.amountRecovered, c.amountRecoveredCurrency),
            },
      consulateId: c.consulateId,
      caseworkerId: c.caseworkerId,
      createdBy: c.createdBy,
      submittedAt: c.submittedAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      version: c.version,
    },
    classifications: {
      category: c.category,
      riskIndicators: [...c.riskIndicators],
      priority: c.priority,
    },
    statusHistory: [...record.statusChanges].sort(byTime((s) => s.at)).map((s) => ({
      at: s.at.toISOString(),
      from: s.from_status,
      to: s.to_status,
      action: s.action,
      actorId: s.actor_id,
      actorRole: s.actor_role,
      reason: s.reason,
      comment: open(s.comment_enc, 'case_status_change.comment_enc', s.id),
      outcome: s.outcome,
      version: s.version,
    })),
    priorityChanges: [...record.priorityChanges].sort(byTime((p) => p.at)).map((p) => ({
      at: p.at.toISOString(),
      from: p.from_priority,
      to: p.to_priority,
      reason: p.reason,
      actorId: p.actor_id,
      actorRole: p.actor_role,
      version: p.version,
    })),
    notes: [...record.notes].sort(byTime((n) => n.created_at)).map((n) => ({
      id: n.id,
      at: n.created_at.toISOString(),
      authorId: n.author_id,
      authorRole: n.author_role,
      body: open(n.body_enc, 'case_note.body_enc', n.id),
    })),
    assignments: [...record.assignments]
      .sort((a, b) => a.sequence - b.sequence)
      .map((a) => ({
        at: a.at.toISOString(),
        consulateId: a.consulate_id,
        caseworkerId: a.caseworker_id,
        reason: a.reason,
        sequence: a.sequence,
      })),
    duplicates: {
      possibleDuplicateOf: c.possibleDuplicateOf,
      decision:
        c.duplicateDecision === null
          ? null
          : {
              decision: c.duplicateDecision,
              decidedAt: c.duplicateDecidedAt?.toISOString() ?? null,
              decidedBy: c.duplicateDecidedBy,
            },
      linkedCases: record.links.map((l) => ({
        caseId: l.linked_case_id,
        reference: l.reference,
        relation: l.relation,
      })),
    },
    accessLog: [...record.audit].sort(byTime((e) => e.at)).map((e) => ({
      at: e.at.toISOString(),
      actorId: e.actor_id,
      actorRole: e.actor_role,
      consulateId: e.consulate_id,
      action: e.action,
    })),
  };
}

/** The whole export: a header (never the passport number looked up) and each case, oldest first. */
export function personalDataExport(
  generatedAt: Date,
  generatedBy: { sub: string; roles: string[] },
  lookup: ExportLookup,
  cases: CaseExport[],
): PersonalDataExport {
  const ordered = [...cases].sort(
    (a, b) =>
      a.caseFile.submittedAt.localeCompare(b.caseFile.submittedAt) ||
      a.caseId.localeCompare(b.caseId),
  );
  const erased = ordered.filter((c) => c.personalDataErased).map((c) => c.caseId);
  return {
    header: {
      title: 'Personal data held by Casebridge intake about one complainant',
      generatedAt: generatedAt.toISOString(),
      generatedBy: { sub: generatedBy.sub, roles: [...generatedBy.roles] },
      lookup,
      caseCount: ordered.length,
      erasedCaseIds: erased,
      notes: [
        'The cases are those found by the lookup and every case with the same passport number (matched through its keyed index).',
        'accessLog lists who read or changed each case, from the audit trail, up to this export.',
        ...(erased.length
          ? [
              'The personal data of the cases in erasedCaseIds was erased (their keys destroyed): complainant, employer, description, note bodies and comments are null; classifications and history remain.',
            ]
          : []),
      ],
    },
    cases: ordered,
  };
}
