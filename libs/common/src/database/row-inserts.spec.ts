import type { EntityManager } from 'typeorm';
import { insertFromCte, insertRows, insertStatement } from './row-inserts';

describe('insertStatement', () => {
  it('writes rows of several tables as one statement, parameters numbered across them', () => {
    const { sql, parameters } = insertStatement([
      { table: 'case_file', columns: ['id', 'status'], values: ['c1', 'submitted'] },
      { table: 'outbox_event', columns: ['event_id'], values: ['e1'] },
      { table: 'audit_entry', columns: ['case_id', 'action'], values: ['c1', 'case.created'] },
    ]);
    expect(sql).toBe(
      'WITH r0 AS (INSERT INTO "case_file" ("id", "status") VALUES ($1, $2)), ' +
        'r1 AS (INSERT INTO "outbox_event" ("event_id") VALUES ($3)), ' +
        'r2 AS (INSERT INTO "audit_entry" ("case_id", "action") VALUES ($4, $5)) SELECT 1',
    );
    expect(parameters).toEqual(['c1', 'submitted', 'e1', 'c1', 'case.created']);
  });

  it('writes a single row as a plain INSERT, schema-qualified names quoted part by part', () => {
    expect(insertStatement([{ table: 'public.t', columns: ['a'], values: [null] }])).toEqual({
      sql: 'INSERT INTO "public"."t" ("a") VALUES ($1)',
      parameters: [null],
    });
  });

  it('refuses what is not a plain identifier, mismatched values and no rows at all', () => {
    expect(() =>
      insertStatement([{ table: 't; DROP TABLE x', columns: ['a'], values: [1] }]),
    ).toThrow('not a plain SQL identifier');
    expect(() => insertStatement([{ table: 't', columns: ['a"b'], values: [1] }])).toThrow(
      'not a plain SQL identifier',
    );
    expect(() => insertStatement([{ table: 't', columns: ['a', 'b'], values: [1] }])).toThrow(
      't: 2 columns, 1 values',
    );
    expect(() => insertStatement([])).toThrow('at least one row');
  });

  it('writes a row once per row of another CTE, its values numbered by the caller', () => {
    const parameters: unknown[] = [];
    const p = (value: unknown) => `$${parameters.push(value)}`;
    expect(
      insertFromCte('ins', { table: 'history', columns: ['case_id', 'seq'], values: ['c1', 1] }, p),
    ).toBe('INSERT INTO "history" ("case_id", "seq") SELECT $1, $2 FROM "ins"');
    expect(parameters).toEqual(['c1', 1]);
    expect(() =>
      insertFromCte('ins; DROP', { table: 't', columns: ['a'], values: [1] }, p),
    ).toThrow('not a plain SQL identifier');
  });

  it('sends the rows to the database in one query', async () => {
    const calls: [string, unknown[]][] = [];
    const manager = {
      query: (sql: string, parameters: unknown[]) => {
        calls.push([sql, parameters]);
        return Promise.resolve([]);
      },
    } as unknown as EntityManager;
    await insertRows(manager, [
      { table: 'a', columns: ['x'], values: [1] },
      { table: 'b', columns: ['y'], values: [2] },
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0][1]).toEqual([1, 2]);
  });
});
