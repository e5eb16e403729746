import { handoverCounts, planHandover } from './handover';

const staff = [
  { id: 'a', languages: ['uz', 'ru'], active: true, openCases: 2, maxOpenCases: 3 },
  { id: 'b', languages: ['ru'], active: true, openCases: 0, maxOpenCases: 5 },
  { id: 'leaving', languages: ['uz', 'ru', 'tg'], active: true, openCases: 4, maxOpenCases: 10 },
  { id: 'off', languages: ['uz', 'tg'], active: false, openCases: 0, maxOpenCases: 10 },
];
const kase = (caseId: string, preferredLanguage: string, sequence = 1) => ({
  caseId,
  preferredLanguage,
  sequence,
});

describe('planHandover', () => {
  it('gives every case to the named colleague with the next sequence', () => {
    expect(
      planHandover([kase('1', 'uz', 1), kase('2', 'tg', 4)], staff, 'leaving', {
        mode: 'caseworker',
        caseworkerId: 'b',
      }),
    ).toEqual([
      { caseId: '1', caseworkerId: 'b', sequence: 2 },
      { caseId: '2', caseworkerId: 'b', sequence: 5 },
    ]);
  });

  it('routes by language and fewest open cases, counting what the plan gave already, never to the leaving or an inactive caseworker', () => {
    const moves = planHandover(
      [kase('1', 'ru'), kase('2', 'uz'), kase('3', 'uz'), kase('4', 'tg'), kase('5', 'RU')],
      staff,
      'leaving',
      { mode: 'routing' },
    );
    expect(moves.map((m) => m.caseworkerId)).toEqual([
      'b', // ru: b has 0 open, a has 2
      'a', // uz: only a speaks it; a reaches 3 = its maximum
      null, // uz: a is full, nobody else speaks uz (the leaving one and the inactive one do not count)
      null, // tg: only the leaving and the inactive caseworker speak it
      'b', // RU: compared case-insensitively; b has 1
    ]);
    expect(staff.find((s) => s.id === 'a')?.openCases).toBe(2); // the plan works on copies
  });

  it('sums what each receiver gets and what goes back to the office queue', () => {
    expect(
      handoverCounts([
        { caseId: '1', caseworkerId: 'b', sequence: 2 },
        { caseId: '2', caseworkerId: null, sequence: 2 },
        { caseId: '3', caseworkerId: 'a', sequence: 2 },
        { caseId: '4', caseworkerId: 'b', sequence: 2 },
      ]),
    ).toEqual({
      toCaseworkers: [
        { caseworkerId: 'a', cases: 1 },
        { caseworkerId: 'b', cases: 2 },
      ],
      toOfficeQueue: 1,
    });
  });
});
