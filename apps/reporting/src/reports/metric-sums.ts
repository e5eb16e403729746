import { addToSum, Decimal, formatDecimal, parseDecimal } from '../read-model/decimal';
import { DURATION_MEASURES, DurationMeasure, Histogram } from '../read-model/durations';
import { DURATION_PREFIX } from '../read-model/metrics';

/**
 * A member of a packed `counts` map's text: its key (a JSON string) and its value's text (jsonb
 * prints numerics as plain decimals; anything else is refused by parseDecimal).
 */
const MEMBER = /"((?:[^"\\]|\\.)*)"\s*:\s*([^,}\s]+)\s*[,}]/g;

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * One packed rollup row's maps, parsed once (a report may add it again and again: RollupRowCache):
 * its `counts` members as exact decimals (whole numbers as JSON.parse reads them, exact below
 * 2^53; any other member, money, from its own text) and its `durations` bins as (measure, bin,
 * count) triples.
 */
export class PackedRow {
  private constructor(
    readonly metrics: readonly string[],
    readonly values: readonly Decimal[],
    /** (measure index, bin, count) triples. */
    readonly bins: Float64Array,
  ) {}

  /**
   * Parses a row's `counts` and `durations` texts as jsonb prints them (either may be null),
   * leaving out the counts member `skip`; refuses anything that is not a packed map of decimals
   * or of bin counts.
   */
  static parse(counts: string | null, durations: string | null, skip?: string): PackedRow {
    const metrics: string[] = [];
    const values: Decimal[] = [];
    if (counts !== null) parseCounts(counts, skip, metrics, values);
    let bins: number[] = [];
    if (durations !== null) {
      const scanned = scanBins(durations);
      if (scanned) bins = scanned;
      else {
        const members = JSON.parse(durations) as Record<string, unknown>;
        for (const [metric, value] of Object.entries(members)) {
          if (metric.startsWith(DURATION_PREFIX)) bins.push(...binOf(metric, String(value)));
          else {
            metrics.push(metric);
            values.push(parseDecimal(String(value)));
          }
        }
      }
    }
    return new PackedRow(metrics, values, Float64Array.from(bins));
  }

  /** About what the row holds in memory, in bytes (what RollupRowCache budgets). */
  get bytes(): number {
    return 96 + this.metrics.length * 64 + this.bins.byteLength;
  }
}

/**
 * The sums a report reads, per group: every metric of the rollup rows and bucket rows it is
 * given, exactly. A packed row's `counts` (counts and money) are added member by member as exact
 * decimals; its `durations` (bin counts: whole numbers) into one array of counts per measure,
 * which is what the medians and p90 need. A year of a projection is thousands of bin members per
 * country: summing them this way takes a fraction of what PostgreSQL takes to expand and group
 * them (docs/performance.md).
 */
export class MetricSums {
  private readonly counts = new Map<string, Decimal>();
  private readonly bins: number[][] = DURATION_MEASURES.map(() => []);

  /** Adds a parsed row. */
  addRow(row: PackedRow): void {
    const { metrics, values, bins } = row;
    for (let i = 0; i < metrics.length; i++) addToSum(this.counts, metrics[i], values[i]);
    for (let k = 0; k < bins.length; k += 3) this.addBin(bins[k], bins[k + 1], bins[k + 2]);
  }

  /** Adds one metric's sum, an exact decimal string. */
  add(metric: string, value: string): void {
    if (metric.startsWith(DURATION_PREFIX)) {
      const [m, bin, count] = binOf(metric, value);
      this.addBin(m, bin, count);
      return;
    }
    addToSum(this.counts, metric, parseDecimal(value));
  }

  /** Adds every sum of `other`. */
  addAll(other: MetricSums): void {
    for (const [metric, value] of other.counts) addToSum(this.counts, metric, value);
    other.bins.forEach((counts, m) => counts.forEach((n, bin) => this.addBin(m, bin, n)));
  }

  /** Every metric but the bins → its exact sum, a decimal string. */
  sums(): Map<string, string> {
    return new Map([...this.counts].map(([metric, sum]) => [metric, formatDecimal(sum)]));
  }

