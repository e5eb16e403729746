import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaClient, waitFor } from './infra';

const ROOT = join(__dirname, '..', '..');

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `npm run dlq:redrive` (dist/scripts/dlq-redrive.js) against the test broker. */
export function runRedrive(args: string[]): Promise<CommandRun> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'scripts', 'dlq-redrive.js'), ...args],
    {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The end offsets of `topic`, by partition. */
export async function endOffsets(topic: string): Promise<Map<number, string>> {
  return new Map([...(await offsetRange(topic))].map(([p, { high }]) => [p, high]));
}

async function offsetRange(topic: string): Promise<Map<number, { low: string; high: string }>> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until `group` has committed every message of `topic` there is now (lag 0). A partition
 * with nothing to read (emptied by resetTopics, so low = high) needs no commit.
 */
export async function waitUntilConsumed(group: string, topic: string): Promise<void> {
  const ranges = await offsetRange(topic);
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await waitFor(`${group} to consume ${topic} to its end`, async () => {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return committed.partitions.every((p) => {
        const range = ranges.get(p.partition);
        return !range || range.low === range.high || BigInt(p.offset) >= BigInt(range.high);
      });
    });
  } finally {
    await admin.disconnect();
  }
}
