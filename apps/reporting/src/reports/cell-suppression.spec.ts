import { CellTable, determinedCells, isSmall, suppressSmallCells } from './cell-suppression';

/** A rows × columns table of counts with its row, column and grand totals, all published. */
function grid(values: number[][]) {
  const table = new CellTable();
  const cells = values.map((row) => row.map((v) => table.count(v)));
  const rowTotals = cells.map((row) =>
    table.count(
      row.reduce((s, c) => s + c.value, 0),
      true,
    ),
  );
  const columnTotals = values[0].map((_, j) =>
    table.count(
      cells.reduce((s, row) => s + row[j].value, 0),
      false,
    ),
  );
  const grand = table.count(
    rowTotals.reduce((s, c) => s + c.value, 0),
    true,
  );
  cells.forEach((row, i) => table.sum(rowTotals[i], row));
  columnTotals.forEach((total, j) =>
    table.sum(
      total,
      cells.map((row) => row[j]),
    ),
  );
  table.sum(grand, rowTotals);
  table.sum(grand, columnTotals);
  return { table, cells, columnTotals };
}

const shown = (cells: { shown: boolean; value: number }[][]) =>
  cells.map((row) => row.map((c) => (c.shown ? c.value : null)));

describe('cell suppression', () => {
  it('counts 1..k − 1 as small; zero and k or more are not', () => {
    expect([0, 1, 4, 5, 12].map((v) => isSmall(v, 5))).toEqual([false, true, true, false, false]);
  });

  it('suppresses a small cell and a rectangle of complements, so that no row or column gives it away', () => {
    const { table, cells } = grid([
      [20, 3, 9],
      [15, 12, 8],
    ]);
    suppressSmallCells(table, 5);
    expect(shown(cells)).toEqual([
      [20, null, null],
      [15, null, null],
    ]);
    expect(determinedCells(table).size).toBe(0);
  });

  it('finds a cell that follows from the equations together though every line hides two', () => {
    // Two rectangles joined by one cell: that cell is the difference of two line sums.
    const table = new CellTable();
    const a = table.count(1);
    const b = table.count(2);
    const bridge = table.count(3);
    a.shown = b.shown = bridge.shown = false;
    table.sum(table.count(4, true), [a, bridge]);
    table.sum(table.count(3, true), [a, b]);
    expect(determinedCells(table)).toEqual(new Set());
    table.sum(table.count(2, true), [b]);
    expect(determinedCells(table)).toEqual(new Set([a, b, bridge]));
  });

  it('shows a complement again when the shown cells determine it anyway: hiding it hides nothing', () => {
    const table = new CellTable();
    const received = table.count(10, true);
    const small = table.count(2);
    const big = table.count(8);
    table.sum(received, [small, big]);
    // Another published figure pins the big one (as a row's only status equals its received).
    table.sum(table.count(8, true), [big]);
    suppressSmallCells(table, 5);
    expect(big.shown).toBe(true);
    expect(small.shown).toBe(false);
    // Such a table cannot be protected; the reports never build one (see small-cells.spec.ts).
    expect(determinedCells(table)).toEqual(new Set([small]));
  });

  it('treats an implied count (cases without a property) as a cell that must not be given away', () => {
    const table = new CellTable();
    const received = table.count(20, true);
    const withIt = table.count(17);
    table.sum(received, [withIt, table.implied(3)]);
    suppressSmallCells(table, 5);
    expect(withIt.shown).toBe(false);
  });

  it('suppresses nothing with minimum cell size 1', () => {
    const { table, cells } = grid([[1, 2, 3]]);
    suppressSmallCells(table, 1);
    expect(shown(cells)).toEqual([[1, 2, 3]]);
  });
});
