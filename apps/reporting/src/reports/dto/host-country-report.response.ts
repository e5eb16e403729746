import { ApiProperty } from '@nestjs/swagger';
import type {
  CaseCategory,
  CaseStatus,
  OutcomeType,
  Priority,
  RiskIndicator,
  SlaStage,
} from '@casebridge/contracts';

/** Every figure may be null: suppressed as a small cell (docs/reporting.md#small-cell-suppression). */
const SUPPRESSED =
  ' null: suppressed (fewer than the minimum cell size of cases, or a complement).';

const counts = (description: string, example: Record<string, number>) =>
  ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', nullable: true },
    description: description + SUPPRESSED,
    example,
  });
const amounts = (description: string) =>
  ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: description + SUPPRESSED,
    example: { RUB: 185000.5, KZT: 420000 },
  });
const count = (description = '') =>
  ApiProperty({ type: 'integer', nullable: true, description: description + SUPPRESSED });

/**
 * The figures of a set of cases (a host country, a city, a consulate or all). Counts are of cases
 * submitted in the filtered period; statuses are current. Maps list every value of the
 * vocabulary (zeros included) except the money maps, which list the currencies that occur.
 * A null figure is suppressed (small-cell suppression); zeros are never suppressed.
 */
export class ReportFigures {
  @count('Cases whose submission is known; null only when the whole report has too few cases.')
  received!: number | null;
  @count('submitted + assigned + in_progress + awaiting_third_party.')
  open!: number | null;
  @count() inProgress!: number | null;
  @count() awaitingThirdParty!: number | null;
  @count() resolved!: number | null;
  @count() closed!: number | null;
  @count() withdrawn!: number | null;
  @count() rejected!: number | null;
  @count('Cases that have been assigned to a consulate at least once.')
  assigned!: number | null;
  @counts('Cases by current status (disjoint; sums to received).', { submitted: 0, assigned: 14 })
  byStatus!: Record<CaseStatus, number | null>;
  @counts('Cases by category.', { unpaid_wages: 12 })
  byCategory!: Record<CaseCategory, number | null>;
  @counts('Cases by current priority (the latest re-triage, else the triage at submission).', {
    urgent: 6,
    high: 5,
    normal: 9,
  })
  byPriority!: Record<Priority, number | null>;
  @counts('Cases showing each ILO forced-labour indicator.', { deception: 7 })
  riskIndicators!: Record<RiskIndicator, number | null>;
  @count('SLA breaches of these cases (both stages).') slaBreaches!: number | null;
  @counts('SLA breaches by stage.', { acceptance: 6, resolution: 0 })
  slaBreachesByStage!: Record<SlaStage, number | null>;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Median hours from submission to first assignment; null without enough assigned cases',
  })
  medianHoursToAssignment!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Median hours from submission to the first start of work (in_progress); null without enough such cases',
  })
  medianHoursToFirstAction!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Median days from submission to the current resolution; null without enough resolved or closed cases',
  })
  medianDaysToResolution!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      '90th percentile of the hours from submission to first assignment; null without enough assigned cases',
  })
  p90HoursToAssignment!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      '90th percentile of the hours from submission to the first start of work; null without enough such cases',
  })
  p90HoursToFirstAction!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      '90th percentile of the days from submission to the current resolution; null without enough resolved or closed cases',
  })
  p90DaysToResolution!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      '(resolved + closed) / received, 4 decimals; null without cases or when suppressed',
  })
  resolutionRate!: number | null;
  @counts('Resolved and closed cases by outcome.', { wages_recovered: 6 })
  outcomes!: Record<OutcomeType, number | null>;
  @amounts('Sum of amounts claimed, per currency.') amountClaimed!: Record<string, number | null>;
  @counts('Cases with an amount claimed, per currency.', { RUB: 9, KZT: 5 })
  amountClaimedCases!: Record<string, number | null>;
  @amounts('Sum of amounts recovered in current resolutions, per currency.')
  amountRecovered!: Record<string, number | null>;
  @counts('Cases with an amount recovered in their current resolution, per currency.', {
    RUB: 6,
  })
  amountRecoveredCases!: Record<string, number | null>;
}

type Exact<T> = T extends number | null
  ? number
  : T extends Record<string, number | null>
    ? { [K in keyof T]: number }
    : T;

/**
 * The figures as computed from the read model, before small-cell suppression: every count
 * known; medians (and any other order statistic) and the rate null where there is nothing to
 * describe.
 */
export type ExactFigures = {
  [K in keyof ReportFigures]: K extends `median${string}` | `p90${string}` | 'resolutionRate'
    ? ReportFigures[K]
    : Exact<ReportFigures[K]>;
};

