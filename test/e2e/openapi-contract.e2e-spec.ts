import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'openapi-fetch';
import type { Role } from '@casebridge/contracts';
import type { paths as AssignmentPaths } from '../generated/openapi/assignment';
import type { paths as IntakePaths } from '../generated/openapi/intake';
import type { paths as ReportingPaths } from '../generated/openapi/reporting';
import { makeCase, seededRandom } from '../support/cases';
import { query, ServiceName, waitFor } from '../support/infra';
import {
  committedDocument,
  ContractRecorder,
  DocumentedOperation,
  OpenApiDocument,
  operationsOf,
} from '../support/openapi-contract';
import { RunningSystem, SERVICES, startSystem, stopSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/**
 * The OpenAPI documents (docs/openapi/*.json) against the running services: typed openapi-fetch
 * clients generated from them drive every operation, on its happy path and its main errors, and
 * every answer is checked against the document (status, media type, body, headers; see
 * test/support/openapi-contract.ts). The test fails when an operation of a document is not
 * driven, or an answer's status is not documented.
 *
 * Covering a new route: add an entry for its operationId to the table of its service (SCENARIOS
 * below), calling it with the client (`c.intake`, `c.assignment`, `c.reporting`) and asserting the
 * statuses; the generic sweep already drives its 401 (no token) and 403 (a role it does not list).
 * Entries run in table order and share `state` (ids created by earlier entries).
 */

const DOCS = Object.fromEntries(SERVICES.map((s) => [s, committedDocument(s)])) as Record<
  ServiceName,
  OpenApiDocument
>;
const OPERATIONS: DocumentedOperation[] = SERVICES.flatMap((s) => operationsOf(s, DOCS[s]));
const ROLES: Role[] = [
  'intake_officer',
  'caseworker',
  'consul',
  'manager',
  'admin',
  'integration',
  'data_protection_officer',
];

const OFFICE = 'AE-DXB';
const QUEUE_OFFICE = 'AE-AUH';
const LANGUAGES = ['uz', 'ru', 'en', 'kk', 'tg'] as const;
type Language = (typeof LANGUAGES)[number];

function auth(role: Role, consulateId?: string, sub?: string): { Authorization: string } {
  return { Authorization: `Bearer ${tokenFor(role, consulateId, sub)}` };
}
const admin = () => auth('admin');
const officer = () => auth('intake_officer');
const consul = (office = OFFICE) => auth('consul', office);
const dpo = () => auth('data_protection_officer');

interface Clients {
  intake: Client<IntakePaths>;
  assignment: Client<AssignmentPaths>;
  reporting: Client<ReportingPaths>;
}
interface State {
  caseId: string;
  caseVersion: number;
  holder: string;
  duplicateId: string;
  queuedCaseId: string;
  reference: string;
  passportNumber: string;
  breachId: string;
  subscriptionId: string;
  deliveryId: string;
}
type Scenario = (c: Clients, state: State) => Promise<void>;

const random = seededRandom(16);
type CaseBody = IntakePaths['/v1/cases']['post']['requestBody']['content']['application/json'];
/** A complaint from test/support/cases, as the document types it (its language a known one). */
function complaint(hostCity: string, index: number): CaseBody {
  const body = makeCase(random, { hostCountry: 'AE', hostCity }, index);
  return {
    ...body,
    category: 'unpaid_wages',
    complainant: { ...body.complainant, preferredLanguage: 'uz' },
  };
}
const firstCase = complaint('Dubai', 1);
const queuedCase = complaint('Abu Dhabi', 2);

/**
 * A webhook receiver on 127.0.0.1 (allowed for this test by WEBHOOK_ALLOW_HTTP and
 * WEBHOOK_ALLOWED_NETWORKS) that holds every request until released, then answers 204: while it
 * holds one, its delivery is in flight.
 */
class HoldingReceiver {
  private server?: Server;
  private readonly held: ServerResponse[] = [];
  private released = false;
  requests = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.requests++;
        if (this.released) res.writeHead(204).end();
        else this.held.push(res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/casebridge`;
  }

  release(): void {
    this.released = true;
    for (const res of this.held.splice(0)) res.writeHead(204).end();
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
const receiver = new HoldingReceiver();
const SUBMITTED = 'casebridge.case.submitted.v1' as const;

/** The statuses an answer must have: the test's own expectation, beside the document's. */
function expectStatus(result: { response: Response }, status: number): void {
  expect(result.response.status).toBe(status);
}

const ASSIGNMENT_SETUP: [string, Scenario][] = [
  [
    'ConsulatesController_create',
    async ({ assignment }) => {
      for (const [id, city] of [
        [OFFICE, 'Dubai'],
        [QUEUE_OFFICE, 'Abu Dhabi'],
      ]) {
        const body = {
          id,
          name: `Consulate in ${city}`,
          hostCountry: 'AE',
          cities: [city],
          languages: [...LANGUAGES],
          isDefaultForCountry: id === OFFICE,
        };
        expectStatus(await assignment.POST('/v1/consulates', { body, headers: admin() }), 201);
      }
      const again = await assignment.POST('/v1/consulates', {
        body: { id: OFFICE, name: 'x', hostCountry: 'AE', cities: ['Dubai'], languages: ['uz'] },
        headers: admin(),
      });
      expectStatus(again, 409);
      const invalid = await assignment.POST('/v1/consulates', {
        body: { id: 'nope', name: '', hostCountry: 'AE', cities: [], languages: [] },
        headers: admin(),
      });
      expectStatus(invalid, 400);
    },
  ],
  [
    'ConsulatesController_list',
    async ({ assignment }) => {
      const ok = await assignment.GET('/v1/consulates', {
        params: { query: { hostCountry: 'AE' } },
        headers: admin(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.map((o) => o.id).sort()).toEqual([QUEUE_OFFICE, OFFICE]);
      const bad = await assignment.GET('/v1/consulates', {
        params: { query: { hostCountry: 'not a country' } },
        headers: admin(),
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'ConsulatesController_get',
    async ({ assignment }) => {
      const ok = await assignment.GET('/v1/consulates/{id}', {
        params: { path: { id: OFFICE } },
        headers: consul(),
      });
      expectStatus(ok, 200);
      const missing = await assignment.GET('/v1/consulates/{id}', {
        params: { path: { id: 'AE-XXX' } },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'ConsulatesController_update',
    async ({ assignment }) => {
      const ok = await assignment.PATCH('/v1/consulates/{id}', {
        params: { path: { id: OFFICE } },
        body: { name: 'Consulate General in Dubai' },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const missing = await assignment.PATCH('/v1/consulates/{id}', {
        params: { path: { id: 'AE-XXX' } },
        body: { name: 'x' },
        headers: admin(),
      });
      expectStatus(missing, 404);
      const invalid = await assignment.PATCH('/v1/consulates/{id}', {
        params: { path: { id: OFFICE } },
        body: { languages: ['xx' as Language] },
        headers: admin(),
      });
      expectStatus(invalid, 400);
    },
  ],
  [
    'CaseworkersController_create',
    async ({ assignment }) => {
      for (const n of [1, 2]) {
        const created = await assignment.POST('/v1/consulates/{id}/caseworkers', {
          params: { path: { id: OFFICE } },
          body: {
            id: `ae-dxb-0${n}`,
            name: `Caseworker ${n}`,
            languages: [...LANGUAGES],
            maxOpenCases: 10,
            staffSubject: `cw-ae-dxb-0${n}`,
          },
          headers: admin(),
        });
        expectStatus(created, 201);
      }
      const again = await assignment.POST('/v1/consulates/{id}/caseworkers', {
        params: { path: { id: OFFICE } },
        body: { id: 'ae-dxb-01', name: 'x', languages: ['uz'], maxOpenCases: 1 },
        headers: admin(),
      });
      expectStatus(again, 409);
      const noOffice = await assignment.POST('/v1/consulates/{id}/caseworkers', {
        params: { path: { id: 'AE-XXX' } },
        body: { id: 'ae-xxx-01', name: 'x', languages: ['uz'], maxOpenCases: 1 },
        headers: admin(),
      });
      expectStatus(noOffice, 404);
    },
  ],
  [
    'CaseworkersController_list',
    async ({ assignment }) => {
      const ok = await assignment.GET('/v1/consulates/{id}/caseworkers', {
        params: { path: { id: OFFICE } },
        headers: consul(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.length).toBe(2);
      const missing = await assignment.GET('/v1/consulates/{id}/caseworkers', {
        params: { path: { id: 'AE-XXX' } },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'CaseworkersController_update',
    async ({ assignment }) => {
      const ok = await assignment.PATCH('/v1/consulates/{id}/caseworkers/{caseworkerId}', {
        params: { path: { id: OFFICE, caseworkerId: 'ae-dxb-02' } },
        body: { maxOpenCases: 12 },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const missing = await assignment.PATCH('/v1/consulates/{id}/caseworkers/{caseworkerId}', {
        params: { path: { id: OFFICE, caseworkerId: 'ae-dxb-09' } },
        body: { maxOpenCases: 12 },
        headers: admin(),
      });
      expectStatus(missing, 404);
      const invalid = await assignment.PATCH('/v1/consulates/{id}/caseworkers/{caseworkerId}', {
        params: { path: { id: OFFICE, caseworkerId: 'ae-dxb-02' } },
        body: { maxOpenCases: -1 },
        headers: admin(),
      });
      expectStatus(invalid, 400);
    },
  ],
];

const INTAKE: [string, Scenario][] = [
  [
    'CasesController_create',
    async ({ intake }, state) => {
      const key = { 'Idempotency-Key': `contract-${randomUUID()}` };
      const created = await intake.POST('/v1/cases', {
        body: firstCase,
        headers: { ...officer(), ...key },
      });
      expectStatus(created, 201);
      state.caseId = created.data!.id;
      state.reference = created.data!.reference;
      state.passportNumber = firstCase.complainant.passportNumber!;
      const replay = await intake.POST('/v1/cases', {
        body: firstCase,
        headers: { ...officer(), ...key },
      });
      expectStatus(replay, 201);
      expect(replay.response.headers.get('Idempotent-Replayed')).toBe('true');
      const reused = await intake.POST('/v1/cases', {
        body: { ...firstCase, description: 'Another complaint altogether, same key.' },
        headers: { ...officer(), ...key },
      });
      expectStatus(reused, 409);
      const invalid = await intake.POST('/v1/cases', {
        body: { ...firstCase, hostCountry: 'XX' },
        headers: officer(),
      });
      expectStatus(invalid, 400);
      // Same passport, host country and category within 90 days: flagged as a possible duplicate.
      const duplicate = await intake.POST('/v1/cases', { body: firstCase, headers: officer() });
      expectStatus(duplicate, 201);
      state.duplicateId = duplicate.data!.id;
      expect(duplicate.data!.possibleDuplicateOf).toBe(state.caseId);
      const queued = await intake.POST('/v1/cases', { body: queuedCase, headers: officer() });
      expectStatus(queued, 201);
      state.queuedCaseId = queued.data!.id;
      await waitFor('the cases to be routed and assigned in intake', async () => {
        const rows = await query<{ n: string }>(
          'intake',
          "SELECT count(*) AS n FROM case_file WHERE id = ANY($1::uuid[]) AND status = 'assigned'",
          [[state.caseId, state.duplicateId, state.queuedCaseId]],
        );
        return Number(rows[0].n) === 3;
      });
    },
  ],
  [
    'CasesController_list',
    async ({ intake }, state) => {
      const ok = await intake.GET('/v1/cases', {
        params: { query: { reference: state.reference } },
        headers: officer(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.items.map((i) => i.id)).toEqual([state.caseId]);
      const bad = await intake.GET('/v1/cases', {
        params: { query: { status: 'nonsense' as 'submitted' } },
        headers: officer(),
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'CasesController_search',
    async ({ intake }, state) => {
      const ok = await intake.POST('/v1/cases/search', {
        body: { passportNumber: state.passportNumber },
        headers: officer(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.items.length).toBe(2);
      const bad = await intake.POST('/v1/cases/search', {
        body: { passportNumber: '' },
        headers: officer(),
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'CasesController_get',
    async ({ intake }, state) => {
      const ok = await intake.GET('/v1/cases/{id}', {
        params: { path: { id: state.caseId } },
        headers: consul(),
      });
      expectStatus(ok, 200);
      state.caseVersion = ok.data!.version;
      state.holder = ok.data!.caseworkerId!;
      expect(state.holder).toMatch(/^ae-dxb-0[12]$/);
      const missing = await intake.GET('/v1/cases/{id}', {
        params: { path: { id: randomUUID() } },
        headers: officer(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'CasesController_transition',
    async ({ intake }, state) => {
      const path = { id: state.caseId };
      const caseworker = auth('caseworker', OFFICE, `cw-${state.holder}`);
      const stale = await intake.POST('/v1/cases/{id}/transitions', {
        params: { path, header: { 'If-Match': '"999"' } },
        body: { action: 'start' },
        headers: caseworker,
      });
      expectStatus(stale, 409);
      const ok = await intake.POST('/v1/cases/{id}/transitions', {
        params: { path, header: { 'If-Match': `"${state.caseVersion}"` } },
        body: { action: 'start' },
        headers: caseworker,
      });
      expectStatus(ok, 200);
      state.caseVersion = ok.data!.version;
      const again = await intake.POST('/v1/cases/{id}/transitions', {
        params: { path },
        body: { action: 'start' },
        headers: caseworker,
      });
      expectStatus(again, 409);
      const invalid = await intake.POST('/v1/cases/{id}/transitions', {
        params: { path },
        body: { action: 'fly' as 'start' },
        headers: caseworker,
      });
      expectStatus(invalid, 400);
      const missing = await intake.POST('/v1/cases/{id}/transitions', {
        params: { path: { id: randomUUID() } },
        body: { action: 'start' },
        headers: caseworker,
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'DuplicateDecisionController_decide',
    async ({ intake }, state) => {
      const ok = await intake.POST('/v1/cases/{id}/duplicate-decision', {
        params: { path: { id: state.duplicateId } },
        body: { decision: 'dismiss' },
        headers: officer(),
      });
      expectStatus(ok, 200);
      const again = await intake.POST('/v1/cases/{id}/duplicate-decision', {
        params: { path: { id: state.duplicateId } },
        body: { decision: 'dismiss' },
        headers: officer(),
      });
      expectStatus(again, 409);
      const missing = await intake.POST('/v1/cases/{id}/duplicate-decision', {
        params: { path: { id: randomUUID() } },
        body: { decision: 'dismiss' },
        headers: officer(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'CasesController_addNote',
    async ({ intake }, state) => {
      const ok = await intake.POST('/v1/cases/{id}/notes', {
        params: { path: { id: state.caseId } },
        body: { body: 'Called the employer; no answer.' },
        headers: consul(),
      });
      expectStatus(ok, 201);
      const invalid = await intake.POST('/v1/cases/{id}/notes', {
        params: { path: { id: state.caseId } },
        body: { body: '' },
        headers: consul(),
      });
      expectStatus(invalid, 400);
      const missing = await intake.POST('/v1/cases/{id}/notes', {
        params: { path: { id: randomUUID() } },
        body: { body: 'x' },
        headers: consul(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'CasesController_listNotes',
    async ({ intake }, state) => {
      const ok = await intake.GET('/v1/cases/{id}/notes', {
        params: { path: { id: state.caseId } },
        headers: consul(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.length).toBe(1);
      const missing = await intake.GET('/v1/cases/{id}/notes', {
        params: { path: { id: randomUUID() } },
        headers: consul(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'CasePriorityController_change',
    async ({ intake }, state) => {
      const ok = await intake.POST('/v1/cases/{id}/priority', {
        params: { path: { id: state.caseId }, header: { 'If-Match': `"${state.caseVersion}"` } },
        body: { priority: 'urgent', reason: 'vulnerable_person' },
        headers: consul(),
      });
      expectStatus(ok, 200);
      const stale = await intake.POST('/v1/cases/{id}/priority', {
        params: { path: { id: state.caseId }, header: { 'If-Match': `"${state.caseVersion}"` } },
        body: { priority: 'normal', reason: 'risk_reduced' },
        headers: consul(),
      });
      expectStatus(stale, 409);
      const invalid = await intake.POST('/v1/cases/{id}/priority', {
        params: { path: { id: state.caseId } },
        body: { priority: 'whenever' as 'urgent', reason: 'risk_reduced' },
        headers: consul(),
      });
      expectStatus(invalid, 400);
      const missing = await intake.POST('/v1/cases/{id}/priority', {
        params: { path: { id: randomUUID() } },
        body: { priority: 'urgent', reason: 'vulnerable_person' },
        headers: consul(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'CasesController_history',
    async ({ intake }, state) => {
      const ok = await intake.GET('/v1/cases/{id}/history', {
        params: { path: { id: state.caseId } },
        headers: consul(),
      });
      expectStatus(ok, 200);
      const missing = await intake.GET('/v1/cases/{id}/history', {
        params: { path: { id: randomUUID() } },
        headers: consul(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'PersonalDataExportController_export',
    async ({ intake }, state) => {
      const ok = await intake.POST('/v1/personal-data/exports', {
        body: { caseId: state.caseId },
        headers: dpo(),
      });
      expectStatus(ok, 200);
      const html = await intake.POST('/v1/personal-data/exports', {
        body: { reference: state.reference },
        headers: { ...dpo(), Accept: 'text/html' },
        parseAs: 'text',
      });
      expectStatus(html, 200);
      const none = await intake.POST('/v1/personal-data/exports', {
        body: { caseId: randomUUID() },
        headers: dpo(),
      });
      expectStatus(none, 404);
      const invalid = await intake.POST('/v1/personal-data/exports', {
        body: {},
        headers: dpo(),
      });
      expectStatus(invalid, 400);
    },
  ],
  [
    'LegalHoldController_set',
    async ({ intake }, state) => {
      const ok = await intake.PUT('/v1/cases/{id}/legal-hold', {
        params: { path: { id: state.duplicateId } },
        body: { reason: 'litigation' },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const invalid = await intake.PUT('/v1/cases/{id}/legal-hold', {
        params: { path: { id: state.duplicateId } },
        body: { reason: 'curiosity' as 'litigation' },
        headers: admin(),
      });
      expectStatus(invalid, 400);
      const missing = await intake.PUT('/v1/cases/{id}/legal-hold', {
        params: { path: { id: randomUUID() } },
        body: { reason: 'litigation' },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'ErasureController_erase',
    async ({ intake }, state) => {
      const held = await intake.POST('/v1/cases/{id}/personal-data-erasure', {
        params: { path: { id: state.duplicateId } },
        body: { reason: 'data_subject_request' },
        headers: dpo(),
      });
      expectStatus(held, 409);
      const missing = await intake.POST('/v1/cases/{id}/personal-data-erasure', {
        params: { path: { id: randomUUID() } },
        body: { reason: 'data_subject_request' },
        headers: dpo(),
      });
      expectStatus(missing, 404);
      const invalid = await intake.POST('/v1/cases/{id}/personal-data-erasure', {
        params: { path: { id: state.duplicateId } },
        body: { reason: 'boredom' as 'data_subject_request' },
        headers: dpo(),
      });
      expectStatus(invalid, 400);
    },
  ],
  [
    'LegalHoldController_release',
    async ({ intake }, state) => {
      const ok = await intake.DELETE('/v1/cases/{id}/legal-hold', {
        params: { path: { id: state.duplicateId } },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const missing = await intake.DELETE('/v1/cases/{id}/legal-hold', {
        params: { path: { id: randomUUID() } },
        headers: admin(),
      });
      expectStatus(missing, 404);
      // Released: the erasure goes through now.
      const erased = await intake.POST('/v1/cases/{id}/personal-data-erasure', {
        params: { path: { id: state.duplicateId } },
        body: { reason: 'data_subject_request' },
        headers: dpo(),
      });
      expectStatus(erased, 200);
      const file = await intake.GET('/v1/cases/{id}', {
        params: { path: { id: state.duplicateId } },
        headers: officer(),
      });
      expectStatus(file, 200);
      expect(file.data?.complainant.fullName).toBeNull();
    },
  ],
];

const ASSIGNMENT: [string, Scenario][] = [
  [
    'AssignmentsController_queue',
    async ({ assignment }) => {
      const ok = await assignment.GET('/v1/assignments', {
        params: { query: { consulateId: OFFICE } },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const bad = await assignment.GET('/v1/assignments', {
        params: { query: { limit: 0 } },
        headers: admin(),
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'AssignmentsController_get',
    async ({ assignment }, state) => {
      const ok = await assignment.GET('/v1/assignments/{caseId}', {
        params: { path: { caseId: state.caseId } },
        headers: consul(),
      });
      expectStatus(ok, 200);
      const missing = await assignment.GET('/v1/assignments/{caseId}', {
        params: { path: { caseId: randomUUID() } },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'AssignmentsController_claim',
    async ({ assignment }, state) => {
      // The Abu Dhabi office has no caseworker: its case waits in the office queue.
      const created = await assignment.POST('/v1/consulates/{id}/caseworkers', {
        params: { path: { id: QUEUE_OFFICE } },
        body: {
          id: 'ae-auh-01',
          name: 'Caseworker AUH',
          languages: [...LANGUAGES],
          maxOpenCases: 5,
          staffSubject: 'cw-ae-auh-01',
        },
        headers: admin(),
      });
      expectStatus(created, 201);
      const caseworker = auth('caseworker', QUEUE_OFFICE, 'cw-ae-auh-01');
      const ok = await assignment.POST('/v1/assignments/{caseId}/claim', {
        params: { path: { caseId: state.queuedCaseId } },
        headers: caseworker,
      });
      expectStatus(ok, 200);
      const again = await assignment.POST('/v1/assignments/{caseId}/claim', {
        params: { path: { caseId: state.queuedCaseId } },
        headers: caseworker,
      });
      expectStatus(again, 409);
      const missing = await assignment.POST('/v1/assignments/{caseId}/claim', {
        params: { path: { caseId: randomUUID() } },
        headers: caseworker,
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'OwnQueueController_ownQueue',
    async ({ assignment }) => {
      const ok = await assignment.GET('/v1/me/assignments', {
        headers: auth('caseworker', QUEUE_OFFICE, 'cw-ae-auh-01'),
      });
      expectStatus(ok, 200);
      expect(ok.data?.items.length).toBe(1);
      const bad = await assignment.GET('/v1/me/assignments', {
        params: { query: { limit: 0 } },
        headers: auth('caseworker', QUEUE_OFFICE, 'cw-ae-auh-01'),
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'AssignmentsController_reassign',
    async ({ assignment }, state) => {
      const other = state.holder === 'ae-dxb-01' ? 'ae-dxb-02' : 'ae-dxb-01';
      const ok = await assignment.POST('/v1/assignments/{caseId}/reassign', {
        params: { path: { caseId: state.caseId } },
        body: { caseworkerId: other },
        headers: consul(),
      });
      expectStatus(ok, 200);
      state.holder = other;
      const invalid = await assignment.POST('/v1/assignments/{caseId}/reassign', {
        params: { path: { caseId: state.caseId } },
        body: {} as { caseworkerId: string },
        headers: consul(),
      });
      expectStatus(invalid, 400);
      const missing = await assignment.POST('/v1/assignments/{caseId}/reassign', {
        params: { path: { caseId: randomUUID() } },
        body: { caseworkerId: other },
        headers: consul(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'HandoverController_handover',
    async ({ assignment }, state) => {
      const ok = await assignment.POST('/v1/consulates/{id}/caseworkers/{caseworkerId}/handover', {
        params: { path: { id: OFFICE, caseworkerId: state.holder } },
        body: { mode: 'routing' },
        headers: consul(),
      });
      expectStatus(ok, 200);
      const invalid = await assignment.POST(
        '/v1/consulates/{id}/caseworkers/{caseworkerId}/handover',
        {
          params: { path: { id: OFFICE, caseworkerId: state.holder } },
          body: { mode: 'caseworker' },
          headers: consul(),
        },
      );
      expectStatus(invalid, 400);
      const missing = await assignment.POST(
        '/v1/consulates/{id}/caseworkers/{caseworkerId}/handover',
        {
          params: { path: { id: OFFICE, caseworkerId: 'ae-dxb-09' } },
          body: { mode: 'routing' },
          headers: consul(),
        },
      );
      expectStatus(missing, 404);
    },
  ],
  [
    'AssignmentsController_transfer',
    async ({ assignment }, state) => {
      const ok = await assignment.POST('/v1/assignments/{caseId}/transfer', {
        params: { path: { caseId: state.caseId } },
        body: { consulateId: QUEUE_OFFICE, reason: 'workload' },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const same = await assignment.POST('/v1/assignments/{caseId}/transfer', {
        params: { path: { caseId: state.caseId } },
        body: { consulateId: QUEUE_OFFICE, reason: 'workload' },
        headers: admin(),
      });
      expectStatus(same, 409);
      const invalid = await assignment.POST('/v1/assignments/{caseId}/transfer', {
        params: { path: { caseId: state.caseId } },
        body: { consulateId: OFFICE, reason: 'whim' as 'workload' },
        headers: admin(),
      });
      expectStatus(invalid, 400);
      const missing = await assignment.POST('/v1/assignments/{caseId}/transfer', {
        params: { path: { caseId: randomUUID() } },
        body: { consulateId: OFFICE, reason: 'workload' },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'EscalationsController_list',
    async ({ assignment }, state) => {
      await waitFor('an acceptance deadline to be breached', async () => {
        const rows = await query<{ id: string }>(
          'assignment',
          'SELECT id::text AS id FROM sla_breach WHERE case_id = $1',
          [state.duplicateId],
        );
        return rows.length > 0;
      });
      const ok = await assignment.GET('/v1/escalations', {
        params: { query: { consulateId: OFFICE } },
        headers: admin(),
      });
      expectStatus(ok, 200);
      state.breachId = ok.data!.items[0].id;
      const bad = await assignment.GET('/v1/escalations', {
        params: { query: { stage: 'lunch' as 'acceptance' } },
        headers: admin(),
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'EscalationsController_acknowledge',
    async ({ assignment }, state) => {
      const ok = await assignment.POST('/v1/escalations/{breachId}/acknowledge', {
        params: { path: { breachId: state.breachId } },
        body: { reason: 'caseworker_contacted' },
        headers: consul(),
      });
      expectStatus(ok, 200);
      const repeated = await assignment.POST('/v1/escalations/{breachId}/acknowledge', {
        params: { path: { breachId: state.breachId } },
        body: { reason: 'caseworker_contacted' },
        headers: consul(),
      });
      expectStatus(repeated, 200);
      const another = await assignment.POST('/v1/escalations/{breachId}/acknowledge', {
        params: { path: { breachId: state.breachId } },
        body: { reason: 'reassigned' },
        headers: consul(),
      });
      expectStatus(another, 409);
      const invalid = await assignment.POST('/v1/escalations/{breachId}/acknowledge', {
        params: { path: { breachId: state.breachId } },
        body: { reason: 'shrug' as 'caseworker_contacted' },
        headers: consul(),
      });
      expectStatus(invalid, 400);
      const missing = await assignment.POST('/v1/escalations/{breachId}/acknowledge', {
        params: { path: { breachId: '999999999' } },
        body: { reason: 'caseworker_contacted' },
        headers: consul(),
      });
      expectStatus(missing, 404);
    },
  ],
];

const REPORTING: [string, Scenario][] = [
  [
    'HostCountryReportsController_list',
    async ({ reporting }) => {
      const manager = auth('manager');
      expectStatus(await reporting.GET('/v1/reports/host-countries', { headers: manager }), 200);
      for (const accept of [
        'text/csv',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ]) {
        const file = await reporting.GET('/v1/reports/host-countries', {
          headers: { ...manager, Accept: accept },
          parseAs: 'text',
        });
        expectStatus(file, 200);
      }
      const refused = await reporting.GET('/v1/reports/host-countries', {
        headers: { ...manager, Accept: 'image/png' },
      });
      expectStatus(refused, 406);
      const bad = await reporting.GET('/v1/reports/host-countries', {
        params: { query: { from: 'yesterday' } },
        headers: manager,
      });
      expectStatus(bad, 400);
    },
  ],
  [
    'HostCountryReportsController_country',
    async ({ reporting }) => {
      const manager = auth('manager');
      const ok = await reporting.GET('/v1/reports/host-countries/{code}', {
        params: { path: { code: 'AE' } },
        headers: manager,
      });
      expectStatus(ok, 200);
      const bad = await reporting.GET('/v1/reports/host-countries/{code}', {
        params: { path: { code: 'ZZ' } },
        headers: manager,
      });
      expectStatus(bad, 400);
      const refused = await reporting.GET('/v1/reports/host-countries/{code}', {
        params: { path: { code: 'AE' } },
        headers: { ...manager, Accept: 'text/csv' },
      });
      expectStatus(refused, 406);
    },
  ],
  [
    'WebhookSubscriptionsController_create',
    async ({ reporting }, state) => {
      await receiver.start();
      const created = await reporting.POST('/v1/webhooks/subscriptions', {
        body: { url: receiver.url, eventTypes: [SUBMITTED], hostCountry: 'AE' },
        headers: admin(),
      });
      expectStatus(created, 201);
      expect(created.data?.secret).toMatch(/^whsec_/);
      state.subscriptionId = created.data!.id;
      const invalid = await reporting.POST('/v1/webhooks/subscriptions', {
        body: { url: receiver.url, eventTypes: ['casebridge.case.lost.v1' as typeof SUBMITTED] },
        headers: admin(),
      });
      expectStatus(invalid, 400);
      const refused = await reporting.POST('/v1/webhooks/subscriptions', {
        body: { url: 'https://10.20.30.40/hook', eventTypes: [SUBMITTED] },
        headers: admin(),
      });
      expectStatus(refused, 400);
      expect(refused.error?.code).toBe('webhook_url_refused');
    },
  ],
  [
    'WebhookSubscriptionsController_list',
    async ({ reporting }, state) => {
      const ok = await reporting.GET('/v1/webhooks/subscriptions', { headers: admin() });
      expectStatus(ok, 200);
      expect(ok.data?.map((s) => s.id)).toEqual([state.subscriptionId]);
      expect(ok.data?.[0]).not.toHaveProperty('secret');
    },
  ],
  [
    'WebhookSubscriptionsController_get',
    async ({ reporting }, state) => {
      const ok = await reporting.GET('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: state.subscriptionId } },
        headers: admin(),
      });
      expectStatus(ok, 200);
      const missing = await reporting.GET('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: randomUUID() } },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'WebhookSubscriptionsController_update',
    async ({ reporting }, state) => {
      const ok = await reporting.PATCH('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: state.subscriptionId } },
        body: { contentMode: 'structured', consulateId: null },
        headers: admin(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.contentMode).toBe('structured');
      const nothing = await reporting.PATCH('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: state.subscriptionId } },
        body: {},
        headers: admin(),
      });
      expectStatus(nothing, 400);
      const invalid = await reporting.PATCH('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: state.subscriptionId } },
        body: { secret: 'not-a-secret' },
        headers: admin(),
      });
      expectStatus(invalid, 400);
      const missing = await reporting.PATCH('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: randomUUID() } },
        body: { status: 'paused' },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'WebhookSubscriptionsController_deliveries',
    async ({ intake, reporting }, state) => {
      // A complaint submitted after the registration: its case.submitted is queued for delivery.
      const submitted = await intake.POST('/v1/cases', {
        body: complaint('Sharjah', 3),
        headers: { ...officer(), 'Idempotency-Key': `contract-${randomUUID()}` },
      });
      expectStatus(submitted, 201);
      const caseId = submitted.data!.id;
      const page = await waitFor('the submission in the delivery log', async () => {
        const ok = await reporting.GET('/v1/webhooks/subscriptions/{id}/deliveries', {
          params: { path: { id: state.subscriptionId }, query: { limit: 10 } },
          headers: admin(),
        });
        expectStatus(ok, 200);
        return ok.data!.items.length > 0 ? ok.data : undefined;
      });
      expect(page.items.map((d) => [d.caseId, d.eventType])).toEqual([[caseId, SUBMITTED]]);
      state.deliveryId = page.items[0].id;
      const bad = await reporting.GET('/v1/webhooks/subscriptions/{id}/deliveries', {
        params: {
          path: { id: state.subscriptionId },
          query: { status: 'lost' as 'pending' },
        },
        headers: admin(),
      });
      expectStatus(bad, 400);
      const missing = await reporting.GET('/v1/webhooks/subscriptions/{id}/deliveries', {
        params: { path: { id: randomUUID() } },
        headers: admin(),
      });
      expectStatus(missing, 404);
    },
  ],
  [
    'WebhookSubscriptionsController_delivery',
    async ({ reporting }, state) => {
      const ok = await reporting.GET('/v1/webhooks/subscriptions/{id}/deliveries/{deliveryId}', {
        params: { path: { id: state.subscriptionId, deliveryId: state.deliveryId } },
        headers: admin(),
      });
      expectStatus(ok, 200);
      expect(ok.data?.event).toMatchObject({ type: SUBMITTED });
      const missing = await reporting.GET(
        '/v1/webhooks/subscriptions/{id}/deliveries/{deliveryId}',
        {
          params: { path: { id: state.subscriptionId, deliveryId: randomUUID() } },
          headers: admin(),
        },
      );
      expectStatus(missing, 404);
    },
  ],
  [
    'WebhookSubscriptionsController_replay',
    async ({ reporting }, state) => {
      const path = { id: state.subscriptionId, deliveryId: state.deliveryId };
      const read = async () =>
        (
          await reporting.GET('/v1/webhooks/subscriptions/{id}/deliveries/{deliveryId}', {
            params: { path },
            headers: admin(),
          })
        ).data!;
      // The receiver holds the first attempt: it is in flight until released.
      await waitFor('the first attempt to be under way', async () => (await read()).inFlight);
      const during = await reporting.POST(
        '/v1/webhooks/subscriptions/{id}/deliveries/{deliveryId}/replay',
        { params: { path }, headers: admin() },
      );
      expectStatus(during, 409);
      receiver.release();
      await waitFor('the delivery to be delivered', async () =>
        (await read()).status === 'delivered' ? true : undefined,
      );
      const ok = await reporting.POST(
        '/v1/webhooks/subscriptions/{id}/deliveries/{deliveryId}/replay',
        { params: { path }, headers: admin() },
      );
      expectStatus(ok, 202);
      expect(ok.data).toMatchObject({ status: 'pending', attempts: 0, replays: 1 });
      await waitFor('the replay to be delivered', async () =>
        (await read()).status === 'delivered' ? true : undefined,
      );
      expect(receiver.requests).toBe(2);
      const missing = await reporting.POST(
        '/v1/webhooks/subscriptions/{id}/deliveries/{deliveryId}/replay',
        { params: { path: { ...path, deliveryId: randomUUID() } }, headers: admin() },
      );
      expectStatus(missing, 404);
    },
  ],
  [
    'WebhookSubscriptionsController_replayParked',
    async ({ reporting }, state) => {
      const ok = await reporting.POST('/v1/webhooks/subscriptions/{id}/deliveries/replay-parked', {
        params: { path: { id: state.subscriptionId } },
        headers: admin(),
      });
      expectStatus(ok, 202);
      expect(ok.data).toEqual({ replayed: 0 });
      const missing = await reporting.POST(
        '/v1/webhooks/subscriptions/{id}/deliveries/replay-parked',
        { params: { path: { id: randomUUID() } }, headers: admin() },
      );
      expectStatus(missing, 404);
    },
  ],
  [
    'WebhookSubscriptionsController_delete',
    async ({ reporting }, state) => {
      const ok = await reporting.DELETE('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: state.subscriptionId } },
        headers: admin(),
      });
      expectStatus(ok, 204);
      const again = await reporting.DELETE('/v1/webhooks/subscriptions/{id}', {
        params: { path: { id: state.subscriptionId } },
        headers: admin(),
      });
      expectStatus(again, 404);
    },
  ],
];

/** The health probes of every service. */
function healthScenarios(service: ServiceName): [string, Scenario][] {
  // The three documents share the health paths: any client type serves for all.
  const health = (c: Clients) => c[service] as Client<ReportingPaths>;
  return [
    ['HealthController_live', async (c) => expectStatus(await health(c).GET('/health/live'), 200)],
    [
      'HealthController_ready',
      async (c) => expectStatus(await health(c).GET('/health/ready'), 200),
    ],
  ];
}

const SCENARIOS: Record<ServiceName, [string, Scenario][]> = {
  intake: [...healthScenarios('intake'), ...INTAKE],
  assignment: [...healthScenarios('assignment'), ...ASSIGNMENT_SETUP, ...ASSIGNMENT],
  reporting: [...healthScenarios('reporting'), ...REPORTING],
};

/** A path with every parameter filled (a UUID or a code: the guard answers before any lookup). */
function concretePath(path: string): Record<string, string> {
  return Object.fromEntries(
    [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [
      name,
      name === 'code'
        ? 'AE'
        : name === 'id' && !path.startsWith('/v1/cases')
          ? OFFICE
          : randomUUID(),
    ]),
  );
}

describe('OpenAPI contract: typed clients from docs/openapi drive every operation of the running services', () => {
  let system: RunningSystem;
  let clients: Clients;
  const recorder = new ContractRecorder(DOCS);
  const state = {} as State;

  beforeAll(async () => {
    system = await startSystem({
      REPORT_MIN_CELL_SIZE: '1',
      // Every acceptance deadline a second: the cases not started are escalated at once.
      SLA_ACCEPTANCE_URGENT_S: '1',
      SLA_ACCEPTANCE_HIGH_S: '1',
      SLA_ACCEPTANCE_NORMAL_S: '1',
      SLA_SCAN_INTERVAL_MS: '200',
      // The sweep below sends many tokenless requests from one address.
      AUTH_FAILURE_LIMIT: '100000',
      // Low enough for the 429 test; the search scenario makes two searches as another user.
      INTAKE_PASSPORT_SEARCH_PER_MINUTE: '3',
      ASSIGNMENT_SEED_DEMO_DIRECTORY: 'false',
      // The webhook receiver is on 127.0.0.1 and holds an attempt for a while.
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      WEBHOOK_REQUEST_TIMEOUT_MS: '60000',
    });
    clients = {
      intake: recorder.client<IntakePaths>('intake', system.intake.url),
      assignment: recorder.client<AssignmentPaths>('assignment', system.assignment.url),
      reporting: recorder.client<ReportingPaths>('reporting', system.reporting.url),
    };
  }, 180_000);

  afterAll(async () => {
    await stopSystem(system);
    await receiver.close();
  });

  it('has a scenario for every operation of the documents, and no scenario for an operation they lack', () => {
    const documented = OPERATIONS.map((o) => `${o.service} ${o.op.operationId}`).sort();
    const scripted = SERVICES.flatMap((s) => SCENARIOS[s].map(([id]) => `${s} ${id}`)).sort();
    expect(scripted).toEqual(documented);
  });

  it('serves at /docs/openapi.json the committed documents', async () => {
    for (const service of SERVICES) {
      const served = (await (
        await fetch(`${system[service].url}/docs/openapi.json`)
      ).json()) as OpenApiDocument;
      expect({ ...served, servers: [] }).toEqual({ ...DOCS[service], servers: [] });
    }
  });

  for (const service of ['assignment', 'intake', 'reporting'] as const) {
    it(`drives the ${service} operations through their happy paths and errors`, async () => {
      const order =
        service === 'assignment' ? SCENARIOS.assignment.slice(0, 9) : SCENARIOS[service];
      for (const [, scenario] of order) await scenario(clients, state);
    }, 180_000);
  }

  it('drives the assignment operations that need routed cases', async () => {
    for (const [, scenario] of SCENARIOS.assignment.slice(9)) await scenario(clients, state);
  }, 180_000);

  it('answers every authenticated operation 401 without a token and 403 for a role it does not list', async () => {
    for (const { service, method, path, op } of OPERATIONS) {
      if (op.security?.length === 0) continue;
      const allowed = op['x-roles'] ?? [];
      const other = ROLES.find((r) => !allowed.includes(r))!;
      const client = clients[service] as unknown as Client<Record<string, never>>;
      const init = { params: { path: concretePath(path) } };
      const anonymous = await client.request(
        method.toLowerCase() as 'get',
        path as never,
        init as never,
      );
      expectStatus(anonymous, 401);
      const forbidden = await client.request(
        method.toLowerCase() as 'get',
        path as never,
        {
          ...init,
          headers: auth(other, other === 'consul' || other === 'caseworker' ? OFFICE : undefined),
        } as never,
      );
      expectStatus(forbidden, 403);
    }
  }, 120_000);

  it('answers a malformed path parameter with a documented 4xx on every operation that has one', async () => {
    const answers: string[] = [];
    for (const { service, method, path, op } of OPERATIONS) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      if (names.length === 0) continue;
      const role = (op['x-roles'] ?? [])[0] as Role;
      const client = clients[service] as unknown as Client<Record<string, never>>;
      const result = await client.request(
        method.toLowerCase() as 'get',
        path as never,
        {
          params: { path: Object.fromEntries(names.map((n) => [n, 'not-an-id'])) },
          headers: auth(role, role === 'consul' || role === 'caseworker' ? OFFICE : undefined),
        } as never,
      );
      answers.push(
        `${method} ${path} ${result.response.status >= 400 && result.response.status < 500}`,
      );
    }
    expect(answers.filter((a) => a.endsWith('false'))).toEqual([]);
  });

  it('answers a body route 415 for a body not JSON, 413 for one too large and 400 for malformed JSON', async () => {
    const intake = clients.intake;
    const send = (body: string, type: string) =>
      intake.POST('/v1/cases/search', {
        body: body as never,
        bodySerializer: (b: unknown) => b as string,
        headers: { ...officer(), 'Content-Type': type },
      });
    expectStatus(await send('passportNumber=FA1', 'text/plain'), 415);
    expectStatus(
      await send(`{"passportNumber":"${'A'.repeat(300_000)}"}`, 'application/json'),
      413,
    );
    expectStatus(await send('{"passportNumber":', 'application/json'), 400);
  });

  it('answers 429 with Retry-After past a rate limit (passport searches a minute)', async () => {
    const searcher = auth('intake_officer', undefined, 'contract-rate-limited-officer');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await clients.intake.POST('/v1/cases/search', {
        body: { passportNumber: `ZZ${1_000_000 + i}` },
        headers: searcher,
      });
      statuses.push(result.response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('drove every operation of every document, each to a 2xx answer, and every answer matched its document', () => {
    const succeeded = new Set(
      recorder.calls.filter((c) => c.status < 300).map((c) => `${c.service} ${c.operationId}`),
    );
    const missing = OPERATIONS.filter(
      (o) => !succeeded.has(`${o.service} ${o.op.operationId}`),
    ).map((o) => `${o.service} ${o.method} ${o.path}`);
    expect(missing).toEqual([]);
    expect(recorder.violations).toEqual([]);
  });
});
