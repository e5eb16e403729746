/** How the benchmarks write their results: files as Prettier has them, tables into the docs. */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { config, say } from './config';

/** The checkout's commit, marked when it has uncommitted changes to tracked files. */
export function gitCommit(dir: string): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: dir }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: dir })
      .toString()
      .trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown';
  }
}

/** Writes a file as the repository's Prettier settings would have it (npm test checks docs/ too). */
export async function writePretty(file: string, text: string): Promise<void> {
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(text, { ...options, filepath: file }));
}

/**
 * Replaces what lies between `<!-- <marker>:begin -->` and `<!-- <marker>:end -->` in
 * docs/performance.md with `table` (BENCH_UPDATE_DOC=0: leaves the document alone).
 */
export async function writeIntoPerformanceDoc(marker: string, table: string): Promise<void> {
  if (process.env.BENCH_UPDATE_DOC === '0') return;
  const doc = join(config.docsDir, 'performance.md');
  const text = readFileSync(doc, 'utf8');
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    await writePretty(doc, `${text.slice(0, i + begin.length)}\n\n${table}\n\n${text.slice(j)}`);
    say(`Table written to ${doc}`);
  } else {
    say(`${doc} has no ${begin} … ${end} markers: table not written there`);
  }
}
