/**
 * Primary and complementary cell suppression over a table of non-negative counts linked by
 * additivity ("these cells sum to that one"), as statistics offices protect frequency tables:
 * every count between 1 and k − 1 is suppressed (primary), then more cells are suppressed
 * (complementary) until no suppressed cell can be worked out from the shown ones.
 */

/** One count of a table. */
export interface Cell {
  readonly value: number;
  /** Published in the report; false for a count only implied by published ones (received − assigned). */
  readonly published: boolean;
  /** Must stay shown (a row's `received`, which merging keeps at k or more). */
  readonly locked: boolean;
  /** false once suppressed; implied cells are never shown. */
  shown: boolean;
}

/** `total` = the sum of `parts`. */
export interface Additivity {
  readonly total: Cell;
  readonly parts: readonly Cell[];
}

/** Between 1 and k − 1: a count that could single out a person. Zero is not small. */
export function isSmall(value: number, minCellSize: number): boolean {
  return value >= 1 && value < minCellSize;
}

export class CellTable {
  readonly cells: Cell[] = [];
  readonly constraints: Additivity[] = [];
  /** The equations each cell is a part of. */
  readonly partOf = new Map<Cell, Additivity[]>();

  /** A published count; `locked` ones are never suppressed. */
  count(value: number, locked = false): Cell {
    const cell: Cell = { value, published: true, locked, shown: true };
    this.cells.push(cell);
    return cell;
  }

  /** A count the published ones imply (e.g. the cases without an indicator). */
  implied(value: number): Cell {
    const cell: Cell = { value, published: false, locked: false, shown: false };
    this.cells.push(cell);
    return cell;
  }

  sum(total: Cell, parts: readonly Cell[]): void {
    const equation = { total, parts };
    this.constraints.push(equation);
    for (const part of parts) this.partOf.set(part, [...(this.partOf.get(part) ?? []), equation]);
  }
}

const EPSILON = 1e-9;

/**
 * What the shown cells tell about the hidden ones (suppressed and implied) through the table's
 * equations: the reduced row echelon form of the equations over the hidden cells. A sum of
 * hidden cells follows from the shown ones iff it lies in the rows' span.
 */
export class Knowledge {
  private readonly index: Map<Cell, number>;
  private readonly rows: Float64Array[] = [];
  private readonly pivots: number[] = [];

  constructor(table: CellTable) {
    const hidden = table.cells.filter((c) => !c.shown);
    this.index = new Map(hidden.map((c, i) => [c, i]));
    const rows: Float64Array[] = [];
    for (const { total, parts } of table.constraints) {
      const row = this.vector(parts);
      const t = this.index.get(total);
      if (t !== undefined) row[t] -= 1;
      if (row.some((v) => v !== 0)) rows.push(row);
    }
    let rank = 0;
    for (let col = 0; col < hidden.length && rank < rows.length; col++) {
      // Coefficients stay small integers and fractions: the first non-zero row is a safe pivot.
      let best = -1;
      for (let r = rank; r < rows.length && best < 0; r++)
        if (Math.abs(rows[r][col]) > EPSILON) best = r;
      if (best < 0) continue;
      [rows[rank], rows[best]] = [rows[best], rows[rank]];
      const pivot = rows[rank];
      const scale = pivot[col];
      // Equations are sparse: only the pivot row's non-zero entries change the others.
      const nonZero: number[] = [];
      for (let j = 0; j < pivot.length; j++) {
        if (Math.abs(pivot[j]) <= EPSILON) pivot[j] = 0;
        else {
          pivot[j] /= scale;
          nonZero.push(j);
        }
      }
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        const factor = row[col];
        if (r === rank || Math.abs(factor) <= EPSILON) continue;
        for (const j of nonZero) row[j] -= factor * pivot[j];
      }
      this.pivots.push(col);
      rank++;
    }
    this.rows = rows.slice(0, rank);
  }

  /** The hidden cells among these, as a vector over the hidden cells. */
  private vector(cells: readonly Cell[]): Float64Array {
    const v = new Float64Array(this.index.size);
    for (const c of cells) {
      const i = this.index.get(c);
      if (i !== undefined) v[i] += 1;
    }
    return v;
  }

  /** Whether the sum of these hidden cells follows from the shown ones. */
  determines(cells: readonly Cell[]): boolean {
    const v = this.vector(cells);
    if (v.every((x) => x === 0)) return false;
    this.rows.forEach((row, r) => {
      const factor = v[this.pivots[r]];
      if (Math.abs(factor) > EPSILON) for (let j = 0; j < v.length; j++) v[j] -= factor * row[j];
    });
    return v.every((x) => Math.abs(x) <= EPSILON);
  }

  /** The hidden cells whose value follows from the shown ones: a reduced row that is one cell alone. */
  determinedCells(): Set<Cell> {
    const hidden = [...this.index.keys()];
    const determined = new Set<Cell>();
    this.rows.forEach((row, r) => {
      let nonZero = 0;
      for (const v of row) if (Math.abs(v) > EPSILON && ++nonZero > 1) break;
      if (nonZero === 1) determined.add(hidden[this.pivots[r]]);
    });
    return determined;
  }
}

