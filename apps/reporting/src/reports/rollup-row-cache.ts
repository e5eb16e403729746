import { PackedRow } from './metric-sums';

/**
 * What the kept rows may hold, about (PackedRow.bytes): a few thousand rollup rows, a small share
 * of the 128 MB heap the folds also need.
 */
export const ROW_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * How long a kept row is trusted. A row version's name (table, ctid, xmin) could only name other
 * content after PostgreSQL has handed out 2^32 transaction ids; a row kept for ten minutes at
 * most never sees that many.
 */
export const ROW_CACHE_TTL_MS = 10 * 60 * 1000;

/**
 * Rollup rows already read and parsed, by row version: `${tableoid}:${ctid}:${xmin}`.
 * PostgreSQL never changes a row version in place: an update writes a new version (at a new
 * ctid, with the updating transaction's xmin) and a deleted version's slot is reused only by a
 * later transaction, so a version's name stands for one content. A report reads the names of the
 * rows it needs (no map is detoasted or printed for that), takes the parsed rows it holds here and
 * reads only the others' maps. What a fold did not rewrite (past months and days, the rows of
 * other countries) is not read or parsed again after the read model's version moves.
 *
 * Least recently used rows go first once the kept rows pass `budget` bytes.
 */
export class RollupRowCache {
  private readonly rows = new Map<string, { row: PackedRow; at: number }>();
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
      this.bytes -= kept.row.bytes;
      return undefined;
    }
    this.rows.set(version, kept);
    return kept.row;
  }

  set(version: string, row: PackedRow): void {
    const old = this.rows.get(version);
    if (old !== undefined) {
      this.rows.delete(version);
      this.bytes -= old.row.bytes;
    }
    if (row.bytes > this.budget) return;
    this.rows.set(version, { row, at: this.now() });
    this.bytes += row.bytes;
    for (const [oldest, { row: dropped }] of this.rows) {
      if (this.bytes <= this.budget) break;
      this.rows.delete(oldest);
      this.bytes -= dropped.bytes;
    }
  }
}
