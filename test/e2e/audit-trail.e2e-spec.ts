import { Client } from 'pg';
import { makeCase, seededRandom } from '../support/cases';
import { dbClient, query, resetDatabase, waitFor } from '../support/infra';
import { Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

describe('The audit trail', () => {
  describe('as the service’s runtime role', () => {
    let runtime: Client;

    beforeAll(async () => {
      await resetDatabase('intake');
      runtime = await dbClient('intake');
    });

    afterAll(() => runtime.end());

    const refused = async (sql: string) => {
      await expect(runtime.query(sql)).rejects.toThrow(
        /permission denied|must be owner of (table|relation) audit_entry/,
      );
    };

    it('may append entries and read them', async () => {
      await runtime.query(
        `INSERT INTO audit_entry (actor_id, actor_role, action) VALUES ('auditor', 'consul', 'case.read')`,
      );
      const { rows } = await runtime.query<{ actor_id: string }>(
        `SELECT actor_id FROM audit_entry WHERE actor_id = 'auditor'`,
      );
      expect(rows).toEqual([{ actor_id: 'auditor' }]);
    });

    it.each([
      ['UPDATE', `UPDATE audit_entry SET actor_id = 'someone-else'`],
      ['DELETE', 'DELETE FROM audit_entry'],
      ['TRUNCATE', 'TRUNCATE audit_entry'],
      ['disabling its trigger', 'ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change'],
      [
        'adding a trigger',
        'CREATE TRIGGER t BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()',
      ],
      ['dropping it', 'DROP TABLE audit_entry'],
    ])('may not change what is written (%s)', async (_, sql) => {
      await refused(sql);
      const { rows } = await runtime.query<{ n: string }>(
        `SELECT count(*) AS n FROM audit_entry WHERE actor_id = 'auditor'`,
      );
      expect(rows).toEqual([{ n: '1' }]);
    });

    it('may not create tables of its own (only the owner role runs migrations)', async () => {
      await refused('CREATE TABLE audit_entry_copy (id int)');
    });
  });

  describe('of refused attempts at a case file', () => {
    let intake: ServiceProcess;
    let api: ServiceClient;
    const officer: Caller = { role: 'intake_officer' };

    beforeAll(async () => {
      await resetDatabase('intake');
      intake = await startServiceProcess('intake');
      api = new ServiceClient(intake.url);
    });

    afterAll(() => intake?.stop());

    it('records a 404 outside the caller’s consulate and a 403 for a role without access', async () => {
      const created = await api.call<{ id: string }>(
        officer,
        'POST',
        '/v1/cases',
        makeCase(seededRandom(7), { hostCountry: 'RU', hostCity: 'Moscow' }, 1),
      );
      expect(created.status).toBe(201);
      const id = created.body.id;
      // Not yet assigned: no consulate holds it, so a caseworker gets 404; a manager never reads case files.
      const caseworker: Caller = { role: 'caseworker', consulateId: 'KZ-ALA' };
      expect((await api.call(caseworker, 'GET', `/v1/cases/${id}`)).status).toBe(404);
      expect((await api.call(caseworker, 'GET', `/v1/cases/${id}/notes`)).status).toBe(404);
      expect((await api.call({ role: 'manager' }, 'GET', `/v1/cases/${id}`)).status).toBe(403);

      const refusals = await waitFor('the refusals in the audit trail', async () => {
        const rows = await query<{
          actor_role: string;
          consulate_id: string | null;
          request_id: string | null;
        }>(
          'intake',
          `SELECT actor_role, consulate_id, request_id FROM audit_entry
           WHERE case_id = $1 AND action = 'case.access_refused' ORDER BY id`,
          [id],
        );
        return rows.length >= 3 && rows;
      });
      expect(refusals.map((r) => [r.actor_role, r.consulate_id])).toEqual([
        ['caseworker', 'KZ-ALA'],
        ['caseworker', 'KZ-ALA'],
        ['manager', null],
      ]);
      expect(refusals.every((r) => r.request_id !== null)).toBe(true);
    });
  });
});
