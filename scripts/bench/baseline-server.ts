/**
 * The bench's baseline: POST /v1/cases on node:http + pg, no framework. It does the durable work
 * intake's POST does: verify the HS256 token, parse and validate the same fields by hand,
 * triage, AES-256-GCM-encrypt the personal fields under a fresh per-case key (intake's envelope-cipher), the passport
 * blind index (HMAC), then one transaction: next reference number, duplicate probe, case row,
 * outbox row, audit row. Its database mirrors intake's tables (intake's migrations, see
 * baseline-schema.ts). Env: BASELINE_PORT, BASELINE_DATABASE_URL, BASELINE_JWT_SECRET, BASELINE_POOL.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Pool } from 'pg';
import {
  CASE_CATEGORIES,
  CASE_EVENTS_TOPIC,
  CaseCategory,
  CHANNELS,
  COUNTRY_CODES,
  EventTypes,
  LANGUAGES,
  RISK_INDICATORS,
  RiskIndicator,
  textLength,
} from '@casebridge/contracts';
import { CaseDataCipher, MasterKeyRing } from '../../apps/intake/src/crypto/envelope-cipher';
import { PassportBlindIndex } from '../../apps/intake/src/crypto/passport-blind-index';
import { triagePriority } from '../../apps/intake/src/cases/triage';

const secret = process.env.BASELINE_JWT_SECRET ?? '';
const pool = new Pool({
  connectionString: process.env.BASELINE_DATABASE_URL,
  max: Number(process.env.BASELINE_POOL ?? 10),
});
// Fresh keys: the baseline's ciphertexts are never read, only the cost of making them counts.
// Each case gets its own data key, wrapped by the master key (its write to the key store, a second
// database, is left out).
const masterKeys = new MasterKeyRing('bench', randomBytes(32));
const blindIndex = new PassportBlindIndex(randomBytes(32));
const ROLES = new Set(['intake_officer', 'caseworker', 'consul', 'integration']);
const COUNTRIES = new Set(COUNTRY_CODES);
const PASSPORT = /^[A-Za-z0-9][A-Za-z0-9 -]{3,18}[A-Za-z0-9]$/;
const PHONE = /^\+?[0-9][0-9 ()-]{5,24}$/;

type Json = Record<string, unknown>;

/** The caller's subject and roles, or null (401). */
function authenticate(header: string | undefined): { sub: string; roles: string[] } | null {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return null;
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Json;
  const now = Date.now() / 1000;
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp < now)
    return null;
  return { sub: claims.sub, roles: Array.isArray(claims.roles) ? (claims.roles as string[]) : [] };
}

const text = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && textLength(v) >= min && textLength(v) <= max;
const oneOf = (v: unknown, list: readonly string[]): v is string =>
  typeof v === 'string' && list.includes(v);

/** The same checks as CreateCaseDto (the fields the bench sends and their siblings); problems listed. */
function validate(body: Json): string[] {
  const problems: string[] = [];
  const c = body.complainant as Json | undefined;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return ['complainant must be an object'];
  if (!text(c.fullName, 1, 200)) problems.push('complainant.fullName');
  if (
    c.passportNumber !== undefined &&
    !(typeof c.passportNumber === 'string' && PASSPORT.test(c.passportNumber))
  )
    problems.push('complainant.passportNumber');
  if (c.phone !== undefined && !(typeof c.phone === 'string' && PHONE.test(c.phone)))
    problems.push('complainant.phone');
  if (!oneOf(c.preferredLanguage, LANGUAGES)) problems.push('complainant.preferredLanguage');
  if (typeof c.consentToShare !== 'boolean') problems.push('complainant.consentToShare');
  if (!(typeof body.hostCountry === 'string' && COUNTRIES.has(body.hostCountry)))
    problems.push('hostCountry');
  if (body.hostCity !== undefined && !text(body.hostCity, 1, 100)) problems.push('hostCity');
  if (!oneOf(body.category, CASE_CATEGORIES)) problems.push('category');
  const risks = body.riskIndicators ?? [];
  if (
    !Array.isArray(risks) ||
    risks.length > RISK_INDICATORS.length ||
    new Set(risks).size !== risks.length ||
    !risks.every((r) => oneOf(r, RISK_INDICATORS))
  )
    problems.push('riskIndicators');
  if (!text(body.description, 10, 10_000)) problems.push('description');
  if (!oneOf(body.channel, CHANNELS)) problems.push('channel');
  return problems;
}

