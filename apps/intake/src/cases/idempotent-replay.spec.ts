import type { CaseFile } from './case-file.entity';
import { toCaseResponse } from './dto/case.response';
import type { CreateCaseDto } from './dto/create-case.dto';
import {
  personalDataSent,
  replayedAnswer,
  sameNonPersonalFields,
  snapshotOf,
} from './idempotent-replay';

const dto = {
  complainant: {
    fullName: 'Dilnoza Karimova',
    passportNumber: 'FA7654321',
    phone: '+998901112233',
    preferredLanguage: 'uz',
    consentToShare: true,
  },
  hostCountry: 'RU',
  hostCity: 'Moscow',
  employer: { name: 'StroyMontazh LLC', taxId: '7701234567' },
  category: 'unpaid_wages',
  riskIndicators: ['withholding_of_wages'],
  description: 'Three months of wages unpaid at the site in Khimki.',
  incidentDate: '2026-09-01',
  amountClaimed: { amount: 1850.5, currency: 'RUB' },
  channel: 'integration',
} as CreateCaseDto;

const submittedAt = new Date('2026-10-02T08:00:00.000Z');
/** The case as its creation answered it. */
const created = {
  id: '4b7f1a52-0c57-4c0e-9c1d-8f3f1b2a9e10',
  reference: 'CB-2026-000042',
  status: 'submitted',
  priority: 'high',
  category: dto.category,
  riskIndicators: dto.riskIndicators,
  hostCountry: 'RU',
  hostCity: 'Moscow',
  channel: 'integration',
  preferredLanguage: 'uz',
  consentToShare: true,
  incidentDate: '2026-09-01',
  amountClaimed: '1850.50',
  amountClaimedCurrency: 'RUB',
  outcomeType: null,
  amountRecovered: null,
  amountRecoveredCurrency: null,
  possibleDuplicateOf: null,
  consulateId: null,
  caseworkerId: null,
  submittedAt,
  updatedAt: submittedAt,
  version: 1,
  personalDataErasedAt: null,
} as unknown as CaseFile;
const sent = personalDataSent(dto);
const answer = toCaseResponse(
  created,
  { ...sent.complainant, fullName: dto.complainant.fullName },
  sent.employer,
  dto.description,
  undefined,
);

describe('Idempotency-Key replays', () => {
  it('keeps no personal field of the answer', () => {
    const stored = JSON.stringify(snapshotOf(answer));
    for (const secret of [
      'Dilnoza',
      'FA7654321',
      '+998901112233',
      'StroyMontazh',
      '7701234567',
      'Khimki',
    ])
      expect(stored).not.toContain(secret);
    expect(stored).toContain('CB-2026-000042');
  });

  it('answers the creation again from the snapshot and the same body', () => {
    const snapshot = JSON.parse(JSON.stringify(snapshotOf(answer))) as ReturnType<
      typeof snapshotOf
    >;
    expect(replayedAnswer(snapshot, personalDataSent(dto), null, null)).toEqual(answer);
  });

  it('answers without any personal field once the case is erased', () => {
    const erasedAt = new Date('2026-11-01T10:00:00.000Z');
    const replay = replayedAnswer(snapshotOf(answer), null, erasedAt, null);
    expect(replay.complainant).toEqual({
      fullName: null,
      passportNumber: null,
      dateOfBirth: null,
      phone: null,
      email: null,
      preferredLanguage: 'uz',
      consentToShare: true,
    });
    expect(replay).toMatchObject({
      employer: null,
      description: null,
      personalDataErasedAt: erasedAt.toISOString(),
      id: answer.id,
      reference: answer.reference,
      status: 'submitted',
      version: 1,
    });
  });

  it('shows the duplicate shown at creation only while the caller may still see it', () => {
    const earlier = '0a1b2c3d-0000-4000-8000-000000000001';
    const snapshot = { ...snapshotOf(answer), possibleDuplicateOf: earlier };
    expect(replayedAnswer(snapshot, sent, null, earlier).possibleDuplicateOf).toBe(earlier);
    expect(replayedAnswer(snapshot, sent, null, null).possibleDuplicateOf).toBeNull();
    // Never one the creation did not show.
    expect(replayedAnswer(snapshotOf(answer), sent, null, earlier).possibleDuplicateOf).toBeNull();
  });

  it('compares the fields that are not personal data (all that is left after an erasure)', () => {
    const snapshot = snapshotOf(answer);
    expect(sameNonPersonalFields(snapshot, dto)).toBe(true);
    // Personal fields cannot be compared any more.
    expect(
      sameNonPersonalFields(snapshot, {
        ...dto,
        description: 'Another text, same classification.',
      }),
    ).toBe(true);
    expect(sameNonPersonalFields(snapshot, { ...dto, category: 'other' })).toBe(false);
    expect(sameNonPersonalFields(snapshot, { ...dto, hostCity: undefined })).toBe(false);
    expect(
      sameNonPersonalFields(snapshot, {
        ...dto,
        amountClaimed: { amount: 1850.51, currency: 'RUB' },
      }),
    ).toBe(false);
    expect(
      sameNonPersonalFields(snapshot, {
        ...dto,
        complainant: { ...dto.complainant, consentToShare: false },
      }),
    ).toBe(false);
  });
});
