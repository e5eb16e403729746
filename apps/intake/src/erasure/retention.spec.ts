import { retentionDue, retentionDueAt, type RetentionFacts } from './retention';

describe('retention of personal data', () => {
  const ended = new Date('2026-01-10T00:00:00.000Z');
  const fiveYears = 5 * 365 * 86_400;
  const facts = (over: Partial<RetentionFacts> = {}): RetentionFacts => ({
    status: 'closed',
    lastStatusChangeAt: ended,
    legalHold: false,
    personalDataErasedAt: null,
    ...over,
  });

  it('is due the period after a case ended: closed, withdrawn or rejected', () => {
    for (const status of ['closed', 'withdrawn', 'rejected'] as const)
      expect(retentionDueAt(facts({ status }), fiveYears)).toEqual(
        new Date('2031-01-09T00:00:00.000Z'),
      );
    expect(retentionDue(facts(), fiveYears, new Date('2031-01-08T23:59:59.999Z'))).toBe(false);
    expect(retentionDue(facts(), fiveYears, new Date('2031-01-09T00:00:00.000Z'))).toBe(true);
  });

  it('never runs for an open case, a reopened one included', () => {
    for (const status of [
      'submitted',
      'assigned',
      'in_progress',
      'awaiting_third_party',
      'resolved',
    ] as const)
      expect(retentionDueAt(facts({ status }), 1)).toBeNull();
  });

  it('is suspended by a legal hold, and over once the data is erased', () => {
    const later = new Date('2040-01-01T00:00:00.000Z');
    expect(retentionDue(facts({ legalHold: true }), 1, later)).toBe(false);
    expect(retentionDue(facts({ personalDataErasedAt: ended }), 1, later)).toBe(false);
    expect(retentionDue(facts({ lastStatusChangeAt: null }), 1, later)).toBe(false);
  });
});
