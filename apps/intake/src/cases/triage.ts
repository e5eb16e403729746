import type { CaseCategory, Priority, RiskIndicator } from '@casebridge/contracts';

const URGENT_CATEGORIES: ReadonlySet<CaseCategory> = new Set([
  'trafficking',
  'forced_labour',
  'detention',
  'physical_abuse',
  'missing_person',
  'death_abroad',
]);
const HIGH_CATEGORIES: ReadonlySet<CaseCategory> = new Set([
  'document_confiscation',
  'workplace_injury',
  'deportation',
]);

/** SPEC triage: urgent for the gravest categories or 3+ indicators; high for some; else normal. */
export function triagePriority(
  category: CaseCategory,
  indicators: readonly RiskIndicator[],
): Priority {
  if (URGENT_CATEGORIES.has(category) || indicators.length >= 3) return 'urgent';
  if (HIGH_CATEGORIES.has(category) || indicators.length > 0) return 'high';
  return 'normal';
}
