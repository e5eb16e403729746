import { PackedRow } from './metric-sums';

/**
 * What the kept rows may hold, about (PackedRow.bytes): a few thousand rollup rows, a small share
 * of the 128 MB heap the folds also need.
 */
export const ROW_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * How long a kept row is trusted at most: a bound on what the naming below could have missed,
 * and on how long a row no report needs any more holds memory.
 */
export const ROW_CACHE_TTL_MS = 10 * 60 * 1000;

/** What a kept row costs: its parse, its name (up to two bytes a character) and the entry. */
const entryBytes = (version: string, row: PackedRow) => row.bytes + 2 * version.length + 150;

/**
 * Rollup rows already read and parsed, by row version: (table, xmin, written_at, key), as the
 * reports name them (host-country-reports.service.ts, ROW_NAME). PostgreSQL never changes a row
 * version in place: an update writes a new version with the updating transaction's xmin, and the
 * fold sets `written_at` on every write, so a name stands for one content. A report reads the
 * names of the rows it needs (no map is detoasted or printed for that), takes the parsed rows it
 * holds here and reads only the others' maps. What a fold did not rewrite (past months and days,
 * the rows of other countries) is not read or parsed again after the read model's version moves.
 *
 * Least recently used rows go first once the kept rows pass `budget` bytes.
 */
export class RollupRowCache {
  private readonly rows = new Map<string, { row: PackedRow; at: number; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly budget = ROW_CACHE_BYTES,
    private readonly ttlMs = ROW_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** The parsed row of this version, if kept and fresh enough (then it becomes the most recent). */
  get(version: string): PackedRow | undefined {
    const kept = this.rows.get(version);
    if (kept === undefined) return undefined;
    this.rows.delete(version);
    if (this.now() - kept.at > this.ttlMs) {
      this.bytes -= kept.bytes;
      return undefined;
    }
    this.rows.set(version, kept);
    return kept.row;
  }

  set(version: string, row: PackedRow): void {
    const old = this.rows.get(version);
    if (old !== undefined) {
      this.rows.delete(version);
      this.bytes -= old.bytes;
    }
    const bytes = entryBytes(version, row);
    if (bytes > this.budget) return;
    this.rows.set(version, { row, at: this.now(), bytes });
    this.bytes += bytes;
    for (const [oldest, { bytes: dropped }] of this.rows) {
      if (this.bytes <= this.budget) break;
      this.rows.delete(oldest);
      this.bytes -= dropped;
    }
  }
}