async function createCase(user: { sub: string; roles: string[] }, body: Json): Promise<Json> {
  const c = body.complainant as Json;
  const id = randomUUID();
  const now = new Date();
  const category = body.category as CaseCategory;
  const risks = (body.riskIndicators ?? []) as RiskIndicator[];
  const priority = triagePriority(category, risks);
  const complainant = {
    fullName: c.fullName,
    passportNumber: c.passportNumber ?? null,
    dateOfBirth: c.dateOfBirth ?? null,
    phone: c.phone ?? null,
    email: c.email ?? null,
  };
  const passportIndex =
    typeof c.passportNumber === 'string' ? blindIndex.passportIndex(c.passportNumber) : null;
  const dataKey = MasterKeyRing.newDataKey();
  masterKeys.wrap(dataKey, id);
  const cipher = new CaseDataCipher(dataKey);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const seq = (await client.query<{ seq: string }>("SELECT nextval('case_reference_seq') AS seq"))
      .rows[0].seq;
    const reference = `CB-${now.getUTCFullYear()}-${seq.padStart(6, '0')}`;
    const duplicate = passportIndex
      ? ((
          await client.query<{ id: string }>(
            `SELECT id FROM case_file
             WHERE passport_index = $1 AND host_country = $2 AND category = $3
               AND submitted_at >= now() - make_interval(days => $4)
             ORDER BY submitted_at ASC, id ASC LIMIT 1`,
            [passportIndex, body.hostCountry, category, 90],
          )
        ).rows[0]?.id ?? null)
      : null;
    await client.query(
      `INSERT INTO case_file (id, reference, status, priority, category, risk_indicators, host_country,
         host_city, channel, preferred_language, consent_to_share, complainant_enc, description_enc,
         passport_index, possible_duplicate_of, created_by, submitted_at, updated_at, version)
       VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1)`,
      [
        id,
        reference,
        priority,
        category,
        risks,
        body.hostCountry,
        body.hostCity ?? null,
        body.channel,
        c.preferredLanguage,
        c.consentToShare,
        cipher.encryptJson(complainant, 'case_file.complainant_enc', id),
        cipher.encrypt(body.description as string, 'case_file.description_enc', id),
        passportIndex,
        duplicate,
        user.sub,
        now,
      ],
    );
    const eventId = randomUUID();
    const payload = {
      caseId: id,
      reference,
      hostCountry: body.hostCountry,
      hostCity: body.hostCity ?? null,
      category,
      priority,
      riskIndicators: risks,
      channel: body.channel,
      preferredLanguage: c.preferredLanguage,
      submittedAt: now.toISOString(),
      amountClaimed: null,
      possibleDuplicateOf: duplicate,
    };
    const headers = {
      ce_specversion: '1.0',
      ce_id: eventId,
      ce_type: EventTypes.CaseSubmitted,
      ce_source: '/casebridge/intake',
      ce_time: now.toISOString(),
      ce_subject: id,
      'content-type': 'application/json',
      ce_correlationid: eventId,
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    };
    await client.query(
      `INSERT INTO outbox_event (event_id, topic, message_key, event_type, headers, payload)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        eventId,
        CASE_EVENTS_TOPIC,
        id,
        EventTypes.CaseSubmitted,
        JSON.stringify(headers),
        JSON.stringify(payload),
      ],
    );
    await client.query(
      `INSERT INTO audit_entry (case_id, actor_id, actor_role, consulate_id, action, request_id)
       VALUES ($1, $2, $3, NULL, 'case.created', $4)`,
      [id, user.sub, user.roles.join(','), randomUUID()],
    );
    await client.query('COMMIT');
    return { id, status: 'submitted', ...payload, version: 1 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function answer(
  res: ServerResponse,
  status: number,
  body: Json,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status < 400 ? 'application/json' : 'application/problem+json',
    ...headers,
  });
  res.end(json);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/health/ready')
    return answer(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/v1/cases')
    return answer(res, 404, { title: 'Not Found' });
  const user = authenticate(req.headers.authorization);
  if (!user) return answer(res, 401, { title: 'Unauthorized' });
  if (!user.roles.some((r) => ROLES.has(r))) return answer(res, 403, { title: 'Forbidden' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 256 * 1024) return answer(res, 413, { title: 'Payload Too Large' });
    chunks.push(chunk);
  }
  let body: Json;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
  } catch {
    return answer(res, 400, { title: 'Bad Request', detail: 'malformed JSON' });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return answer(res, 400, { title: 'Bad Request' });
  const problems = validate(body);
  if (problems.length) return answer(res, 400, { title: 'Bad Request', errors: problems });
  try {
    const created = await createCase(user, body);
    answer(res, 201, created, { location: `/v1/cases/${String(created.id)}` });
  } catch {
    answer(res, 503, { title: 'Service Unavailable' }, { 'retry-after': '1' });
  }
}

const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.BASELINE_PORT ?? 3100), '127.0.0.1');
const stop = () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
