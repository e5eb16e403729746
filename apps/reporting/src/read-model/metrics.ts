import type {
  CaseCategory,
  CaseStatus,
  OutcomeType,
  Priority,
  RiskIndicator,
  SlaStage,
} from '@casebridge/contracts';
import type { DurationMeasure } from './durations';

/** The prefix of the duration bins' metrics, which the rollup keeps in a map of their own. */
export const DURATION_PREFIX = 'duration:';

/**
 * Names of the additive metrics kept in the bucket tables. Counts are numbers of cases (or of
 * breaches); `claimed:`/`recovered:` hold money sums per ISO 4217 currency, and
 * `claimed_cases:`/`recovered_cases:` the number of cases in each of those sums (small-cell
 * suppression shows a sum only when enough cases make it up); `duration:` counts cases per bin
 * of a duration's distribution (durations.ts).
 */
export const Metric = {
  received: 'received',
  assigned: 'assigned',
  resolved: 'resolved',
  status: (s: CaseStatus) => `status:${s}`,
  category: (c: CaseCategory) => `category:${c}`,
  priority: (p: Priority) => `priority:${p}`,
  risk: (r: RiskIndicator) => `risk:${r}`,
  slaBreaches: (stage: SlaStage) => `sla_breaches:${stage}`,
  outcome: (o: OutcomeType) => `outcome:${o}`,
  claimed: (currency: string) => `claimed:${currency}`,
  recovered: (currency: string) => `recovered:${currency}`,
  claimedCases: (currency: string) => `claimed_cases:${currency}`,
  recoveredCases: (currency: string) => `recovered_cases:${currency}`,
  duration: (measure: DurationMeasure, bin: number) => `${DURATION_PREFIX}${measure}:${bin}`,
} as const;
