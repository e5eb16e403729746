import type { RowInsert } from '@casebridge/common';
import type { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * Entities from the rows of a hand-written `SELECT *`, through the entity's column metadata
 * (what TypeORM's find does after building its query). For the hot paths of routing, where the
 * query builder cost more CPU than the database did.
 */
export function entitiesFrom<T extends ObjectLiteral>(
  manager: EntityManager,
  target: new () => T,
  rows: Record<string, unknown>[],
): T[] {
  const { columns } = manager.connection.getMetadata(target);
  return rows.map((row) => {
    const entity = new target();
    for (const column of columns) column.setEntityValue(entity, row[column.databaseName]);
    return entity;
  });
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * A row (as insertRows takes it) as an INSERT that writes it once per row of `source`, a CTE of
 * the same statement: none when `source` returned none. `parameter` adds a value to the
 * statement's parameters and returns its placeholder; the target columns give the types.
 */
export function insertFrom(
  source: string,
  row: RowInsert,
  parameter: (value: unknown) => string,
): string {
  if (row.columns.length !== row.values.length || row.columns.length === 0)
    throw new Error(`${row.table}: ${row.columns.length} columns, ${row.values.length} values`);
  return `INSERT INTO ${identifier(row.table)} (${row.columns.map(identifier).join(', ')})
    SELECT ${row.values.map(parameter).join(', ')} FROM ${identifier(source)}`;
}