export class HostCountryRow extends ReportFigures {
  @ApiProperty({
    example: 'RU',
    description:
      "ISO 3166-1 alpha-2, or '(other)' for the host countries merged by small-cell suppression",
  })
  hostCountry!: string;

  /** A listed row always has enough cases (small-cell suppression merges the others). */
  @ApiProperty({ type: 'integer', nullable: false, description: 'Cases whose submission is known' })
  declare received: number;
}

/** One host country's own figures in its detail report. */
export class CountryFigures extends ReportFigures {
  @ApiProperty({ example: 'RU', description: 'ISO 3166-1 alpha-2' }) hostCountry!: string;
}

export class CityRow extends ReportFigures {
  @ApiProperty({
    example: 'Moscow',
    type: String,
    nullable: true,
    description:
      "A known city of the country (the contracts' HOST_CITIES list), 'other' for a host city not on it, null for cases that name none, '(other)' for the rows merged by small-cell suppression",
  })
  hostCity!: string | null;

  /** A listed row always has enough cases (small-cell suppression merges the others). */
  @ApiProperty({ type: 'integer', nullable: false, description: 'Cases whose submission is known' })
  declare received: number;
}

export class ConsulateRow extends ReportFigures {
  @ApiProperty({
    example: 'RU-MOW',
    type: String,
    nullable: true,
    description: "null: not assigned yet; '(other)': the rows merged by small-cell suppression",
  })
  consulateId!: string | null;

  /** A listed row always has enough cases (small-cell suppression merges the others). */
  @ApiProperty({ type: 'integer', nullable: false, description: 'Cases whose submission is known' })
  declare received: number;
}

export class MonthlyPoint {
  @ApiProperty({ example: '2026-03' }) month!: string;
  @count('Cases submitted in the month.') received!: number | null;
  @count('Cases whose current resolution was recorded in the month.')
  resolved!: number | null;
}

export class AppliedFilters {
  @ApiProperty({ type: String, nullable: true, format: 'date' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) to!: string | null;
  @ApiProperty({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({ type: String, nullable: true }) consulateId!: string | null;
}

export class ReportFreshness {
  @ApiProperty({ type: String, nullable: true, description: 'Time of the newest event applied' })
  asOf!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      '0 when the read model has consumed every event; else seconds since asOf; null while unknown',
  })
  lagSeconds!: number | null;
}

export class MergedRows {
  @ApiProperty({ enum: ['hostCountry', 'hostCity', 'consulateId'] })
  field!: 'hostCountry' | 'hostCity' | 'consulateId';
  @ApiProperty({ example: '(other)', description: 'The value of `field` in the merged row' })
  key!: string;
  @ApiProperty({ description: 'How many groups (countries, cities, consulates) it merges' })
  groups!: number;
}

/** How small-cell suppression changed the figures of this answer. */
export class ReportSuppression {
  @ApiProperty({
    example: 5,
    description:
      'REPORT_MIN_CELL_SIZE: no published figure describes between 1 and minCellSize − 1 cases (1: nothing is suppressed)',
  })
  minCellSize!: number;
  @ApiProperty({ description: 'How many figures of this answer are null because suppressed' })
  suppressedCells!: number;
  @ApiProperty({
    description:
      'The whole answer has between 1 and minCellSize − 1 cases: every figure is null and no row is listed',
  })
  allSuppressed!: boolean;
  @ApiProperty({
    type: [MergedRows],
    description: 'Rows with fewer than minCellSize cases merged into one row, last in its list',
  })
  mergedRows!: MergedRows[];
}

export class HostCountryReport extends ReportFreshness {
  @ApiProperty({ type: AppliedFilters }) filters!: AppliedFilters;
  @ApiProperty({
    type: [HostCountryRow],
    description: 'One row per host country, most cases first',
  })
  rows!: HostCountryRow[];
  @ApiProperty({ type: ReportFigures, description: 'The same figures over all host countries' })
  totals!: ReportFigures;
  @ApiProperty({ type: [MonthlyPoint], description: 'All host countries, month by month' })
  monthly!: MonthlyPoint[];
  /** Always present in answers; absent only in the service's exact figures before publishing. */
  @ApiProperty({ type: ReportSuppression }) suppression?: ReportSuppression;
}

export class HostCountryDetail extends ReportFreshness {
  @ApiProperty({ type: AppliedFilters }) filters!: AppliedFilters;
  @ApiProperty({ type: CountryFigures }) country!: CountryFigures;
  @ApiProperty({ type: [MonthlyPoint] }) monthly!: MonthlyPoint[];
  @ApiProperty({ type: [CityRow] }) byCity!: CityRow[];
  @ApiProperty({ type: [ConsulateRow] }) byConsulate!: ConsulateRow[];
  /** Always present in answers; absent only in the service's exact figures before publishing. */
  @ApiProperty({ type: ReportSuppression }) suppression?: ReportSuppression;
}
