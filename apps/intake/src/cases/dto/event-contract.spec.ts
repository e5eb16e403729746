import fc from 'fast-check';
import { ArgumentMetadata } from '@nestjs/common';
import { EventTypes } from '@casebridge/contracts';
import { createValidationPipe, ValidationProblem } from '@casebridge/common';
import { eventSchemaErrors } from '@casebridge/messaging/event-validator';
import { triagePriority } from '../triage';
import { CreateCaseDto } from './create-case.dto';
import { eventOutcome, TransitionDto } from './transition.dto';

/**
 * The outbox writer refuses an event that fails its schema (a 500). These properties show that
 * no request can get there: whatever body passes validation yields events that pass the schemas,
 * however its text is composed (combining marks, variation selectors, ZWJ, astral characters,
 * RTL marks, characters NFC expands, unpaired surrogates).
 */
const wellFormed = fc.constantFrom(
  'a',
  'Z',
  ' ',
  'é',
  'e\u0301',
  '\u0301',
  '\ufe0f',
  '✔\ufe0f',
  '\u200d',
  '😀',
  '👩\u200d💻',
  '\u202e',
  'ש',
  'Ташкент',
  '\u0344', // NFC turns it into two code points
  '\u0958', // a composition exclusion: NFC decomposes it
  '\u1100\u1161', // Hangul jamo: NFC composes them into one syllable
  'A\u030a',
);
const piece = fc.oneof(
  { weight: 30, arbitrary: wellFormed },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udc00', '\u0000') },
);
const text = (maxPieces: number, minPieces = 1) =>
  fc.array(piece, { minLength: minPieces, maxLength: maxPieces }).map((parts) => parts.join(''));
/** Text around a limit: `n` copies of one piece, then a random tail. */
const nearLimit = (limit: number) =>
  fc
    .tuple(piece, fc.integer({ min: limit - 3, max: limit + 3 }), text(4))
    .map(([p, n, tail]) => p.repeat(n) + tail);

const pipe = createValidationPipe();

async function validated<T>(metatype: new () => T, body: unknown): Promise<T | undefined> {
  const metadata: ArgumentMetadata = { type: 'body', metatype, data: undefined };
  try {
    return (await pipe.transform(body, metadata)) as T;
  } catch (error) {
    if (error instanceof ValidationProblem) return undefined;
    throw error;
  }
}

describe('any request body that passes validation yields events that pass their schemas', () => {
  it('POST /v1/cases → casebridge.case.submitted.v1', async () => {
    let accepted = 0;
    const body = fc.record({
      complainant: fc.record({
        fullName: fc.oneof({ weight: 3, arbitrary: text(10) }, nearLimit(200)),
        preferredLanguage: fc.constantFrom('uz', 'ru', 'en', 'uz', 'ru', 'en', 'xx'),
        consentToShare: fc.boolean(),
      }),
      hostCountry: fc.constantFrom('RU', 'KZ', 'TR'),
      hostCity: fc.oneof({ weight: 2, arbitrary: text(12) }, nearLimit(100)),
      employer: fc.record({ name: text(8) }),
      category: fc.constantFrom('unpaid_wages', 'trafficking'),
      riskIndicators: fc.subarray(['deception', 'isolation', 'debt_bondage']),
      description: fc.oneof(nearLimit(10), nearLimit(10_000), {
        weight: 3,
        arbitrary: text(40, 10),
      }),
      amountClaimed: fc.record({
        amount: fc.oneof(
          { weight: 1, arbitrary: fc.double() },
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 100) },
        ),
        currency: fc.constantFrom('RUB', 'EUR'),
      }),
      channel: fc.constantFrom('hotline', 'web'),
    });
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const dto = await validated(CreateCaseDto, JSON.parse(JSON.stringify(raw)));
        if (!dto) return;
        accepted++;
        const riskIndicators = dto.riskIndicators ?? [];
        const errors = eventSchemaErrors(EventTypes.CaseSubmitted, {
          caseId: '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d',
          reference: 'CB-2026-000123',
          hostCountry: dto.hostCountry,
          hostCity: dto.hostCity ?? null,
          category: dto.category,
          priority: triagePriority(dto.category, riskIndicators),
          riskIndicators,
          channel: dto.channel,
          preferredLanguage: dto.complainant.preferredLanguage,
          submittedAt: new Date().toISOString(),
          amountClaimed: dto.amountClaimed
            ? { amount: dto.amountClaimed.amount, currency: dto.amountClaimed.currency }
            : null,
          possibleDuplicateOf: null,
        });
        expect(errors).toEqual([]);
      }),
      { seed: 20261201, numRuns: 1500 },
    );
    // Not vacuous: many generated bodies were valid.
    expect(accepted).toBeGreaterThan(100);
  });

  it('POST /v1/cases/:id/transitions → casebridge.case.status-changed.v1', async () => {
    const body = fc.record(
      {
        action: fc.constantFrom('start', 'resolve', 'withdraw'),
        reason: fc.constantFrom('duplicate', 'complainant_request', 'Other reason'),
        comment: fc.oneof(text(10), nearLimit(2000)),
        outcome: fc.record(
          {
            type: fc.constantFrom('wages_recovered', 'other', 'bribe'),
            amountRecovered: fc.record({
              amount: fc.oneof(fc.double(), fc.integer({ min: 1, max: 1000 })),
              currency: fc.constantFrom('RUB', 'rub'),
            }),
          },
          { requiredKeys: ['type'] },
        ),
        version: fc.integer({ min: -1, max: 1000 }),
      },
      { requiredKeys: ['action'] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const dto = await validated(TransitionDto, JSON.parse(JSON.stringify(raw)));
        if (!dto) return;
        const outcome = eventOutcome(dto.outcome);
        const errors = eventSchemaErrors(EventTypes.CaseStatusChanged, {
          caseId: '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d',
          hostCountry: 'RU',
          from: 'in_progress',
          to: 'resolved',
          at: new Date().toISOString(),
          actor: { type: 'user', id: 'test-caseworker', role: 'caseworker' },
          version: 2,
          reason: dto.reason ?? null,
          outcome,
        });
        expect(errors).toEqual([]);
      }),
      { seed: 20261202, numRuns: 500 },
    );
  });
});
