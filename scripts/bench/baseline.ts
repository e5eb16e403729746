/**
 * The baseline's database (intake's own migrations, run as postgres against a database of its
 * own, so its tables and indexes are intake's), the baseline server, and pgbench running the
 * same transaction as a custom script.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEV_JWT_SECRET } from '@casebridge/common';
import { config, say } from './config';
import { adminUrl, withClient } from './db';
import { Percentiles, percentiles } from './stats';
import { startNode, track } from './processes';

/** A fresh baseline database with the measured tree's intake migrations applied. */
export async function createBaselineDatabase(): Promise<void> {
  const db = config.baselineDatabase;
  await withClient('postgres', async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${db}`);
  });
  const file = join(
    config.servicesDir,
    'dist',
    'apps',
    'intake',
    'src',
    'database',
    'migrations',
    'index.js',
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { intakeMigrations } = require(file) as { intakeMigrations: (new () => unknown)[] };
  const source = await new DataSource({
    type: 'postgres',
    url: adminUrl(db),
    migrations: intakeMigrations,
    migrationsTableName: 'typeorm_migrations',
  }).initialize();
  try {
    await source.runMigrations();
  } finally {
    await source.destroy();
  }
}

export async function startBaselineServer() {
  const url = `http://127.0.0.1:${config.baselinePort}`;
  const child = await startNode(
    'baseline',
    join(__dirname, 'baseline-server.js'),
    `${url}/health/ready`,
    {
      ...process.env,
      BASELINE_PORT: String(config.baselinePort),
      BASELINE_DATABASE_URL: adminUrl(config.baselineDatabase),
      BASELINE_JWT_SECRET: process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
      BASELINE_POOL: '10',
    },
  );
  return { url, child };
}

/** The baseline's transaction in SQL: same statements, values made by pgbench. */
const PGBENCH_SCRIPT = `
\\set n random(1, 1000000000)
BEGIN;
SELECT gen_random_uuid() AS id, nextval('case_reference_seq') AS seq \\gset
SELECT id FROM case_file WHERE passport_index = md5(:n::text) AND host_country = 'RU' AND category = 'unpaid_wages' AND submitted_at >= now() - make_interval(days => 90) ORDER BY submitted_at ASC, id ASC LIMIT 1;
INSERT INTO case_file (id, reference, status, priority, category, risk_indicators, host_country, host_city, channel, preferred_language, consent_to_share, complainant_enc, description_enc, passport_index, created_by, submitted_at, updated_at, version) VALUES (:id, 'PGB-' || :seq::text, 'submitted', 'high', 'unpaid_wages', '{withholding_of_wages}', 'RU', 'Moscow', 'hotline', 'uz', true, 'v1.bench.' || md5(random()::text) || repeat('x', 120), 'v1.bench.' || md5(random()::text) || repeat('y', 140), md5(:n::text), 'pgbench', now(), now(), 1);
INSERT INTO outbox_event (event_id, topic, message_key, event_type, headers, payload) VALUES (gen_random_uuid(), 'casebridge.case-events.v1', :id::text, 'casebridge.case.submitted.v1', jsonb_build_object('ce_id', gen_random_uuid(), 'ce_type', 'casebridge.case.submitted.v1', 'ce_source', '/casebridge/intake', 'ce_time', now(), 'ce_subject', :id::text, 'traceparent', md5(random()::text)), jsonb_build_object('caseId', :id::text, 'reference', 'PGB-' || :seq::text, 'hostCountry', 'RU', 'hostCity', 'Moscow', 'category', 'unpaid_wages', 'priority', 'high', 'riskIndicators', '["withholding_of_wages"]'::jsonb, 'channel', 'hotline', 'preferredLanguage', 'uz', 'submittedAt', now(), 'amountClaimed', null, 'possibleDuplicateOf', null));
INSERT INTO audit_entry (case_id, actor_id, actor_role, consulate_id, action, request_id) VALUES (:id, 'pgbench', 'intake_officer', NULL, 'case.created', md5(random()::text));
END;
`;

export interface PgbenchResult {
  tps: number;
  latency: Percentiles;
  clients: number;
}

function findPgbench(): string | null {
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const path = `/usr/lib/postgresql/${v}/bin/pgbench`;
      if (readdirSync(`/usr/lib/postgresql/${v}/bin`).includes('pgbench')) return path;
    }
  } catch {
    // not Debian's layout: try PATH
  }
  return process.env.PATH?.split(':').some((d) => {
    try {
      return readdirSync(d).includes('pgbench');
    } catch {
      return false;
    }
  })
    ? 'pgbench'
    : null;
}

/** pgbench -c 32 -j 2 -T seconds -M prepared with the script above, or null when it is missing. */
export async function runPgbench(seconds: number, clients: number): Promise<PgbenchResult | null> {
  const pgbench = findPgbench();
  if (!pgbench) {
    say('pgbench not found (neither /usr/lib/postgresql/*/bin nor PATH): skipping it');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-pgbench-'));
  try {
    const script = join(dir, 'case.sql');
    writeFileSync(script, PGBENCH_SCRIPT);
    const url = new URL(adminUrl(config.baselineDatabase));
    const args = [
      '-n',
      '-M',
      'prepared',
      '-f',
      script,
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-P',
      '2',
      '-l',
      `--log-prefix=${join(dir, 'log')}`,
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      url.username || 'postgres',
      config.baselineDatabase,
    ];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(pgbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      track(child);
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => {
        for (const line of c
          .toString('utf8')
          .split('\n')
          .filter((l) => l.startsWith('progress')))
          say(`  pgbench ${line}`);
        text += c.toString('utf8');
      });
      child.on('exit', (code) =>
        code === 0
          ? resolve(text)
          : reject(new Error(`pgbench exited with ${code}:\n${text.slice(-2000)}`)),
      );
    });
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);
    // Per-transaction log lines: client transaction latency_us script epoch us.
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('log'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter(Boolean)
      .map((line) => Number(line.split(' ')[2]) / 1000);
    return { tps: Math.round(tps), latency: percentiles(latencies), clients };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
