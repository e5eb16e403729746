import type { EntityManager } from 'typeorm';

/** One row for one table: column names (as in the database) and their values, in order. */
export interface RowInsert {
  table: string;
  columns: readonly string[];
  values: readonly unknown[];
}

export interface Statement {
  sql: string;
  parameters: unknown[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

function quoted(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/**
 * Rows for several tables as one statement: each row an INSERT in a data-modifying CTE. A single
 * statement is atomic on its own (it is its own transaction outside BEGIN … COMMIT) and costs one
 * round trip, where BEGIN, one INSERT per row and COMMIT cost one each. Foreign keys between the
 * rows hold: PostgreSQL checks them at the end of the statement.
 */
export function insertStatement(rows: readonly RowInsert[]): Statement {
  if (rows.length === 0) throw new Error('insertStatement needs at least one row');
  const parameters: unknown[] = [];
  const parameter = (value: unknown) => `$${parameters.push(value)}`;
  const inserts = rows.map(
    (row) => `${insertInto(row)} VALUES (${row.values.map(parameter).join(', ')})`,
  );
  if (inserts.length === 1) return { sql: inserts[0], parameters };
  const ctes = inserts.map((insert, i) => `r${i} AS (${insert})`).join(', ');
  return { sql: `WITH ${ctes} SELECT 1`, parameters };
}

/** `INSERT INTO "table" ("a", "b")` for a row whose columns and values match. */
function insertInto(row: RowInsert): string {
  if (row.columns.length !== row.values.length || row.columns.length === 0)
    throw new Error(`${row.table}: ${row.columns.length} columns, ${row.values.length} values`);
  return `INSERT INTO ${quoted(row.table)} (${row.columns.map(quoted).join(', ')})`;
}

/**
 * A row as an INSERT that writes it once per row of `source`, a CTE of the same statement: not
 * at all when `source` returned none (a write that happens only if another one did).
 * `parameter` adds a value to the statement's parameters and returns its placeholder; the
 * target columns give the types.
 */
export function insertFromCte(
  source: string,
  row: RowInsert,
  parameter: (value: unknown) => string,
): string {
  return `${insertInto(row)} SELECT ${row.values.map(parameter).join(', ')} FROM ${quoted(source)}`;
}

/**
 * Inserts the rows in one round trip. On a transaction's manager they join that transaction;
 * on the data source's manager they commit together (or not at all) as one statement.
 */
export async function insertRows(
  manager: EntityManager,
  rows: readonly RowInsert[],
): Promise<void> {
  const { sql, parameters } = insertStatement(rows);
  await manager.query(sql, parameters);
}
