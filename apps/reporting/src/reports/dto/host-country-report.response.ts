import { ApiProperty } from '@nestjs/swagger';
import type {
  CaseCategory,
  CaseStatus,
  OutcomeType,
  Priority,
  RiskIndicator,
  SlaStage,
} from '@casebridge/contracts';

const counts = (description: string, example: Record<string, number>) =>
  ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description, example });
const amounts = (description: string) =>
  ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description,
    example: { RUB: 185000.5, KZT: 420000 },
  });

/**
 * The figures of a set of cases (a host country, a city, a consulate or all). Counts are of cases
 * submitted in the filtered period; statuses are current. Maps list every value of the
 * vocabulary (zeros included) except the money maps, which list the currencies that occur.
 */
export class ReportFigures {
  @ApiProperty({ description: 'Cases whose submission is known' }) received!: number;
  @ApiProperty({ description: 'submitted + assigned + in_progress + awaiting_third_party' })
  open!: number;
  @ApiProperty() inProgress!: number;
  @ApiProperty() awaitingThirdParty!: number;
  @ApiProperty() resolved!: number;
  @ApiProperty() closed!: number;
  @ApiProperty() withdrawn!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: 'Cases that have been assigned to a consulate at least once' })
  assigned!: number;
  @counts('Cases by current status (disjoint; sums to received)', { submitted: 1, assigned: 4 })
  byStatus!: Record<CaseStatus, number>;
  @counts('Cases by category', { unpaid_wages: 12 })
  byCategory!: Record<CaseCategory, number>;
  @counts('Cases by triage priority', { urgent: 2, high: 5, normal: 9 })
  byPriority!: Record<Priority, number>;
  @counts('Cases showing each ILO forced-labour indicator', { deception: 3 })
  riskIndicators!: Record<RiskIndicator, number>;
  @ApiProperty({ description: 'SLA breaches of these cases (both stages)' }) slaBreaches!: number;
  @counts('SLA breaches by stage', { acceptance: 2, resolution: 1 })
  slaBreachesByStage!: Record<SlaStage, number>;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median hours from submission to first assignment',
  })
  medianHoursToAssignment!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median hours from submission to the first start of work (in_progress)',
  })
  medianHoursToFirstAction!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median days from submission to the current resolution',
  })
  medianDaysToResolution!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '90th percentile of the hours from submission to first assignment',
  })
  p90HoursToAssignment!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '90th percentile of the hours from submission to the first start of work',
  })
  p90HoursToFirstAction!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '90th percentile of the days from submission to the current resolution',
  })
  p90DaysToResolution!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '(resolved + closed) / received, 4 decimals',
  })
  resolutionRate!: number | null;
  @counts('Resolved and closed cases by outcome', { wages_recovered: 4 })
  outcomes!: Record<OutcomeType, number>;
  @amounts('Sum of amounts claimed, per currency') amountClaimed!: Record<string, number>;
  @amounts('Sum of amounts recovered in current resolutions, per currency')
  amountRecovered!: Record<string, number>;
}

export class HostCountryRow extends ReportFigures {
  @ApiProperty({ example: 'RU', description: 'ISO 3166-1 alpha-2' }) hostCountry!: string;
}

export class CityRow extends ReportFigures {
  @ApiProperty({
    example: 'Moscow',
    type: String,
    nullable: true,
    description:
      "A known city of the country (the contracts' HOST_CITIES list), 'other' for a host city not on it, null for cases that name none",
  })
  hostCity!: string | null;
}

export class ConsulateRow extends ReportFigures {
  @ApiProperty({
    example: 'RU-MOW',
    type: String,
    nullable: true,
    description: 'null: not assigned yet',
  })
  consulateId!: string | null;
}

export class MonthlyPoint {
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ description: 'Cases submitted in the month' }) received!: number;
  @ApiProperty({ description: 'Cases whose current resolution was recorded in the month' })
  resolved!: number;
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
}

export class HostCountryDetail extends ReportFreshness {
  @ApiProperty({ type: AppliedFilters }) filters!: AppliedFilters;
  @ApiProperty({ type: HostCountryRow }) country!: HostCountryRow;
  @ApiProperty({ type: [MonthlyPoint] }) monthly!: MonthlyPoint[];
  @ApiProperty({ type: [CityRow] }) byCity!: CityRow[];
  @ApiProperty({ type: [ConsulateRow] }) byConsulate!: ConsulateRow[];
}
