import fc from 'fast-check';
import { CaseFact, emptyFact } from './case-fact';
import { BucketEntry, contributionDelta, contributions } from './contributions';

const submittedFact: CaseFact = {
  ...emptyFact('6f1c2d3e-4a5b-4c6d-8e7f-901234567890'),
  hostCountry: 'KZ',
  hostCity: null,
  category: 'document_confiscation',
  priority: 'high',
  riskIndicators: ['retention_of_identity_documents'],
  channel: 'web',
  submittedAt: new Date('2026-02-28T23:30:00.000Z'),
  amountClaimed: { amount: '250000.00', currency: 'KZT' },
};

function metrics(entries: BucketEntry[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((e) => [`${e.table}:${e.day}:${e.consulateId}:${e.metric}`, e.value]),
  );
}

describe('bucket contributions', () => {
  it('count nothing until the submitted event is known', () => {
    expect(
      contributions({
        ...emptyFact('x'),
        hostCountry: 'KZ',
        status: 'in_progress',
        firstAssignedAt: new Date(),
      }),
    ).toEqual([]);
  });

  it('count a confirmed duplicate nowhere (its complaint is the earlier case), and take it out when confirmed', () => {
    const resolved: CaseFact = {
      ...submittedFact,
      status: 'closed',
      firstAssignedAt: new Date('2026-03-01T00:00:00.000Z'),
      resolvedAt: new Date('2026-03-02T00:00:00.000Z'),
    };
    const duplicate: CaseFact = {
      ...resolved,
      duplicateOf: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
    };
    expect(contributions(duplicate)).toEqual([]);
    const delta = contributionDelta(resolved, duplicate);
    expect(delta.length).toBe(contributions(resolved).length);
    expect(delta.every((e) => e.value.startsWith('-'))).toBe(true);
  });

  it('count a submitted case once, by its UTC submission day, with an empty city and consulate', () => {
    expect(metrics(contributions(submittedFact))).toEqual({
      'case:2026-02-28::received': '1',
      'case:2026-02-28::status:submitted': '1',
      'case:2026-02-28::category:document_confiscation': '1',
      'case:2026-02-28::priority:high': '1',
      'case:2026-02-28::risk:retention_of_identity_documents': '1',
      'case:2026-02-28::claimed:KZT': '250000.00',
      'case:2026-02-28::claimed_cases:KZT': '1',
    });
    expect(
      contributions(submittedFact).every((e) => e.hostCity === '' && e.hostCountry === 'KZ'),
    ).toBe(true);
  });

  it('move a re-triaged case from its old priority to its new one, on its submission day only', () => {
    const retriaged: CaseFact = { ...submittedFact, priority: 'urgent', priorityVersion: 3 };
    expect(metrics(contributionDelta(submittedFact, retriaged))).toEqual({
      'case:2026-02-28::priority:high': '-1',
      'case:2026-02-28::priority:urgent': '1',
    });
  });

  it('count a resolution in the resolution bucket of its own day', () => {
    const resolved: CaseFact = {
      ...submittedFact,
      status: 'resolved',
      resolvedAt: new Date('2026-04-02T08:00:00.000Z'),
      outcomeType: 'documents_returned',
      consulateId: 'KZ-ALA',
    };
    const entries = metrics(contributions(resolved));
    expect(entries['resolution:2026-04-02:KZ-ALA:resolved']).toBe('1');
    expect(entries['case:2026-02-28:KZ-ALA:outcome:documents_returned']).toBe('1');
  });

  it('count the cases behind each money sum, per currency, so that a sum of few cases can be suppressed', () => {
    const resolved: CaseFact = {
      ...submittedFact,
      status: 'resolved',
      resolvedAt: new Date('2026-04-02T08:00:00.000Z'),
      outcomeType: 'wages_recovered',
      amountRecovered: { amount: '1200.00', currency: 'USD' },
    };
    const entries = metrics(contributions(resolved));
    expect(entries['case:2026-02-28::claimed_cases:KZT']).toBe('1');
    expect(entries['case:2026-02-28::recovered:USD']).toBe('1200.00');
    expect(entries['case:2026-02-28::recovered_cases:USD']).toBe('1');
    const reopened = contributionDelta(resolved, { ...resolved, amountRecovered: null });
    expect(metrics(reopened)).toMatchObject({
      'case:2026-02-28::recovered:USD': '-1200.00',
      'case:2026-02-28::recovered_cases:USD': '-1',
    });
  });

  it('move a case between statuses without touching what did not change', () => {
    const delta = contributionDelta(submittedFact, { ...submittedFact, status: 'assigned' });
    expect(metrics(delta)).toEqual({
      'case:2026-02-28::status:submitted': '-1',
      'case:2026-02-28::status:assigned': '1',
    });
  });

  it('move every figure of a transferred case to the new consulate', () => {
    const atAlmaty = {
      ...submittedFact,
      consulateId: 'KZ-ALA',
      firstAssignedAt: new Date('2026-03-01T00:00:00.000Z'),
    };
    const delta = contributionDelta(atAlmaty, { ...atAlmaty, consulateId: 'KZ-AST' });
    expect(
      delta.filter((e) => e.consulateId === 'KZ-ALA').every((e) => e.value.startsWith('-')),
    ).toBe(true);
    expect(
      delta
        .filter((e) => e.consulateId === 'KZ-AST')
        .map((e) => e.metric)
        .sort(),
    ).toEqual(
      contributions(atAlmaty)
        .map((e) => e.metric)
        .sort(),
    );
  });

  it('replace a changed amount by taking the old one out and putting the new one in', () => {
    const before = { ...submittedFact, amountRecovered: { amount: '100.10', currency: 'KZT' } };
    const after = { ...submittedFact, amountRecovered: { amount: '150.00', currency: 'KZT' } };
    expect(contributionDelta(before, after).map((e) => `${e.metric}=${e.value}`)).toEqual([
      'recovered:KZT=-100.10',
      'recovered:KZT=150.00',
    ]);
  });

  it('telescope: the deltas of any sequence of facts add up to the contributions of the last', () => {
    const arbitraryFact = fc.record({
      status: fc.constantFrom(
        'submitted',
        'assigned',
        'in_progress',
        'resolved',
        'closed',
        'withdrawn',
      ),
      consulateId: fc.constantFrom(null, 'KZ-ALA', 'KZ-AST'),
      submitted: fc.boolean(),
      recovered: fc.option(fc.integer({ min: 1, max: 100_000 })),
      breaches: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryFact, { minLength: 1, maxLength: 8 }), (steps) => {
        const facts: CaseFact[] = steps.map((s) => ({
          ...submittedFact,
          submittedAt: s.submitted ? submittedFact.submittedAt : null,
          status: s.status,
          consulateId: s.consulateId,
          amountRecovered:
            s.recovered === null ? null : { amount: `${s.recovered}.00`, currency: 'KZT' },
          slaAcceptanceBreaches: s.breaches,
        }));
        const sums = new Map<string, number>();
        let previous = emptyFact(submittedFact.caseId);
        for (const fact of facts) {
          // Entries may share a key (old value out, new value in): add them all, as SQL does.
          for (const e of contributionDelta(previous, fact)) {
            const key = `${e.table}:${e.day}:${e.consulateId}:${e.metric}`;
            sums.set(key, (sums.get(key) ?? 0) + Number(e.value));
          }
          previous = fact;
        }
        const nonZero = Object.fromEntries([...sums].filter(([, v]) => v !== 0));
        const expected = Object.fromEntries(
          Object.entries(metrics(contributions(previous))).map(([k, v]) => [k, Number(v)]),
        );
        expect(nonZero).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
