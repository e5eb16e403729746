/**
 * `npm run bench`: load against a running system (`npm start`): submits complaints over the HTTP
 * API with bounded concurrency, then measures how long each took to come back `assigned` in intake
 * (intake → Kafka → assignment → Kafka → intake) and to be counted by reporting.
 * Env: BENCH_CASES (1000), BENCH_CONCURRENCY (16), INTAKE_URL, REPORTING_URL.
 */
import { JwtService } from '@nestjs/jwt';
import { DEV_JWT_SECRET } from '@casebridge/common';
import { CASE_CATEGORIES } from '@casebridge/contracts';

const INTAKE = process.env.INTAKE_URL ?? 'http://localhost:3001';
const REPORTING = process.env.REPORTING_URL ?? 'http://localhost:3003';
const CASES = Number(process.env.BENCH_CASES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DESTINATIONS = [
  ['RU', 'Moscow'],
  ['RU', 'Saint Petersburg'],
  ['KZ', 'Almaty'],
  ['KR', 'Seoul'],
  ['TR', 'Istanbul'],
  ['DE', 'Berlin'],
  ['BR', 'Recife'],
];

const jwt = new JwtService({ secret: process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET });
// Many officers, as in real use: the per-user rate limit stays out of the measurement.
const token = (i: number, role = 'intake_officer') =>
  jwt.sign({ roles: [role] }, { subject: `bench-${role}-${i % 500}`, expiresIn: '1h' });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function describe(label: string, values: number[], unit = 'ms'): string {
  const s = [...values].sort((a, b) => a - b);
  return `${label}: p50 ${percentile(s, 50).toFixed(0)} ${unit}, p95 ${percentile(s, 95).toFixed(0)} ${unit}, p99 ${percentile(s, 99).toFixed(0)} ${unit}, max ${s[s.length - 1].toFixed(0)} ${unit}`;
}

async function main(): Promise<void> {
  const ready = await fetch(`${INTAKE}/health/ready`).catch(() => null);
  if (!ready || ready.status !== 200) {
    console.error(`intake does not answer at ${INTAKE}: start the system with \`npm start\` first`);
    process.exit(1);
  }
  const reportBefore = await report();
  console.log(
    `Submitting ${CASES} complaints with ${CONCURRENCY} concurrent clients to ${INTAKE} …`,
  );
  const latencies: number[] = [];
  const ids: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) {
        const i = next++;
        const [hostCountry, hostCity] = DESTINATIONS[i % DESTINATIONS.length];
        const t0 = performance.now();
        const res = await fetch(`${INTAKE}/v1/cases`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token(i)}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            complainant: {
              fullName: `Bench Worker ${i}`,
              passportNumber: `BB${String(i).padStart(7, '0')}`,
              preferredLanguage: i % 3 ? 'uz' : 'ru',
              consentToShare: true,
            },
            hostCountry,
            hostCity,
            category: CASE_CATEGORIES[i % CASE_CATEGORIES.length],
            description: `Benchmark complaint ${i}: wages unpaid for two months.`,
            channel: 'hotline',
          }),
        });
        latencies.push(performance.now() - t0);
        if (res.status !== 201)
          throw new Error(`POST /v1/cases answered ${res.status}: ${await res.text()}`);
        ids.push(((await res.json()) as { id: string }).id);
        if (ids.length % 100 === 0) process.stdout.write(`  ${ids.length}/${CASES} submitted\n`);
      }
    }),
  );
  const submitSeconds = (performance.now() - started) / 1000;
  console.log(
    `Submitted ${CASES} in ${submitSeconds.toFixed(1)} s: ${(CASES / submitSeconds).toFixed(0)} cases/s`,
  );
  console.log(describe('POST /v1/cases latency', latencies));

  console.log('Waiting until every case is assigned in intake …');
  const roundTrips: number[] = [];
  const pending = new Set(ids);
  const deadline = Date.now() + 300_000;
  while (pending.size && Date.now() < deadline) {
    for (const id of [...pending].slice(0, 200)) {
      const res = await fetch(`${INTAKE}/v1/cases/${id}`, {
        headers: { Authorization: `Bearer ${token(roundTrips.length + pending.size)}` },
      });
      const c = (await res.json()) as { status: string; submittedAt: string; updatedAt: string };
      if (c.status === 'assigned') {
        pending.delete(id);
        roundTrips.push(Date.parse(c.updatedAt) - Date.parse(c.submittedAt));
      }
    }
    process.stdout.write(`  ${ids.length - pending.size}/${CASES} assigned\n`);
    if (pending.size) await new Promise((r) => setTimeout(r, 500));
  }
  if (pending.size) throw new Error(`${pending.size} cases were not assigned within 5 minutes`);
  console.log(describe('submitted → assigned in intake (through both topics)', roundTrips));

  const t0 = Date.now();
  for (;;) {
    const r = await report();
    if (r.received - reportBefore.received >= CASES) break;
    if (Date.now() - t0 > 120_000)
      throw new Error('reporting did not count every case within 2 minutes');
    await new Promise((res) => setTimeout(res, 250));
  }
  const after = await report();
  console.log(
    `Reporting counts all ${CASES} new cases (lag ${after.lagSeconds} s); a report answers in ${after.ms.toFixed(0)} ms`,
  );
}

async function report(): Promise<{ received: number; lagSeconds: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${REPORTING}/v1/reports/host-countries`, {
    headers: { Authorization: `Bearer ${token(0, 'manager')}` },
  });
  const body = (await res.json()) as { totals: { received: number }; lagSeconds: number };
  return {
    received: body.totals.received,
    lagSeconds: body.lagSeconds,
    ms: performance.now() - t0,
  };
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
