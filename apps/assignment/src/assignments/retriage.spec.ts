import { SlaPolicy } from '../sla/sla-policy';
import { applyStatusChange, CaseClocks } from './lifecycle';
import { applyPriorityChange } from './retriage';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const policy: SlaPolicy = {
  acceptanceSeconds: { urgent: 4 * 3600, high: 24 * 3600, normal: 72 * 3600 },
  resolutionSeconds: { urgent: 7 * 24 * 3600, high: 30 * 24 * 3600, normal: 90 * 24 * 3600 },
};
const routedAt = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(routedAt.getTime() + ms);

/** A normal-priority case as routing starts it. */
const routedNormal = (extra: Partial<CaseClocks> = {}): CaseClocks => ({
  state: 'assigned',
  priority: 'normal',
  pausedAt: null,
  acceptanceDueAt: at(72 * HOUR),
  acceptanceMetAt: null,
  acceptanceBreachedAt: null,
  resolutionDueAt: at(90 * DAY),
  resolutionMetAt: null,
  resolutionBreachedAt: null,
  resolutionCycle: 1,
  ...extra,
});

describe('re-triage and the SLA clocks', () => {
  it('recomputes both running deadlines from routing for the new priority (normal → urgent: 72 h → 4 h, 90 → 7 days)', () => {
    const next = applyPriorityChange(routedNormal(), 'urgent', policy);
    expect(next).toMatchObject({
      priority: 'urgent',
      acceptanceDueAt: at(4 * HOUR),
      resolutionDueAt: at(7 * DAY),
    });
  });

  it('loosens them just as well (urgent → high)', () => {
    const urgent = applyPriorityChange(routedNormal(), 'urgent', policy);
    expect(applyPriorityChange(urgent, 'high', policy)).toMatchObject({
      acceptanceDueAt: at(24 * HOUR),
      resolutionDueAt: at(30 * DAY),
    });
  });

  it('keeps a met acceptance deadline and moves only the running resolution one', () => {
    const started = routedNormal({ state: 'in_progress', acceptanceMetAt: at(2 * HOUR) });
    const next = applyPriorityChange(started, 'high', policy);
    expect(next.acceptanceDueAt).toEqual(at(72 * HOUR));
    expect(next.acceptanceMetAt).toEqual(at(2 * HOUR));
    expect(next.resolutionDueAt).toEqual(at(30 * DAY));
  });

  it('keeps breached deadlines as they are', () => {
    const breached = routedNormal({
      acceptanceBreachedAt: at(72 * HOUR),
      resolutionBreachedAt: at(90 * DAY),
    });
    const next = applyPriorityChange(breached, 'urgent', policy);
    expect(next.acceptanceDueAt).toEqual(breached.acceptanceDueAt);
    expect(next.resolutionDueAt).toEqual(breached.resolutionDueAt);
  });

  it('respects the time spent paused: the new deadline is the clock start + pause + the new duration', () => {
    // Started after 1 h, paused 10 days later for 5 days, then resumed.
    let c = applyStatusChange(routedNormal(), 'in_progress', at(HOUR), policy).next;
    c = applyStatusChange(c, 'awaiting_third_party', at(10 * DAY), policy).next;
    c = applyStatusChange(c, 'in_progress', at(15 * DAY), policy).next;
    expect(c.resolutionDueAt).toEqual(at(95 * DAY));
    expect(applyPriorityChange(c, 'urgent', policy).resolutionDueAt).toEqual(at(12 * DAY));
  });

  it('gives the same deadlines whether a case is re-triaged during a pause or after it', () => {
    let paused = applyStatusChange(routedNormal(), 'in_progress', at(HOUR), policy).next;
    paused = applyStatusChange(paused, 'awaiting_third_party', at(2 * DAY), policy).next;
    const duringPause = applyStatusChange(
      applyPriorityChange(paused, 'high', policy),
      'in_progress',
      at(4 * DAY),
      policy,
    ).next;
    const afterPause = applyPriorityChange(
      applyStatusChange(paused, 'in_progress', at(4 * DAY), policy).next,
      'high',
      policy,
    );
    expect(duringPause.resolutionDueAt).toEqual(at(32 * DAY));
    expect(afterPause).toEqual(duringPause);
  });

  it('recomputes a reopened resolution clock from its reopening', () => {
    let c = applyStatusChange(routedNormal(), 'in_progress', at(HOUR), policy).next;
    c = applyStatusChange(c, 'resolved', at(5 * DAY), policy).next;
    c = applyStatusChange(c, 'in_progress', at(20 * DAY), policy).next;
    expect(c.resolutionDueAt).toEqual(at(110 * DAY));
    expect(applyPriorityChange(c, 'urgent', policy).resolutionDueAt).toEqual(at(27 * DAY));
  });

  it('may tighten a deadline into the past: it stays there for the breach job to fire', () => {
    const next = applyPriorityChange(routedNormal(), 'urgent', policy);
    const tenHoursLater = at(10 * HOUR);
    expect(next.acceptanceDueAt.getTime()).toBeLessThan(tenHoursLater.getTime());
    expect(next.acceptanceBreachedAt).toBeNull();
  });
});
