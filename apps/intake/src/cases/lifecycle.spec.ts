import { CASE_ACTIONS, CASE_STATUSES } from '@casebridge/contracts';
import { allowedActions, nextStatus } from './lifecycle';

describe('case lifecycle', () => {
  it.each([
    ['assigned', 'start', 'in_progress'],
    ['in_progress', 'await_third_party', 'awaiting_third_party'],
    ['awaiting_third_party', 'resume', 'in_progress'],
    ['in_progress', 'resolve', 'resolved'],
    ['awaiting_third_party', 'resolve', 'resolved'],
    ['resolved', 'close', 'closed'],
    ['resolved', 'reopen', 'in_progress'],
    ['closed', 'reopen', 'in_progress'],
    ['submitted', 'withdraw', 'withdrawn'],
    ['in_progress', 'reject', 'rejected'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it('ends withdrawn and rejected cases for good', () => {
    expect(allowedActions('withdrawn')).toEqual([]);
    expect(allowedActions('rejected')).toEqual([]);
  });

  it('never lets a closed or resolved case be withdrawn or rejected', () => {
    for (const from of ['resolved', 'closed'] as const) {
      expect(nextStatus(from, 'withdraw')).toBeNull();
      expect(nextStatus(from, 'reject')).toBeNull();
    }
  });

  it('offers exactly the actions nextStatus accepts, for every status', () => {
    for (const from of CASE_STATUSES) {
      expect(allowedActions(from)).toEqual(
        CASE_ACTIONS.filter((a) => nextStatus(from, a) !== null),
      );
    }
  });
});
