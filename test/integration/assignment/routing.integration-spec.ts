import {
  ASSIGNMENT_EVENTS_TOPIC,
  CaseAssignedV1,
  CaseSubmittedV1,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { decodeEvent } from '@casebridge/messaging';
import { query, resetDatabase, resetTopics, waitFor, freePort } from '../../support/infra';
import { disconnectTestProducer, produceEvent, readAll } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { ServiceClient } from '../../support/service-client';
import { submittedCase as submitted } from '../../support/events';

let service: ServiceProcess;
let api: ServiceClient;

const admin = { role: 'admin' as const };

async function submit(...cases: CaseSubmittedV1[]): Promise<string[]> {
  for (const c of cases) await produceEvent(EventTypes.CaseSubmitted, c);
  return cases.map((c) => c.caseId);
}

interface AssignmentRow {
  case_id: string;
  consulate_id: string;
  caseworker_id: string | null;
  reason: string;
}

async function routed(ids: string[], timeoutMs = 60_000): Promise<Map<string, AssignmentRow>> {
  const rows = await waitFor(
    `${ids.length} cases to be routed`,
    async () => {
      const found = await query<AssignmentRow>(
        'assignment',
        'SELECT case_id, consulate_id, caseworker_id, reason FROM assignment WHERE case_id = ANY($1::uuid[])',
        [ids],
      );
      return found.length === ids.length ? found : undefined;
    },
    timeoutMs,
  );
  return new Map(rows.map((r) => [r.case_id, r]));
}

/** Waits until the outbox relay has published every event written so far. */
async function allPublished(): Promise<void> {
  await waitFor('the outbox to be published', async () => {
    const [row] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
    );
    return row.n === '0';
  });
}

async function createOffice(
  id: string,
  hostCountry: string,
  cities: string[],
  staff: { id: string; languages: string[]; maxOpenCases: number; active?: boolean }[],
  extra: { isDefaultForCountry?: boolean; active?: boolean } = {},
): Promise<void> {
  const office = await api.call(admin, 'POST', '/v1/consulates', {
    id,
    name: `Test office ${id}`,
    hostCountry,
    cities,
    languages: ['uz', 'ru'],
    ...extra,
  });
  expect(office.status).toBe(201);
  for (const s of staff) {
    const created = await api.call(admin, 'POST', `/v1/consulates/${id}/caseworkers`, {
      name: `Caseworker ${s.id}`,
      ...s,
    });
    expect(created.status).toBe(201);
  }
}

async function openCases(
  consulateId: string,
): Promise<Record<string, { open: number; max: number; held: number }>> {
  const rows = await query<{
    id: string;
    open_cases: number;
    max_open_cases: number;
    held: string;
  }>(
    'assignment',
    `SELECT c.id, c.open_cases, c.max_open_cases,
            (SELECT count(*) FROM assignment a WHERE a.caseworker_id = c.id) AS held
     FROM caseworker c WHERE c.consulate_id = $1 ORDER BY c.id`,
    [consulateId],
  );
  return Object.fromEntries(
    rows.map((r) => [r.id, { open: r.open_cases, max: r.max_open_cases, held: Number(r.held) }]),
  );
}

beforeAll(async () => {
  await resetTopics();
  await resetDatabase('assignment');
  service = await startServiceProcess('assignment', {}, await freePort());
  api = new ServiceClient(service.url);
  // Offices in Italy (no demo office there) whose staff the tests control exactly.
  await createOffice(
    'IT-ROM',
    'IT',
    ['Rome'],
    [
      { id: 'it-rom-b', languages: ['uz', 'ru'], maxOpenCases: 50 },
      { id: 'it-rom-a', languages: ['uz', 'ru'], maxOpenCases: 50 },
      { id: 'it-rom-c', languages: ['uz'], maxOpenCases: 50, active: false },
    ],
    { isDefaultForCountry: true },
  );
  await createOffice(
    'IT-MIL',
    'IT',
    ['Milan', 'Milano'],
    [
      { id: 'it-mil-it', languages: ['it', 'ru'], maxOpenCases: 50 },
      { id: 'it-mil-uz', languages: ['uz'], maxOpenCases: 1 },
    ],
  );
  await createOffice(
    'IT-NAP',
    'IT',
    ['Naples'],
    [{ id: 'it-nap-a', languages: ['uz'], maxOpenCases: 50 }],
    { active: false },
  );
});

