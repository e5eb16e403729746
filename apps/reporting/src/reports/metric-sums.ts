import { addInto, Decimal, formatDecimal, parseDecimal } from '../read-model/decimal';
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
 * The sums a report reads, per group: every metric of the rollup rows and bucket rows it is
 * given, exactly. A packed `counts` map (counts and money) is added member by member as exact
 * decimals; a packed `durations` map (bin counts: whole numbers) is scanned in place into one
 * array of counts per measure, which is what the medians and p90 need. A year of a projection is
 * thousands of bin members per country: summing them this way takes a fraction of what
 * PostgreSQL takes to expand and group them (docs/performance.md).
 */
export class MetricSums {
  private readonly counts = new Map<string, Decimal>();
  private readonly bins: number[][] = DURATION_MEASURES.map(() => []);

  /**
   * Adds a packed `counts` map's text, leaving out `skip`: whole numbers as JSON.parse reads them
   * (exact below 2^53), any other member (money) from its own text, as an exact decimal.
   */
  addCounts(text: string, skip?: string): void {
    const members = JSON.parse(text) as unknown;
    if (typeof members !== 'object' || members === null || Array.isArray(members)) {
      throw new Error('not a packed map of decimals');
    }
    let exact = false;
    for (const [metric, value] of Object.entries(members as Record<string, unknown>)) {
      if (metric === skip) continue;
      if (typeof value !== 'number') throw new Error(`not a decimal bucket value: ${metric}`);
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) this.addWhole(metric, value);
      else exact = true;
    }
    if (!exact) return;
    // The members JSON.parse may have rounded, again from the text.
    for (const [, raw, value] of text.matchAll(MEMBER)) {
      const metric = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      const parsed = (members as Record<string, number>)[metric];
      if (metric !== skip && !(Number.isSafeInteger(parsed) && !Object.is(parsed, -0))) {
        this.add(metric, value);
      }
    }
  }

  /**
   * Adds a packed `durations` map's text as jsonb prints it (`{"duration:<measure>:<bin>": n,
   * …}`); anything else is read member by member.
   */
  addBins(text: string): void {
    if (!this.scanBins(text)) {
      const members = JSON.parse(text) as Record<string, unknown>;
      for (const [metric, value] of Object.entries(members)) this.add(metric, String(value));
    }
  }

  /** Adds one metric's sum, an exact decimal string. */
  add(metric: string, value: string): void {
    if (metric.startsWith(DURATION_PREFIX)) {
      const [, measure, bin] = metric.split(':');
      const m = DURATION_MEASURES.indexOf(measure as DurationMeasure);
      const count = Number(value);
      if (m >= 0 && /^\d+$/.test(bin) && Number.isSafeInteger(count)) {
        this.addBin(m, Number(bin), count);
        return;
      }
      throw new Error(`not a duration bin count: ${metric}`);
    }
    const decimal = parseDecimal(value);
    const sum = this.counts.get(metric);
    if (sum) addInto(sum, decimal);
    else this.counts.set(metric, decimal);
  }

  private addWhole(metric: string, value: number): void {
    const sum = this.counts.get(metric);
    if (sum) addInto(sum, { digits: value, scale: 0 });
    else this.counts.set(metric, { digits: value, scale: 0 });
  }

  /** Adds every sum of `other`. */
  addAll(other: MetricSums): void {
    for (const [metric, value] of other.counts) {
      const sum = this.counts.get(metric);
      if (sum) addInto(sum, value);
      else this.counts.set(metric, { ...value });
    }
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

  /** The fast path of addBins; false (nothing added) when the text is not in jsonb's form. */
  private scanBins(text: string): boolean {
    const found: number[] = [];
    const n = text.length;
    let i = 1;
    if (text.charCodeAt(0) !== 123 /* { */) return false;
    if (text === '{}') return true;
    for (;;) {
      if (!text.startsWith(`"${DURATION_PREFIX}`, i)) return false;
      i += DURATION_PREFIX.length + 1;
      const m = DURATION_MEASURES.findIndex((measure) => text.startsWith(measure, i));
      if (m < 0) return false;
      i += DURATION_MEASURES[m].length;
      if (text.charCodeAt(i) !== 58 /* : */) return false;
      i++;
      let bin = 0;
      const binStart = i;
      for (let c = text.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = text.charCodeAt(++i)) {
        bin = bin * 10 + (c - DIGIT_0);
      }
      if (i === binStart || i - binStart > 6 || !text.startsWith('": ', i)) return false;
      i += 3;
      let count = 0;
      const countStart = i;
      for (let c = text.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = text.charCodeAt(++i)) {
        count = count * 10 + (c - DIGIT_0);
      }
      if (i === countStart || i - countStart > 15) return false;
      found.push(m, bin, count);
      if (text.charCodeAt(i) === 125 /* } */ && i === n - 1) break;
      if (!text.startsWith(', ', i)) return false;
      i += 2;
    }
    for (let k = 0; k < found.length; k += 3) this.addBin(found[k], found[k + 1], found[k + 2]);
    return true;
  }
}
