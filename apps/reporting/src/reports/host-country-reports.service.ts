import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { consumerLag, isRetryableConflict } from '@casebridge/common';
import { Metric } from '../read-model/metrics';
import { LIVE_TABLES, REPORTING_CONSUMER_GROUP } from '../read-model/read-model-tables';
import type {
  CityRow,
  ConsulateRow,
  ExactFigures,
  HostCountryDetail,
  HostCountryReport,
  HostCountryRow,
  MonthlyPoint,
  ReportFreshness,
} from './dto/host-country-report.response';
import type { ReportFilters } from './dto/report-query.dto';
import { ALL_TIME, DAY_DIMS, ROLLUP_DAY, ROLLUP_KEY, RollupDimension } from '../read-model/rollup';
import { MetricSums, PackedRow } from './metric-sums';
import { RollupRowCache } from './rollup-row-cache';
import { buildFigures, monthlySeries } from './report-figures';
import { daysOf, PeriodParts, periodParts } from './report-period';

/** The dimension a report groups by: its column, and its bit in the rollup (none for country). */
const DIMENSIONS = {
  hostCountry: { column: 'host_country', bit: 0 },
  hostCity: { column: 'host_city', bit: RollupDimension.city },
  consulate: { column: 'consulate_id', bit: RollupDimension.consulate },
} as const;
type Dimension = keyof typeof DIMENSIONS;

interface Grouped<T> {
  groups: Map<string, T>;
  total: T;
}

