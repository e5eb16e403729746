import { CASE_CATEGORIES } from '@casebridge/contracts';
import { triagePriority } from './triage';

describe('triage', () => {
  it.each([
    'trafficking',
    'forced_labour',
    'detention',
    'physical_abuse',
    'missing_person',
    'death_abroad',
  ] as const)('makes %s urgent even without indicators', (category) =>
    expect(triagePriority(category, [])).toBe('urgent'),
  );

  it('makes any case with three or more forced-labour indicators urgent', () => {
    expect(triagePriority('unpaid_wages', ['deception', 'isolation', 'debt_bondage'])).toBe(
      'urgent',
    );
  });

  it.each(['document_confiscation', 'workplace_injury', 'deportation'] as const)(
    'makes %s high',
    (category) => expect(triagePriority(category, [])).toBe('high'),
  );

  it('makes a case with one or two indicators high', () => {
    expect(triagePriority('unpaid_wages', ['withholding_of_wages'])).toBe('high');
    expect(triagePriority('other', ['deception', 'isolation'])).toBe('high');
  });

  it('leaves every other category without indicators normal', () => {
    const normal = CASE_CATEGORIES.filter((c) => triagePriority(c, []) === 'normal');
    expect(normal).toEqual([
      'unpaid_wages',
      'contract_violation',
      'unsafe_conditions',
      'discrimination',
      'illegal_recruitment_fees',
      'legal_status',
      'repatriation',
      'other',
    ]);
  });
});
