/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time by function and by package or
 * module, top 15 each, as markdown. Used by the bench (BENCH_PROFILE=1) and on its own:
 *   node dist/scripts/bench/profile-summary.js <dir-or-file.cpuprofile> [title]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: { name: string; ms: number; share: number }[];
  byModule: { name: string; ms: number; share: number }[];
}

/** `node_modules/@nestjs/core/…` → `@nestjs/core`; our code → its folder (apps/intake, libs/messaging). */
function moduleOf(url: string, root: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const rel = relative(root, path).replace(/^dist\//, '');
  const parts = rel.split('/');
  return parts[0] === 'apps' || parts[0] === 'libs' ? `${parts[0]}/${parts[1]}` : parts[0] || path;
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  return `${name} (${moduleOf(url, root)}:${url.split('/').pop()}:${lineNumber + 1})`;
}

function top(map: Map<string, number>, total: number) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: total ? us / total : 0 }));
}

export function summarise(profiles: CpuProfile[], root: string): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      const node = nodes.get(id);
      if (!node || node.callFrame.functionName === '(idle)') return;
      total += us;
      const fn = label(node, root);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      const mod = ['(garbage collector)', '(program)'].includes(node.callFrame.functionName)
        ? node.callFrame.functionName
        : moduleOf(node.callFrame.url, root);
      byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    });
  }
  return {
    totalMs: Math.round(total / 1000),
    byFunction: top(byFunction, total),
    byModule: top(byModule, total),
  };
}

export function loadProfiles(path: string): CpuProfile[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(path, f))
    : [path];
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
}

export function profileMarkdown(title: string, s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const table = (rows: ProfileSummary['byFunction'], what: string) =>
    [
      `| ${what} | self time | share |`,
      '| --- | ---: | ---: |',
      ...rows.map((r) => `| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.ms} ms | ${pct(r.share)} |`),
    ].join('\n');
  return [
    `# ${title}`,
    '',
    `CPU time sampled (idle excluded): ${(s.totalMs / 1000).toFixed(1)} s. Self time: time spent in the`,
    'function itself, not in what it calls.',
    '',
    '## By package or module',
    '',
    table(s.byModule, 'package / module'),
    '',
    '## By function',
    '',
    table(s.byFunction, 'function'),
    '',
  ].join('\n');
}

if (require.main === module) {
  const [path, title] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: profile-summary <dir-or-file.cpuprofile> [title]\n');
    process.exit(2);
  }
  process.stdout.write(
    profileMarkdown(title ?? 'CPU profile', summarise(loadProfiles(path), process.cwd())),
  );
}
