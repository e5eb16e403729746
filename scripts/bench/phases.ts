/**
 * One measured run against the services: the load, then the wait until every case is assigned
 * and counted, with the consumer lag sampled throughout and the latencies read from the databases.
 */
import { config, say, Service, sleep } from './config';
import { FlowLatencies, flowLatencies, uncounted, unassigned } from './db';
import { KafkaProbe, totalLag } from './kafka';
import { LoadResult } from './load';

export interface SystemRun {
  label: string;
  load: LoadResult;
  flow: FlowLatencies | null;
  /** Highest consumer lag seen during the run and the drain (messages, all groups). */
  maxLag: number;
  /** Seconds from the last answer until lag was 0 and every accepted case assigned; null: not within the timeout. */
  drainSeconds: number | null;
  /** Seconds from the last answer until reporting had counted every case too. */
  countedSeconds: number | null;
  /** Cases still unassigned when the bench stopped waiting. */
  leftUnassigned: number;
}

export async function measureSystem(
  label: string,
  kafka: KafkaProbe,
  groups: Service[],
  load: () => Promise<LoadResult>,
): Promise<SystemRun> {
  let maxLag = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const lag = await kafka.tryLag(groups);
      if (lag) maxLag = Math.max(maxLag, totalLag(lag));
      await sleep(500);
    }
  })();
  const result = await load();
  say(
    `  ${label}: ${result.accepted} accepted (${result.acceptedPerSecond}/s), ${result.shed} shed, ${result.failed} failed; waiting for assignment and reporting …`,
  );
  const end = Date.now();
  let drainSeconds: number | null = null;
  let countedSeconds: number | null = null;
  let left = { total: 0, open: 0 };
  let lastSay = 0;
  while (Date.now() - end < config.drainTimeoutSeconds * 1000) {
    const sample = await kafka.tryLag(groups);
    const lag = sample ? totalLag(sample) : null;
    if (lag !== null) maxLag = Math.max(maxLag, lag);
    left = await unassigned(result.startedAt, result.endedAt);
    const elapsed = (Date.now() - end) / 1000;
    if (drainSeconds === null && lag === 0 && left.open === 0) drainSeconds = elapsed;
    if (drainSeconds !== null && (await uncounted(result.startedAt, result.endedAt)) === 0) {
      countedSeconds = elapsed;
      break;
    }
    if (Date.now() - lastSay > 2000) {
      say(
        `  ${label} +${elapsed.toFixed(0)} s: lag ${
          sample
            ? Object.entries(sample)
                .map(([g, n]) => `${g} ${n}`)
                .join(', ')
            : 'unknown'
        }; ${left.open} of ${left.total} cases not yet assigned`,
      );
      lastSay = Date.now();
    }
    await sleep(250);
  }
  sampling = false;
  await sampler;
  const flow = await flowLatencies(result.startedAt, result.endedAt).catch((error: Error) => {
    say(`  latencies from the databases not read: ${error.message}`);
    return null;
  });
  if (drainSeconds === null)
    say(`  ${label}: ${left.open} cases still unassigned after ${config.drainTimeoutSeconds} s`);
  return {
    label,
    load: result,
    flow,
    maxLag,
    drainSeconds,
    countedSeconds,
    leftUnassigned: left.open,
  };
}

/** Waits (unmeasured, up to 5 min) until no consumer lags, so that a run's backlog does not spill into the next. */
export async function settle(kafka: KafkaProbe, groups: Service[]): Promise<void> {
  const start = Date.now();
  let lastSay = 0;
  while (Date.now() - start < 300_000) {
    const sample = await kafka.tryLag(groups);
    if (sample && totalLag(sample) === 0) return;
    if (Date.now() - lastSay > 5000) {
      say(`  settling before the next run: lag ${sample ? totalLag(sample) : 'unknown'}`);
      lastSay = Date.now();
    }
    await sleep(500);
  }
}
