import type { CaseFile } from '../cases/case-file.entity';
import {
  CaseReader,
  CaseRecord,
  caseExport,
  personalDataExport,
} from './personal-data-export.document';

const CASE_ID = '6f1c2a3b-0000-4000-8000-000000000001';

function file(overrides: Partial<CaseFile> = {}): CaseFile {
  return {
    id: CASE_ID,
    reference: 'CB-2026-000001',
    status: 'in_progress',
    priority: 'high',
    category: 'unpaid_wages',
    riskIndicators: ['withholding_of_wages'],
    hostCountry: 'RU',
    hostCity: 'Moscow',
    channel: 'hotline',
    preferredLanguage: 'uz',
    consentToShare: true,
    complainantEnc: 'sealed:complainant',
    employerEnc: 'sealed:employer',
    descriptionEnc: 'sealed:description',
    passportIndex: 'idx',
    passportIndexKeyId: 'dev1',
    personalDataErasedAt: null,
    erasureReason: null,
    erasureTrigger: null,
    legalHoldReason: null,
    legalHoldAt: null,
    legalHoldBy: null,
    incidentDate: '2026-10-01',
    amountClaimed: '1200.00',
    amountClaimedCurrency: 'RUB',
    outcomeType: null,
    amountRecovered: null,
    amountRecoveredCurrency: null,
    possibleDuplicateOf: null,
    duplicateDecision: null,
    duplicateDecidedAt: null,
    duplicateDecidedBy: null,
    consulateId: 'RU-MOW',
    caseworkerId: 'cw-1',
    assignmentSequence: 1,
    createdBy: 'officer-1',
    submittedAt: new Date('2026-11-01T10:00:00Z'),
    updatedAt: new Date('2026-11-02T10:00:00Z'),
    version: 3,
    ...overrides,
  };
}

function record(overrides: Partial<CaseFile> = {}): CaseRecord {
  return {
    file: file(overrides),
    statusChanges: [
      {
        id: 'sc-2',
        from_status: 'assigned',
        to_status: 'in_progress',
        action: 'start',
        actor_id: 'cw-1',
        actor_role: 'caseworker',
        reason: null,
        comment_enc: 'sealed:comment',
        outcome: null,
        version: 2,
        at: new Date('2026-11-01T12:00:00Z'),
      },
      {
        id: 'sc-1',
        from_status: 'submitted',
        to_status: 'assigned',
        action: 'assign',
        actor_id: 'assignment',
        actor_role: null,
        reason: null,
        comment_enc: null,
        outcome: null,
        version: 1,
        at: new Date('2026-11-01T11:00:00Z'),
      },
    ],
    priorityChanges: [],
    notes: [
      {
        id: 'note-1',
        author_id: 'cw-1',
        author_role: 'caseworker',
        body_enc: 'sealed:note',
        created_at: new Date('2026-11-01T13:00:00Z'),
      },
    ],
    assignments: [
      {
        consulate_id: 'RU-MOW',
        caseworker_id: 'cw-1',
        reason: 'auto',
        sequence: 1,
        at: new Date('2026-11-01T11:00:00Z'),
      },
    ],
    links: [],
    audit: [
      {
        actor_id: 'cw-1',
        actor_role: 'caseworker',
        consulate_id: 'RU-MOW',
        action: 'case.read',
        at: new Date('2026-11-01T14:00:00Z'),
      },
    ],
  };
}

/** Opens "sealed:<x>" values, checking each is opened with its own column and row. */
const reader: CaseReader = {
  decrypt: (stored, column, rowId) => `${stored.replace('sealed:', '')}@${column}/${rowId}`,
  decryptJson: <T>(stored: string, column: string, rowId: string) =>
    ({ fullName: `${stored}@${column}/${rowId}` }) as T,
};

describe('caseExport', () => {
  it('decrypts every personal field with its own column and row binding', () => {
    const out = caseExport(record(), reader);
    expect(out.personalDataErased).toBe(false);
    expect(out.caseFile.complainant).toEqual({
      fullName: `sealed:complainant@case_file.complainant_enc/${CASE_ID}`,
    });
    expect(out.caseFile.description).toBe(`description@case_file.description_enc/${CASE_ID}`);
    expect(out.notes[0].body).toBe('note@case_note.body_enc/note-1');
    expect(out.statusHistory.map((s) => s.comment)).toEqual([
      null,
      'comment@case_status_change.comment_enc/sc-2',
    ]);
  });

  it('orders the history by time and keeps classifications and the access log', () => {
    const out = caseExport(record(), reader);
    expect(out.statusHistory.map((s) => s.action)).toEqual(['assign', 'start']);
    expect(out.classifications).toEqual({
      category: 'unpaid_wages',
      riskIndicators: ['withholding_of_wages'],
      priority: 'high',
    });
    expect(out.accessLog).toEqual([
      {
        at: '2026-11-01T14:00:00.000Z',
        actorId: 'cw-1',
        actorRole: 'caseworker',
        consulateId: 'RU-MOW',
        action: 'case.read',
      },
    ]);
    expect(out.caseFile.amountClaimed).toEqual({ amount: '1200.00', currency: 'RUB' });
  });

  it('exports an erased case (no reader) with its personal fields null and the rest kept', () => {
    const out = caseExport(record(), null);
    expect(out.personalDataErased).toBe(true);
    expect(out.caseFile.complainant).toBeNull();
    expect(out.caseFile.employer).toBeNull();
    expect(out.caseFile.description).toBeNull();
    expect(out.notes[0].body).toBeNull();
    expect(out.statusHistory.every((s) => s.comment === null)).toBe(true);
    expect(out.classifications.category).toBe('unpaid_wages');
    expect(out.statusHistory).toHaveLength(2);
  });
});

describe('personalDataExport', () => {
  it('orders cases oldest first, lists the erased ones and never carries a passport number', () => {
    const older = caseExport(
      record({ id: 'a', submittedAt: new Date('2026-01-01T00:00:00Z') }),
      null,
    );
    const newer = caseExport(record(), reader);
    const doc = personalDataExport(
      new Date('2026-12-01T00:00:00Z'),
      { sub: 'dpo-1', roles: ['data_protection_officer'] },
      { by: 'passportNumber' },
      [newer, older],
    );
    expect(doc.cases.map((c) => c.caseId)).toEqual(['a', CASE_ID]);
    expect(doc.header).toMatchObject({
      generatedAt: '2026-12-01T00:00:00.000Z',
      generatedBy: { sub: 'dpo-1', roles: ['data_protection_officer'] },
      lookup: { by: 'passportNumber' },
      caseCount: 2,
      erasedCaseIds: ['a'],
    });
    expect(Object.keys(doc.header.lookup)).toEqual(['by']);
  });
});
