import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { consumerLag, isRetryableConflict } from '@casebridge/common';
import { Metric } from '../read-model/metrics';
import { LIVE_TABLES, REPORTING_CONSUMER_GROUP } from '../read-model/read-model-tables';
import type {
  CityRow,
  ConsulateRow,
  HostCountryDetail,
  HostCountryReport,
  HostCountryRow,
  MonthlyPoint,
  ReportFreshness,
} from './dto/host-country-report.response';
import type { ReportFilters } from './dto/report-query.dto';
import { buildFigures, MedianSeconds, monthlySeries, NO_MEDIANS } from './report-figures';

/** The dimension a report groups by: a bucket column and the matching fact expression. */
const DIMENSIONS = {
  hostCountry: { bucket: 'host_country', fact: 'host_country' },
  hostCity: { bucket: 'host_city', fact: "coalesce(host_city, '')" },
  consulate: { bucket: 'consulate_id', fact: "coalesce(consulate_id, '')" },
} as const;
type Dimension = keyof typeof DIMENSIONS;

interface Grouped<T> {
  groups: Map<string, T>;
  total: T;
}

/** Builds a parameterised WHERE clause; values are always bound, never inlined. */
class Where {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(sql: (placeholder: string) => string, value: unknown): this {
    this.params.push(value);
    this.conditions.push(sql(`$${this.params.length}`));
    return this;
  }

  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** Filters on a bucket table; the date range applies to the table's own day. */
function bucketWhere(filters: ReportFilters, country: string | null, metric?: string): Where {
  const where = new Where();
  if (country !== null) where.add((p) => `host_country = ${p}`, country);
  if (filters.from !== null) where.add((p) => `day >= ${p}::date`, filters.from);
  if (filters.to !== null) where.add((p) => `day <= ${p}::date`, filters.to);
  if (filters.category !== null) where.add((p) => `category = ${p}`, filters.category);
  if (filters.consulateId !== null) where.add((p) => `consulate_id = ${p}`, filters.consulateId);
  if (metric !== undefined) where.add((p) => `metric = ${p}`, metric);
  return where;
}

function factWhere(filters: ReportFilters, country: string | null): Where {
  const where = new Where();
  where.conditions.push('submitted_at IS NOT NULL');
  if (country !== null) where.add((p) => `host_country = ${p}`, country);
  if (filters.from !== null) {
    where.add((p) => `submitted_at >= (${p}::date)::timestamp AT TIME ZONE 'UTC'`, filters.from);
  }
  if (filters.to !== null) {
    where.add((p) => `submitted_at < (${p}::date + 1)::timestamp AT TIME ZONE 'UTC'`, filters.to);
  }
  if (filters.category !== null) where.add((p) => `category = ${p}`, filters.category);
  if (filters.consulateId !== null) where.add((p) => `consulate_id = ${p}`, filters.consulateId);
  return where;
}

function nullIfEmpty(value: string): string | null {
  return value === '' ? null : value;
}

function byReceivedThenKey<T extends { received: number }>(key: (row: T) => string) {
  return (a: T, b: T) =>
    b.received - a.received || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

const READ_ATTEMPTS = 3;

/**
 * Answers the host-country reports from the read model: additive figures from the buckets,
 * medians from the facts of the filtered set (percentile_cont), all in one consistent snapshot.
 */
@Injectable()
export class HostCountryReportsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(filters: ReportFilters): Promise<HostCountryReport> {
    return this.snapshot(async (m) => {
      const freshness = await this.freshness(m);
      const sums = await this.metricSums(m, filters, null, 'hostCountry');
      const medians = await this.medians(m, filters, null, 'hostCountry');
      const rows: HostCountryRow[] = [...sums.groups]
        .map(([hostCountry, s]) => ({
          hostCountry,
          ...buildFigures(s, medians.groups.get(hostCountry) ?? NO_MEDIANS),
        }))
        .filter((r) => r.received > 0)
        .sort(byReceivedThenKey((r) => r.hostCountry));
      return {
        ...freshness,
        filters,
        rows,
        totals: buildFigures(sums.total, medians.total),
        monthly: await this.monthly(m, filters, null),
      };
    });
  }

  country(code: string, filters: ReportFilters): Promise<HostCountryDetail> {
    return this.snapshot(async (m) => {
      const freshness = await this.freshness(m);
      const byCitySums = await this.metricSums(m, filters, code, 'hostCity');
      const byCityMedians = await this.medians(m, filters, code, 'hostCity');
      const byConsulateSums = await this.metricSums(m, filters, code, 'consulate');
      const byConsulateMedians = await this.medians(m, filters, code, 'consulate');
      const byCity: CityRow[] = [...byCitySums.groups]
        .map(([city, s]) => ({
          hostCity: nullIfEmpty(city),
          ...buildFigures(s, byCityMedians.groups.get(city) ?? NO_MEDIANS),
        }))
        .filter((r) => r.received > 0)
        .sort(byReceivedThenKey((r) => r.hostCity ?? ''));
      const byConsulate: ConsulateRow[] = [...byConsulateSums.groups]
        .map(([consulate, s]) => ({
          consulateId: nullIfEmpty(consulate),
          ...buildFigures(s, byConsulateMedians.groups.get(consulate) ?? NO_MEDIANS),
        }))
        .filter((r) => r.received > 0)
        .sort(byReceivedThenKey((r) => r.consulateId ?? ''));
      return {
        ...freshness,
        filters,
        country: { hostCountry: code, ...buildFigures(byCitySums.total, byCityMedians.total) },
        monthly: await this.monthly(m, filters, code),
        byCity,
        byConsulate,
      };
    });
  }

  /** One repeatable-read snapshot per report; retried if a rebuild's swap collides with it. */
  private async snapshot<T>(read: (m: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('REPEATABLE READ', async (m) => {
          await m.query('SET TRANSACTION READ ONLY');
          return read(m);
        });
      } catch (error) {
        if (attempt >= READ_ATTEMPTS || !isRetryableConflict(error)) throw error;
      }
    }
  }

