import { applyStatusChange, CaseClocks } from './lifecycle';
import { SlaPolicy } from '../sla/sla-policy';

const HOUR = 3600 * 1000;
const policy: SlaPolicy = {
  acceptanceSeconds: { urgent: 4 * 3600, high: 24 * 3600, normal: 72 * 3600 },
  resolutionSeconds: { urgent: 7 * 24 * 3600, high: 30 * 24 * 3600, normal: 90 * 24 * 3600 },
};
const t0 = new Date('2026-03-02T09:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

const assigned = (extra: Partial<CaseClocks> = {}): CaseClocks => ({
  state: 'assigned',
  priority: 'urgent',
  pausedAt: null,
  acceptanceDueAt: at(4),
  acceptanceMetAt: null,
  acceptanceBreachedAt: null,
  resolutionDueAt: at(7 * 24),
  resolutionMetAt: null,
  resolutionBreachedAt: null,
  resolutionCycle: 1,
  ...extra,
});

describe('case lifecycle and SLA clocks', () => {
  it('meets the acceptance deadline when work starts, and keeps the resolution clock running', () => {
    const { next, openCasesDelta } = applyStatusChange(assigned(), 'in_progress', at(1), policy);
    expect(next.state).toBe('in_progress');
    expect(next.acceptanceMetAt).toEqual(at(1));
    expect(next.resolutionMetAt).toBeNull();
    expect(openCasesDelta).toBe(0);
  });

  it('meets the resolution deadline when the case is resolved and frees the caseworker', () => {
    const { next, openCasesDelta } = applyStatusChange(
      assigned({ state: 'in_progress', acceptanceMetAt: at(1) }),
      'resolved',
      at(30),
      policy,
    );
    expect(next.resolutionMetAt).toEqual(at(30));
    expect(openCasesDelta).toBe(-1);
  });

  it('frees the caseworker exactly once: closing a resolved case changes nothing more', () => {
    const resolved = assigned({
      state: 'resolved',
      acceptanceMetAt: at(1),
      resolutionMetAt: at(30),
    });
    const { next, openCasesDelta } = applyStatusChange(resolved, 'closed', at(40), policy);
    expect(openCasesDelta).toBe(0);
    expect(next.resolutionMetAt).toEqual(at(30));
  });

  it.each(['withdrawn', 'rejected'] as const)(
    'a %s case frees the caseworker and stops the acceptance clock without meeting it',
    (to) => {
      const { next, openCasesDelta } = applyStatusChange(assigned(), to, at(2), policy);
      expect(openCasesDelta).toBe(-1);
      expect(next.acceptanceMetAt).toBeNull();
      expect(next.state).toBe(to);
    },
  );

  it('pauses both clocks while awaiting a third party and shifts running deadlines on resume', () => {
    const started = assigned({ state: 'in_progress', acceptanceMetAt: at(1) });
    const paused = applyStatusChange(started, 'awaiting_third_party', at(10), policy).next;
    expect(paused.pausedAt).toEqual(at(10));
    expect(paused.resolutionDueAt).toEqual(at(7 * 24));

    const resumed = applyStatusChange(paused, 'in_progress', at(58), policy).next;
    expect(resumed.pausedAt).toBeNull();
    expect(resumed.resolutionDueAt).toEqual(at(7 * 24 + 48));
    expect(resumed.acceptanceDueAt).toEqual(at(4)); // already met: not shifted
  });

  it('shifts an unmet acceptance deadline by the pause too', () => {
    const paused = applyStatusChange(assigned(), 'awaiting_third_party', at(1), policy).next;
    const resumed = applyStatusChange(
      { ...paused, acceptanceMetAt: null },
      'in_progress',
      at(3),
      policy,
    ).next;
    expect(resumed.acceptanceDueAt).toEqual(at(6));
  });

  it('does not move a deadline that was already breached', () => {
    const breached = assigned({
      state: 'awaiting_third_party',
      acceptanceMetAt: at(1),
      pausedAt: at(2),
      resolutionBreachedAt: at(1),
    });
    const resumed = applyStatusChange(breached, 'in_progress', at(10), policy).next;
    expect(resumed.resolutionDueAt).toEqual(at(7 * 24));
  });

  it('keeps the first pause time when awaiting is reported twice', () => {
    const paused = applyStatusChange(
      assigned({ state: 'in_progress' }),
      'awaiting_third_party',
      at(1),
      policy,
    ).next;
    expect(applyStatusChange(paused, 'awaiting_third_party', at(5), policy).next.pausedAt).toEqual(
      at(1),
    );
  });

  it('resolving straight from awaiting ends the pause and meets the resolution deadline', () => {
    const paused = assigned({
      state: 'awaiting_third_party',
      acceptanceMetAt: at(1),
      pausedAt: at(2),
    });
    const { next, openCasesDelta } = applyStatusChange(paused, 'resolved', at(6), policy);
    expect(next.pausedAt).toBeNull();
    expect(next.resolutionMetAt).toEqual(at(6));
    expect(openCasesDelta).toBe(-1);
  });

  it('restarts the resolution clock as a new run when a case is reopened, taking capacity again', () => {
    const closed = assigned({
      state: 'closed',
      acceptanceMetAt: at(1),
      resolutionMetAt: at(30),
      resolutionBreachedAt: null,
    });
    const { next, openCasesDelta } = applyStatusChange(closed, 'in_progress', at(100), policy);
    expect(openCasesDelta).toBe(1);
    expect(next.resolutionDueAt).toEqual(at(100 + 7 * 24));
    expect(next.resolutionMetAt).toBeNull();
    expect(next.resolutionCycle).toBe(2);
  });

  it('lets a reopened case breach again even if its first run was breached', () => {
    const resolved = assigned({
      state: 'resolved',
      acceptanceMetAt: at(1),
      resolutionMetAt: at(200),
      resolutionBreachedAt: at(168),
    });
    const { next } = applyStatusChange(resolved, 'in_progress', at(300), policy);
    expect(next.resolutionBreachedAt).toBeNull();
    expect(next.resolutionCycle).toBe(2);
  });

  it('uses the priority of the case for a restarted clock', () => {
    const closed = assigned({
      state: 'closed',
      priority: 'normal',
      acceptanceMetAt: at(1),
      resolutionMetAt: at(2),
    });
    expect(applyStatusChange(closed, 'in_progress', at(10), policy).next.resolutionDueAt).toEqual(
      at(10 + 90 * 24),
    );
  });

  it('changes nothing when the state is reported again', () => {
    const current = assigned();
    const { next, openCasesDelta } = applyStatusChange(current, 'assigned', at(1), policy);
    expect(next).toEqual(current);
    expect(openCasesDelta).toBe(0);
  });
});
