import type {
  CaseCategory,
  CaseStatus,
  OutcomeType,
  Priority,
  RiskIndicator,
  SlaStage,
} from '@casebridge/contracts';
import type { DurationMeasure } from './durations';

/**
 * Names of the additive metrics kept in the bucket tables. Counts are numbers of cases (or of
 * breaches); `claimed:`/`recovered:` hold money sums per ISO 4217 currency; `duration:` counts
 * cases per bin of a duration's distribution (durations.ts).
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
  duration: (measure: DurationMeasure, bin: number) => `duration:${measure}:${bin}`,
} as const;
