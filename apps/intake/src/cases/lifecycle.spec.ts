import { CASE_ACTIONS, CASE_STATUSES } from '@casebridge/contracts';
import { allowedActions, nextStatus, permittedActions, permittingParty } from './lifecycle';

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

  describe('who may act', () => {
    it('lets intake officers withdraw or reject a case not yet routed, and do nothing else', () => {
      expect(permittedActions('submitted', ['intake'])).toEqual(['withdraw', 'reject']);
      expect(permittingParty('submitted', 'withdraw', ['intake'])).toBe('intake');
      expect(permittingParty('submitted', 'reject', ['intake'])).toBe('intake');
      expect(permittingParty('submitted', 'start', ['intake'])).toBeNull();
    });

    it('leaves a routed case to its consulate: intake officers may not end it', () => {
      for (const from of CASE_STATUSES.filter((s) => s !== 'submitted')) {
        expect({ from, actions: permittedActions(from, ['intake']) }).toEqual({
          from,
          actions: [],
        });
      }
    });

    it('lets the holding consulate take every action the lifecycle allows', () => {
      for (const from of CASE_STATUSES) {
        expect(permittedActions(from, ['holding_consulate'])).toEqual(allowedActions(from));
      }
    });

    it('credits the holding consulate when a caller is both, and nobody without a part', () => {
      expect(permittingParty('submitted', 'withdraw', ['intake', 'holding_consulate'])).toBe(
        'holding_consulate',
      );
      expect(permittedActions('assigned', ['intake', 'holding_consulate'])).toEqual(
        allowedActions('assigned'),
      );
      expect(permittedActions('submitted', [])).toEqual([]);
      expect(permittingParty('withdrawn', 'withdraw', ['intake', 'holding_consulate'])).toBeNull();
    });
  });
});