  /** The distribution of each duration: bin → count. */
  histograms(): Record<DurationMeasure, Histogram> {
    const out = {} as Record<DurationMeasure, Histogram>;
    DURATION_MEASURES.forEach((measure, m) => {
      const histogram = new Map<number, number>();
      this.bins[m].forEach((n, bin) => {
        if (n !== 0) histogram.set(bin, n);
      });
      out[measure] = histogram;
    });
    return out;
  }

  private addBin(m: number, bin: number, count: number): void {
    const counts = this.bins[m];
    // Bins count from 0 up, a few hundred of them: a dense array (filled, so it stays packed).
    while (counts.length <= bin) counts.push(0);
    const sum = counts[bin] + count;
    if (!Number.isSafeInteger(sum)) throw new Error('a duration bin count past 2^53');
    counts[bin] = sum;
  }
}

/** A `duration:<measure>:<bin>` member as a (measure index, bin, count) triple. */
function binOf(metric: string, value: string): [number, number, number] {
  const [, measure, bin] = metric.split(':');
  const m = DURATION_MEASURES.indexOf(measure as DurationMeasure);
  const count = Number(value);
  if (m >= 0 && /^\d+$/.test(bin) && Number.isSafeInteger(count)) return [m, Number(bin), count];
  throw new Error(`not a duration bin count: ${metric}`);
}

/** A packed `counts` map's members, but `skip`, onto `metrics` and `values`. */
function parseCounts(text: string, skip: string | undefined, metrics: string[], values: Decimal[]) {
  const members = JSON.parse(text) as unknown;
  if (typeof members !== 'object' || members === null || Array.isArray(members)) {
    throw new Error('not a packed map of decimals');
  }
  let exact = false;
  for (const [metric, value] of Object.entries(members as Record<string, unknown>)) {
    if (metric === skip) continue;
    if (typeof value !== 'number') throw new Error(`not a decimal bucket value: ${metric}`);
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      metrics.push(metric);
      values.push({ digits: value, scale: 0 });
    } else exact = true;
  }
  if (!exact) return;
  // The members JSON.parse may have rounded, again from the text.
  for (const [, raw, value] of text.matchAll(MEMBER)) {
    const metric = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    const parsed = (members as Record<string, number>)[metric];
    if (metric !== skip && !(Number.isSafeInteger(parsed) && !Object.is(parsed, -0))) {
      metrics.push(metric);
      values.push(parseDecimal(value));
    }
  }
}

const BIN_MEMBER_PREFIX = `"${DURATION_PREFIX}`;

/**
 * A packed `durations` map's text as jsonb prints it, scanned in place into (measure, bin,
 * count) triples; null when the text is not in that form.
 */
function scanBins(text: string): number[] | null {
  const found: number[] = [];
  const n = text.length;
  let i = 1;
  if (text.charCodeAt(0) !== 123 /* { */) return null;
  if (text === '{}') return found;
  for (;;) {
    if (!text.startsWith(BIN_MEMBER_PREFIX, i)) return null;
    i += BIN_MEMBER_PREFIX.length;
    let m = -1;
    for (let k = 0; k < DURATION_MEASURES.length && m < 0; k++) {
      if (text.startsWith(DURATION_MEASURES[k], i)) m = k;
    }
    if (m < 0) return null;
    i += DURATION_MEASURES[m].length;
    if (text.charCodeAt(i) !== 58 /* : */) return null;
    i++;
    let bin = 0;
    const binStart = i;
    for (let c = text.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = text.charCodeAt(++i)) {
      bin = bin * 10 + (c - DIGIT_0);
    }
    if (i === binStart || i - binStart > 6 || !text.startsWith('": ', i)) return null;
    i += 3;
    let count = 0;
    const countStart = i;
    for (let c = text.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = text.charCodeAt(++i)) {
      count = count * 10 + (c - DIGIT_0);
    }
    if (i === countStart || i - countStart > 15) return null;
    found.push(m, bin, count);
    if (text.charCodeAt(i) === 125 /* } */ && i === n - 1) return found;
    if (!text.startsWith(', ', i)) return null;
    i += 2;
  }
}