  private async freshness(m: EntityManager): Promise<ReportFreshness> {
    const [state] = await m.query<{ last_event_at: Date | null }[]>(
      `SELECT last_event_at FROM ${LIVE_TABLES.state} WHERE id = 1`,
    );
    const asOf = state?.last_event_at ?? null;
    const pending = await pendingEvents();
    let lagSeconds: number | null = null;
    if (pending === 0) lagSeconds = 0;
    else if (pending !== null && asOf !== null) {
      lagSeconds = Math.max(0, Math.round((Date.now() - asOf.getTime()) / 1000));
    }
    return { asOf: asOf?.toISOString() ?? null, lagSeconds };
  }

  private async metricSums(
    m: EntityManager,
    filters: ReportFilters,
    country: string | null,
    dimension: Dimension,
  ): Promise<Grouped<Map<string, string>>> {
    const column = DIMENSIONS[dimension].bucket;
    const where = bucketWhere(filters, country);
    const rows = await m.query<
      { grp: string | null; is_total: number; metric: string; value: string }[]
    >(
      `SELECT ${column} AS grp, GROUPING(${column}) AS is_total, metric, sum(value)::text AS value
       FROM ${LIVE_TABLES.caseBucket} ${where.toString()}
       GROUP BY GROUPING SETS ((${column}, metric), (metric))`,
      where.params,
    );
    const result: Grouped<Map<string, string>> = { groups: new Map(), total: new Map() };
    for (const row of rows) {
      let target = result.total;
      if (Number(row.is_total) === 0) {
        const key = row.grp ?? '';
        target = result.groups.get(key) ?? new Map<string, string>();
        result.groups.set(key, target);
      }
      target.set(row.metric, row.value);
    }
    return result;
  }

  private async medians(
    m: EntityManager,
    filters: ReportFilters,
    country: string | null,
    dimension: Dimension,
  ): Promise<Grouped<MedianSeconds>> {
    const expression = DIMENSIONS[dimension].fact;
    const where = factWhere(filters, country);
    const median = (end: string) =>
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${end} - submitted_at)) FILTER (WHERE ${end} IS NOT NULL)`;
    const rows = await m.query<
      {
        grp: string | null;
        is_total: number;
        to_assignment: number | null;
        to_first_action: number | null;
        to_resolution: number | null;
      }[]
    >(
      `SELECT ${expression} AS grp, GROUPING(${expression}) AS is_total,
         ${median('first_assigned_at')} AS to_assignment,
         ${median('first_action_at')} AS to_first_action,
         ${median('resolved_at')} AS to_resolution
       FROM ${LIVE_TABLES.fact} ${where.toString()}
       GROUP BY GROUPING SETS ((${expression}), ())`,
      where.params,
    );
    const result: Grouped<MedianSeconds> = { groups: new Map(), total: NO_MEDIANS };
    for (const row of rows) {
      const medians: MedianSeconds = {
        toAssignment: row.to_assignment === null ? null : Number(row.to_assignment),
        toFirstAction: row.to_first_action === null ? null : Number(row.to_first_action),
        toResolution: row.to_resolution === null ? null : Number(row.to_resolution),
      };
      if (Number(row.is_total) === 0) result.groups.set(row.grp ?? '', medians);
      else result.total = medians;
    }
    return result;
  }

  /**
   * Received by month of submission, resolved by month of the current resolution; the date
   * range applies to each series' own date.
   */
  private async monthly(
    m: EntityManager,
    filters: ReportFilters,
    country: string | null,
  ): Promise<MonthlyPoint[]> {
    const perMonth = async (table: string, metric: string) => {
      const where = bucketWhere(filters, country, metric);
      const rows = await m.query<{ month: string; value: string }[]>(
        `SELECT to_char(day, 'YYYY-MM') AS month, sum(value)::text AS value
         FROM ${table} ${where.toString()} GROUP BY 1`,
        where.params,
      );
      return new Map(rows.map((r) => [r.month, Number(r.value)]));
    };
    return monthlySeries(
      filters.from,
      filters.to,
      await perMonth(LIVE_TABLES.caseBucket, Metric.received),
      await perMonth(LIVE_TABLES.resolutionBucket, Metric.resolved),
    );
  }
}

/**
 * Events on the topics not yet consumed by the read model, from the consumer-lag gauge the
 * consumer refreshes every few seconds; null until it has been measured.
 */
async function pendingEvents(): Promise<number | null> {
  const { values } = await consumerLag.get();
  const ours = values.filter((v) => v.labels.group === REPORTING_CONSUMER_GROUP);
  return ours.length === 0 ? null : ours.reduce((n, v) => n + v.value, 0);
}