afterAll(async () => {
  await service?.stop();
  await disconnectTestProducer();
});

describe('Routing a submitted case (real Kafka and Postgres)', () => {
  it('sends each case to the office and caseworker the routing table names', async () => {
    const table: [
      string,
      CaseSubmittedV1,
      { consulateId: string; caseworkerId: string | null; reason: string },
    ][] = [
      [
        'city covered by a consulate general',
        submitted({ hostCountry: 'RU', hostCity: 'Kazan', preferredLanguage: 'tg' }),
        { consulateId: 'RU-KZN', caseworkerId: 'ru-kzn-01', reason: 'auto' },
      ],
      [
        'city matched case-insensitively',
        submitted({ hostCountry: 'KR', hostCity: 'BUSAN', preferredLanguage: 'ko' }),
        { consulateId: 'KR-PUS', caseworkerId: 'kr-pus-01', reason: 'auto' },
      ],
      [
        'city no office covers: the country default',
        submitted({ hostCountry: 'RU', hostCity: 'Murom', preferredLanguage: 'kk' }),
        { consulateId: 'RU-MOW', caseworkerId: 'ru-mow-04', reason: 'auto' },
      ],
      [
        'no city: the country default',
        submitted({ hostCountry: 'KZ', hostCity: null, preferredLanguage: 'kk' }),
        { consulateId: 'KZ-AST', caseworkerId: 'kz-ast-01', reason: 'auto' },
      ],
      [
        'country without an office: HQ',
        submitted({ hostCountry: 'BR', hostCity: 'São Paulo', preferredLanguage: 'uz' }),
        { consulateId: 'HQ', caseworkerId: 'hq-01', reason: 'no_coverage' },
      ],
      [
        'inactive office skipped for the default',
        submitted({ hostCountry: 'IT', hostCity: 'Naples', preferredLanguage: 'uz' }),
        { consulateId: 'IT-ROM', caseworkerId: 'it-rom-a', reason: 'auto' },
      ],
      [
        'only a speaker of the language',
        submitted({ hostCountry: 'IT', hostCity: 'Milan', preferredLanguage: 'it' }),
        { consulateId: 'IT-MIL', caseworkerId: 'it-mil-it', reason: 'auto' },
      ],
      [
        'nobody speaks the language: office queue',
        submitted({ hostCountry: 'IT', hostCity: 'Rome', preferredLanguage: 'ja' }),
        { consulateId: 'IT-ROM', caseworkerId: null, reason: 'auto' },
      ],
    ];
    const ids = await submit(...table.map(([, c]) => c));
    const rows = await routed(ids);
    const actual = table.map(([name, c]) => {
      const row = rows.get(c.caseId)!;
      return [
        name,
        { consulateId: row.consulate_id, caseworkerId: row.caseworker_id, reason: row.reason },
      ];
    });
    expect(actual).toEqual(table.map(([name, , expected]) => [name, expected]));
  });

  it('balances workload, skips inactive caseworkers, breaks ties by id and respects maxOpenCases', async () => {
    const rome = await openCases('IT-ROM');
    const before = { a: rome['it-rom-a'].open, b: rome['it-rom-b'].open };
    // One case at a time, so every decision sees the previous one.
    const picks: (string | null)[] = [];
    for (let i = 0; i < 6; i += 1) {
      const [id] = await submit(
        submitted({ hostCountry: 'IT', hostCity: 'Rome', preferredLanguage: 'uz' }),
      );
      picks.push((await routed([id])).get(id)!.caseworker_id);
    }
    // it-rom-a already holds one more case than it-rom-b (the Naples case): b catches up first.
    expect(before).toEqual({ a: 1, b: 0 });
    expect(picks).toEqual(['it-rom-b', 'it-rom-a', 'it-rom-b', 'it-rom-a', 'it-rom-b', 'it-rom-a']);
    expect(picks).not.toContain('it-rom-c');

    const milan = await submit(
      submitted({ hostCountry: 'IT', hostCity: 'milano', preferredLanguage: 'uz' }),
      submitted({ hostCountry: 'IT', hostCity: 'Milan', preferredLanguage: 'uz' }),
    );
    const rows = await routed(milan);
    // it-mil-uz has maxOpenCases 1: the second Uzbek speaker's case waits in the office queue.
    expect(milan.map((id) => rows.get(id)!.caseworker_id).sort()).toEqual(
      ['it-mil-uz', null].sort(),
    );
    expect((await openCases('IT-MIL'))['it-mil-uz']).toEqual({ open: 1, max: 1, held: 1 });
  });

  it('publishes one schema-valid case.assigned with sequence 1 per case, and routes a re-submitted case only once', async () => {
    const first = submitted({ hostCountry: 'TR', hostCity: 'Istanbul', preferredLanguage: 'tr' });
    await submit(first);
    await routed([first.caseId]);
    // The same case again under a new event id (a replay by the producer): no second routing.
    const replay = await produceEvent(EventTypes.CaseSubmitted, { ...first, hostCity: 'Ankara' });
    await waitFor('the replayed case.submitted to be consumed', async () => {
      const rows = await query('assignment', 'SELECT 1 FROM inbox_message WHERE event_id = $1', [
        replay,
      ]);
      return rows.length === 1;
    });
    await allPublished();

    const events = (await readAll(ASSIGNMENT_EVENTS_TOPIC)).map((m) =>
      decodeEvent({
        key: Buffer.from(m.key ?? ''),
        value: Buffer.from(m.value ?? ''),
        headers: m.headers,
      }),
    );
    const assigned = events.filter(
      (e) => e.type === EventTypes.CaseAssigned && e.subject === first.caseId,
    );
    expect(assigned).toHaveLength(1);
    expect(assigned[0].source).toBe(EventSources.assignment);
    expect(assigned[0].data as CaseAssignedV1).toEqual({
      caseId: first.caseId,
      hostCountry: 'TR',
      consulateId: 'TR-IST',
      caseworkerId: 'tr-ist-01',
      assignedAt: expect.any(String),
      reason: 'auto',
      sequence: 1,
    });
    const [row] = await query<{ consulate_id: string; n: string }>(
      'assignment',
      'SELECT consulate_id, (SELECT count(*) FROM assignment_history h WHERE h.case_id = a.case_id) AS n FROM assignment a WHERE case_id = $1',
      [first.caseId],
    );
    expect(row).toEqual({ consulate_id: 'TR-IST', n: '1' });
  });

  it('routes 500 cases at once without putting any caseworker over capacity, balanced within one case', async () => {
    await createOffice(
      'IT-TRN',
      'IT',
      ['Turin'],
      [
        { id: 'it-trn-1', languages: ['uz', 'ru'], maxOpenCases: 200 },
        { id: 'it-trn-2', languages: ['uz'], maxOpenCases: 200 },
        { id: 'it-trn-3', languages: ['uz', 'en'], maxOpenCases: 200 },
      ],
    );
    await createOffice(
      'IT-GOA',
      'IT',
      ['Genoa'],
      [
        { id: 'it-goa-1', languages: ['uz'], maxOpenCases: 15 },
        { id: 'it-goa-2', languages: ['uz'], maxOpenCases: 15 },
        { id: 'it-goa-3', languages: ['uz'], maxOpenCases: 15 },
      ],
    );
    const cases = Array.from({ length: 500 }, (_, i) =>
      submitted({
        hostCountry: 'IT',
        hostCity: i % 5 === 0 ? 'Genoa' : 'Turin',
        preferredLanguage: 'uz',
      }),
    );
    const ids = await submit(...cases);
    const rows = await routed(ids, 120_000);

    // Turin: 400 cases over three equal caseworkers with room to spare.
    const turin = await openCases('IT-TRN');
    const turinHeld = Object.values(turin).map((c) => c.held);
    expect(turinHeld.reduce((a, b) => a + b, 0)).toBe(400);
    expect(Math.max(...turinHeld) - Math.min(...turinHeld)).toBeLessThanOrEqual(1);
    // Genoa: 100 cases, room for 45; the rest wait in the office queue.
    const genoa = await openCases('IT-GOA');
    expect(Object.values(genoa)).toEqual([
      { open: 15, max: 15, held: 15 },
      { open: 15, max: 15, held: 15 },
      { open: 15, max: 15, held: 15 },
    ]);
    expect(
      ids.filter(
        (id) => rows.get(id)!.consulate_id === 'IT-GOA' && rows.get(id)!.caseworker_id === null,
      ),
    ).toHaveLength(55);
    for (const c of Object.values(turin)) expect(c.open).toBe(c.held);
  });
});
