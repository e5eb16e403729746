import { makeCase, seededRandom } from '../support/cases';
import { resetDatabase, resetTopics } from '../support/infra';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { bearer } from '../support/tokens';

describe('POST /v1/cases refuses bad input with problem+json naming the field', () => {
  let intake: ServiceProcess;
  const valid = makeCase(seededRandom(1), { hostCountry: 'RU', hostCity: 'Moscow' }, 1);

  beforeAll(async () => {
    // No stale events of earlier suites for intake's consumer to wade through first.
    await resetTopics();
    await resetDatabase('intake');
    intake = await startServiceProcess('intake');
  });

  afterAll(() => intake?.stop());

  async function post(body: string, contentType = 'application/json') {
    const res = await fetch(`${intake.url}/v1/cases`, {
      method: 'POST',
      headers: { ...bearer('intake_officer'), 'content-type': contentType },
      body,
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  function fields(body: Record<string, unknown>): string[] {
    return [...new Set(((body.errors ?? []) as { field: string }[]).map((e) => e.field))].sort();
  }

  it('400 for malformed JSON', async () => {
    const res = await post('{"complainant": {');
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'malformed_json',
      title: expect.any(String),
      type: expect.any(String),
    });
  });

  it('400 for an unknown field, top-level or nested', async () => {
    const res = await post(
      JSON.stringify({
        ...valid,
        nationality: 'UZ',
        complainant: { ...valid.complainant, religion: 'x' },
      }),
    );
    expect(res.status).toBe(400);
    expect(fields(res.body).sort()).toEqual(['complainant.religion', 'nationality']);
  });

  it('400 for a value outside its list, naming what is allowed', async () => {
    const res = await post(JSON.stringify({ ...valid, category: 'bribery' }));
    expect(res.status).toBe(400);
    const errors = res.body.errors as { field: string; message: string }[];
    expect(errors).toEqual([
      { field: 'category', message: expect.stringContaining('unpaid_wages') },
    ]);
  });

  it('400 for a missing required field', async () => {
    const { description: _omitted, ...rest } = valid;
    const res = await post(JSON.stringify(rest));
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['description']);
  });

  it('415 for a body that is not JSON, 413 for one over the limit', async () => {
    const form = await post('fullName=x', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(form.type).toMatch(/^application\/problem\+json/);
    expect(form.body).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
      title: expect.any(String),
      type: expect.any(String),
    });
    expect(JSON.stringify(form.body)).not.toContain('fullName=x');
    const huge = await post(JSON.stringify({ ...valid, description: 'x'.repeat(400_000) }));
    expect(huge.status).toBe(413);
    expect(huge.type).toMatch(/^application\/problem\+json/);
  });

  it('401 without a token and 403 for a role that may not create cases', async () => {
    const anonymous = await fetch(`${intake.url}/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    expect(anonymous.status).toBe(401);
    const manager = await fetch(`${intake.url}/v1/cases`, {
      method: 'POST',
      headers: { ...bearer('manager'), 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    expect(manager.status).toBe(403);
    expect(manager.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