/** The suppressed (or implied) cells whose value follows exactly from the shown ones. */
export function determinedCells(table: CellTable): Set<Cell> {
  return new Knowledge(table).determinedCells();
}

/** A hidden cell that must not be worked out: any suppressed published cell, or a small implied one. */
function mustStayHidden(cell: Cell, minCellSize: number): boolean {
  return cell.published || isSmall(cell.value, minCellSize);
}

const suppressible = (c: Cell) => c.shown && c.published && !c.locked && c.value > 0;

/**
 * Whether suppressing this cell could hide anything: not if some equation with a shown total
 * would then have it as its only suppressed part with nothing else left to suppress (a row's
 * only non-zero status equals its received).
 */
function useful(cell: Cell, table: CellTable): boolean {
  for (const { total, parts } of table.partOf.get(cell) ?? []) {
    if (!total.shown) continue;
    const others = parts.filter((p) => p !== cell);
    if (others.some((p) => !p.shown || suppressible(p)) || suppressible(total)) continue;
    return false;
  }
  return true;
}

/** The smallest cell of these that may be suppressed, preferring one whose suppression is useful. */
function complement(candidates: readonly Cell[], table: CellTable): Cell | undefined {
  let best: Cell | undefined;
  let bestUseful = false;
  for (const c of candidates) {
    if (!suppressible(c)) continue;
    const isUseful = useful(c, table);
    if (!best || (isUseful && !bestUseful) || (isUseful === bestUseful && c.value < best.value)) {
      best = c;
      bestUseful = isUseful;
    }
  }
  return best;
}

/**
 * One pass over the equations whose total is shown: where a single suppressed cell could be
 * computed, or the suppressed cells together are small (1..k − 1 cases between them), suppress
 * the smallest shown part (else the total). True if it suppressed anything.
 */
function protectEquations(table: CellTable, minCellSize: number): boolean {
  let changed = false;
  // The narrowest equations first: a complement there often protects the wider ones too.
  const equations = [...table.constraints].sort((a, b) => a.total.value - b.total.value);
  for (const { total, parts } of equations) {
    if (!total.shown) continue;
    const hidden = parts.filter((p) => !p.shown);
    if (hidden.length === 0) continue;
    const hiddenSum = hidden.reduce((n, p) => n + p.value, 0);
    const exposed =
      hidden.length === 1
        ? mustStayHidden(hidden[0], minCellSize)
        : isSmall(hiddenSum, minCellSize) && !isSmall(total.value, minCellSize);
    if (!exposed) continue;
    const next = complement([...parts, total], table);
    if (next) {
      next.shown = false;
      changed = true;
    }
  }
  return changed;
}

/**
 * Where the shown cells still give away a small number: each small hidden cell they determine,
 * and each equation whose hidden parts (once the determined ones are shown again) add up to a
 * small number they determine. For each, the cells around it, where a further complement helps.
 */
function exposures(table: CellTable, minCellSize: number): Cell[][] {
  const knowledge = new Knowledge(table);
  const determined = knowledge.determinedCells();
  const found: Cell[][] = [];
  for (const cell of determined) {
    if (!isSmall(cell.value, minCellSize)) continue;
    found.push(
      table.constraints
        .filter((e) => e.total === cell || e.parts.includes(cell))
        .flatMap((e) => [...e.parts, e.total]),
    );
  }
  for (const { total, parts } of table.constraints) {
    const hidden = parts.filter((p) => !p.shown && !determined.has(p));
    if (hidden.length < 2) continue;
    const sum = hidden.reduce((n, p) => n + p.value, 0);
    if (isSmall(sum, minCellSize) && knowledge.determines(hidden)) found.push([...parts, total]);
  }
  return found;
}

/**
 * Suppresses every small published cell; then, until no small number (a cell, suppressed or
 * implied such as the cases without an indicator, or the sum of an equation's suppressed cells)
 * follows from the shown ones, further cells: first where a single equation gives one away, then
 * next to whatever the whole system of equations still determines. Last, a suppressed cell that
 * the shown ones determine anyway is shown again: it hides nothing. Cells of zero are never
 * suppressed: they single nobody out. minCellSize 1 suppresses nothing.
 */
export function suppressSmallCells(table: CellTable, minCellSize: number): void {
  if (minCellSize <= 1) return;
  for (const cell of table.cells) {
    if (cell.published && !cell.locked && isSmall(cell.value, minCellSize)) cell.shown = false;
  }
  for (;;) {
    if (protectEquations(table, minCellSize)) continue;
    const found = exposures(table, minCellSize);
    let changed = false;
    // One complement for each exposure found, then everything is checked again.
    for (const around of found) {
      const next = complement(around, table) ?? complement(table.cells, table);
      if (next) {
        next.shown = false;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const cell of determinedCells(table))
    if (cell.published && !isSmall(cell.value, minCellSize)) cell.shown = true;
}