/** Bound parameters of one statement; values are always bound, never inlined. */
class Params {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The filters other than the period, as conditions on a rollup or bucket table. */
function filterConditions(
  params: Params,
  filters: ReportFilters,
  country: string | null,
): string[] {
  const out: string[] = [];
  if (country !== null) out.push(`host_country = ${params.bind(country)}`);
  if (filters.category !== null) out.push(`category = ${params.bind(filters.category)}`);
  if (filters.consulateId !== null) out.push(`consulate_id = ${params.bind(filters.consulateId)}`);
  return out;
}

/** The projection that keeps exactly what a query groups and filters by. */
function rollupDims(filters: ReportFilters, dimension: Dimension): number {
  let dims = DIMENSIONS[dimension].bit;
  if (filters.category !== null) dims |= RollupDimension.category;
  if (filters.consulateId !== null) dims |= RollupDimension.consulate;
  return dims;
}

/** What a period source selects and the conditions it adds: `@period` is its month or day. */
interface SourceShape {
  select: string;
  where: string[];
}

/**
 * The rollup's key columns a projection does not keep hold '': naming them keeps the read on one
 * range of the key.
 */
function unkeptColumns(dims: number): string[] {
  const kept: string[] = [];
  if ((dims & RollupDimension.category) === 0) kept.push("category = ''");
  if ((dims & RollupDimension.consulate) === 0) kept.push("consulate_id = ''");
  return kept;
}

/**
 * The rollup's rows of a period, as SELECTs to UNION ALL: the all-time or whole-month rows of
 * the projection `dims`, and for the partial months at the edges its day rows (ROLLUP_DAY) when
 * the projection is kept by day (DAY_DIMS; else dailySources reads them). `rollup` says what to
 * read from a packed row.
 */
function rollupSources(
  params: Params,
  parts: PeriodParts,
  filters: ReportFilters,
  country: string | null,
  dims: number,
  rollup: SourceShape,
): string[] {
  const kept = unkeptColumns(dims);
  // Bound once a source uses them: the caller's other sources share `params`, and PostgreSQL
  // refuses a parameter no clause types.
  let common: string[] | undefined;
  const fromRollup = (projection: number, period: string) => {
    common ??= filterConditions(params, filters, country);
    return `SELECT ${rollup.select.replaceAll('@period', 'month')} FROM ${LIVE_TABLES.rollup}
     WHERE ${[`dims = ${params.bind(projection)}`, ...kept, ...common, ...rollup.where, period].join(' AND ')}`;
  };
  const sources: string[] = [];
  if (parts.allTime) sources.push(fromRollup(dims, `month = '${ALL_TIME}'::date`));
  if (parts.months !== null) {
    const from = params.bind(parts.months.from);
    const to = params.bind(parts.months.to);
    sources.push(fromRollup(dims, `month BETWEEN ${from}::date AND ${to}::date`));
  }
  if (DAY_DIMS.includes(dims)) {
    for (const range of parts.days) {
      // A day row's `month` holds its day; the key's columns before it are all given.
      const from = params.bind(range.from);
      const to = params.bind(range.to);
      sources.push(fromRollup(dims | ROLLUP_DAY, `month BETWEEN ${from}::date AND ${to}::date`));
    }
  }
  return sources;
}

/**
 * The partial months at the edges of a period for a projection not kept by day: the rows of
 * each daily bucket table of `daily`, as SELECTs to UNION ALL (none when the projection is kept
 * by day: rollupSources reads its day rows). Each `where` is bound only when used: PostgreSQL
 * refuses a parameter no clause types.
 */
function dailySources(
  params: Params,
  parts: PeriodParts,
  filters: ReportFilters,
  country: string | null,
  dims: number,
  daily: (Omit<SourceShape, 'where'> & { table: string; where: () => string[] })[],
): string[] {
  if (DAY_DIMS.includes(dims) || parts.days.length === 0) return [];
  const common = filterConditions(params, filters, country);
  // A bucket read without a country leaves the buckets' first key column open: naming the
  // countries the model holds (the all-time rows of projection 0; every counted case is in one)
  // reads a range of the primary key per country instead of every bucket row of the days.
  const countries =
    country === null
      ? [
          `host_country IN (SELECT host_country FROM ${LIVE_TABLES.rollup}
             WHERE dims = 0 AND category = '' AND consulate_id = '' AND month = '${ALL_TIME}'::date)`,
        ]
      : [];
  const sources: string[] = [];
  for (const range of parts.days) {
    // The buckets' key is (country, day, category, consulate, …): naming each day makes every
    // (country, day) one seek to the category and consulate filtered on, where a range of days
    // reads every bucket of those days (3.6 against 22.6 ms for 27 days at 1,000,000 cases).
    const days = params.bind(daysOf(range));
    for (const { table, select, where } of daily) {
      sources.push(
        `SELECT ${select.replaceAll('@period', 'day')} FROM ${table}
         WHERE ${[...countries, `day = ANY(${days}::date[])`, ...common, ...where()].join(' AND ')}`,
      );
    }
  }
  return sources;
}

/**
 * A rollup row version's name for RollupRowCache: its table, the transaction that wrote it, the
 * clock at the write (`written_at`) and its key. Only the last version a transaction writes of a
 * key is ever visible to another one, so table, xmin and key name one content, until transaction
 * ids wrap around after 2^32 or a failover to a standby that missed the last commits hands some
 * out again; then the same name would need the clock to step back onto the very microsecond of
 * that key's earlier write as well.
 */
const ROW_NAME = `json_build_array(tableoid, xmin, written_at, ${ROLLUP_KEY.join(', ')})::text`;

function figuresOf(sums: MetricSums): ExactFigures {
  return buildFigures(sums.sums(), sums.histograms());
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
 * Answers the host-country reports from the read model's rollup (all time, whole months, and the
 * days of partial edge months) and, for a partial month of a projection not kept by day
 * (DAY_DIMS), the daily buckets: every figure, medians and p90 included, is a sum of
 * maintained values, read in one consistent snapshot. No report reads the case facts.
 */
@Injectable()
export class HostCountryReportsService {
  /** The rollup rows this instance has parsed, by row version. */
  private readonly rows = new RollupRowCache();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The read model's version: it changes with every applied run (the state row's count and
   * time) and with a rebuild's swap (the new state row's time), so equal versions read equal
   * figures.
   */
  async version(): Promise<string> {
    return versionOf(await this.dataSource.query<StateRow[]>(STATE_QUERY));
  }

  /** `lagSeconds` for a report read at `asOf`, now. */
  async lagSeconds(asOf: string | null): Promise<number | null> {
    return lagSince(asOf === null ? null : new Date(asOf));
  }

  list(filters: ReportFilters): Promise<Versioned<HostCountryReport>> {
    return this.snapshot(async (m) => {
      const { version, ...freshness } = await this.freshness(m);
      const sums = await this.metricSums(m, filters, null, 'hostCountry');
      const rows: HostCountryRow[] = [...sums.groups]
        .map(([hostCountry, s]) => ({ hostCountry, ...figuresOf(s) }))
        .filter((r) => r.received > 0)
        .sort(byReceivedThenKey((r) => r.hostCountry));
      const report: HostCountryReport = {
        ...freshness,
        filters,
        rows,
        totals: figuresOf(sums.total),
        monthly: await this.monthly(m, filters, null),
      };
      return { version, report };
    });
  }

  country(code: string, filters: ReportFilters): Promise<Versioned<HostCountryDetail>> {
    return this.snapshot(async (m) => {
      const { version, ...freshness } = await this.freshness(m);
      const byCitySums = await this.metricSums(m, filters, code, 'hostCity');
      const byConsulateSums = await this.metricSums(m, filters, code, 'consulate');
      const byCity: CityRow[] = [...byCitySums.groups]
        .map(([city, s]) => ({ hostCity: nullIfEmpty(city), ...figuresOf(s) }))
        .filter((r) => r.received > 0)
        .sort(byReceivedThenKey((r) => r.hostCity ?? ''));
      const byConsulate: ConsulateRow[] = [...byConsulateSums.groups]
        .map(([consulate, s]) => ({ consulateId: nullIfEmpty(consulate), ...figuresOf(s) }))
        .filter((r) => r.received > 0)
        .sort(byReceivedThenKey((r) => r.consulateId ?? ''));
      const report: HostCountryDetail = {
        ...freshness,
        filters,
        country: { hostCountry: code, ...figuresOf(byCitySums.total) },
        monthly: await this.monthly(m, filters, code),
        byCity,
        byConsulate,
      };
      return { version, report };
    });
  }

  /**
   * One read-only repeatable-read snapshot per report, begun in one statement (TypeORM's
   * transaction() sends three: start, isolation level, read only); retried if a rebuild's swap
   * collides with it.
   */
  private async snapshot<T>(read: (m: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        try {
          const result = await read(runner.manager);
          await runner.query('COMMIT');
          return result;
        } catch (error) {
          // As TypeORM's transaction() does; a broken connection is dropped by the pool.
          await runner.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } catch (error) {
        if (attempt >= READ_ATTEMPTS || !isRetryableConflict(error)) throw error;
      } finally {
        await runner.release();
      }
    }
  }

  private async freshness(m: EntityManager): Promise<ReportFreshness & { version: string }> {
    const state = await m.query<StateRow[]>(STATE_QUERY);
    const asOf = state[0]?.last_event_at ?? null;
    return {
      asOf: asOf?.toISOString() ?? null,
      lagSeconds: await lagSince(asOf),
      version: versionOf(state),
    };
  }

  /**
   * Every summed metric (counts, money, duration bins) per group and over all groups, from the
   * rollup projection that matches the query (all time, whole months, days of partial months)
   * plus, where no day row is kept, the daily bucket rows of partial edge months. The rollup
   * rows are named first (RollupRowCache): only the maps of rows not parsed before are read,
   * and PostgreSQL returns them as they are; Node sums them exactly (MetricSums): a year of a
   * projection is thousands of (metric, value) members, which JSON.parse and a Map add several
   * times faster than PostgreSQL expanding and grouping them.
   */
  private async metricSums(
    m: EntityManager,
    filters: ReportFilters,
    country: string | null,
    dimension: Dimension,
  ): Promise<Grouped<MetricSums>> {
    const column = DIMENSIONS[dimension].column;
    const parts = periodParts(filters.from, filters.to);
    const dims = rollupDims(filters, dimension);
    const result: Grouped<MetricSums> = { groups: new Map(), total: new MetricSums() };
    const group = (key: string | null): MetricSums => {
      let sums = result.groups.get(key ?? '');
      if (!sums) {
        sums = new MetricSums();
        result.groups.set(key ?? '', sums);
      }
      return sums;
    };
    const rollupParams = new Params();
    const rollup = rollupSources(rollupParams, parts, filters, country, dims, {
      select: `${column} AS grp, ${ROW_NAME} AS name, ctid::text AS tid`,
      where: [],
    });
    if (rollup.length > 0) {
      const named = await m.query<{ grp: string | null; name: string; tid: string }[]>(
        rollup.join(' UNION ALL '),
        rollupParams.values,
      );
      for (const [i, row] of (await this.packedRows(m, named)).entries()) {
        group(named[i].grp).addRow(row);
      }
    }
    const dailyParams = new Params();
    const daily = dailySources(dailyParams, parts, filters, country, dims, [
      {
        table: LIVE_TABLES.caseBucket,
        select: `${column} AS grp, metric, value`,
        where: () => [`metric <> ${dailyParams.bind(Metric.resolved)}`],
      },
    ]);
    if (daily.length > 0) {
      // Bucket rows come one per key and metric: summed per group and metric in SQL first.
      const rows = await m.query<{ grp: string | null; metric: string; value: string }[]>(
        `SELECT grp, metric, sum(value)::text AS value
         FROM (${daily.join(' UNION ALL ')}) AS d GROUP BY grp, metric`,
        dailyParams.values,
      );
      for (const row of rows) group(row.grp).add(row.metric, row.value);
    }
    for (const sums of result.groups.values()) result.total.addAll(sums);
    return result;
  }

  /**
   * The parsed rows of these named rollup rows, in their order: kept ones from the cache, the
   * others' maps read by ctid in the same snapshot (a version this snapshot sees is never
   * vacuumed or moved under it: VACUUM FULL, CLUSTER and the rebuild's swap wait for the table
   * lock the names' read took), parsed and kept. `resolved` is left out: it counts by
   * resolution day, and the figures' resolved cases are their statuses.
   */
  private async packedRows(
    m: EntityManager,
    named: readonly { name: string; tid: string }[],
  ): Promise<PackedRow[]> {
    const found = new Map<string, PackedRow>();
    const missing: string[] = [];
    for (const { name, tid } of named) {
      const row = this.rows.get(name);
      if (row) found.set(name, row);
      else missing.push(tid);
    }
    if (missing.length > 0) {
      const read = await m.query<{ name: string; counts: string; durations: string }[]>(
        `SELECT ${ROW_NAME} AS name, counts::text AS counts, durations::text AS durations
         FROM ${LIVE_TABLES.rollup} WHERE ctid = ANY($1::tid[])`,
        [missing],
      );
      for (const { name, counts, durations } of read) {
        const row = PackedRow.parse(counts, durations, Metric.resolved);
        this.rows.set(name, row);
        found.set(name, row);
      }
    }
    return named.map(({ name }) => {
      const row = found.get(name);
      if (!row) throw new Error('a rollup row named in this snapshot was not found in it');
      return row;
    });
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
    const parts = periodParts(filters.from, filters.to);
    // The series needs months: without a date filter, every month rather than the all-time rows.
    const months: PeriodParts = parts.allTime
      ? { allTime: false, months: { from: '0001-01-01', to: '9999-12-01' }, days: [] }
      : parts;
    const params = new Params();
    const dims = rollupDims(filters, 'hostCountry');
    // Bound once, used by whichever sources there are.
    const received = `${params.bind(Metric.received)}::text`;
    const resolved = `${params.bind(Metric.resolved)}::text`;
    // Both series in one read: the rollup's rows hold both counts (the counts map only: the
    // series never reads the duration bins); the edge days come from each one's bucket table.
    const sources = [
      ...rollupSources(params, months, filters, country, dims, {
        select: `to_char(@period, 'YYYY-MM') AS month,
                 (counts ->> ${received})::numeric AS received,
                 (counts ->> ${resolved})::numeric AS resolved`,
        where: [`counts ?| ARRAY[${received}, ${resolved}]`],
      }),
      ...dailySources(params, months, filters, country, dims, [
        {
          table: LIVE_TABLES.caseBucket,
          select:
            "to_char(@period, 'YYYY-MM') AS month, value AS received, NULL::numeric AS resolved",
          where: () => [`metric = ${received}`],
        },
        {
          table: LIVE_TABLES.resolutionBucket,
          select:
            "to_char(@period, 'YYYY-MM') AS month, NULL::numeric AS received, value AS resolved",
          where: () => [`metric = ${resolved}`],
        },
      ]),
    ];
    const rows =
      sources.length === 0
        ? []
        : await m.query<{ month: string; received: string | null; resolved: string | null }[]>(
            `SELECT month, sum(received)::text AS received, sum(resolved)::text AS resolved
             FROM (${sources.join(' UNION ALL ')}) AS s
             GROUP BY month`,
            params.values,
          );
    const series = (pick: (row: (typeof rows)[number]) => string | null) =>
      new Map(
        rows.flatMap((row) => {
          const value = pick(row);
          return value === null ? [] : [[row.month, Number(value)] as const];
        }),
      );
    return monthlySeries(
      filters.from,
      filters.to,
      series((row) => row.received),
      series((row) => row.resolved),
    );
  }
}

/** A report with the version of the read model it was read from. */
export interface Versioned<T> {
  version: string;
  report: T;
}

/** The state row: how far the model is (asOf) and its version. */
const STATE_QUERY = `SELECT last_event_at, events_applied, updated_at FROM ${LIVE_TABLES.state} WHERE id = 1`;

interface StateRow {
  last_event_at: Date | null;
  events_applied: string;
  updated_at: Date | null;
}

function versionOf(state: StateRow[]): string {
  const row = state[0];
  return row ? `${row.events_applied}@${row.updated_at?.toISOString() ?? ''}` : 'empty';
}

/** 0 when every event on the topics is applied; else seconds since `asOf`; null while unknown. */
async function lagSince(asOf: Date | null): Promise<number | null> {
  const pending = await pendingEvents();
  if (pending === 0) return 0;
  if (pending !== null && asOf !== null) {
    return Math.max(0, Math.round((Date.now() - asOf.getTime()) / 1000));
  }
  return null;
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
