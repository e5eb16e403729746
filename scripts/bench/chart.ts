/**
 * docs/bench/latency.svg: per second of each open-loop run, HTTP p50/p99 and submitted → assigned
 * p50/p99, one panel per rate, latency on a log scale. Hand-written SVG, no library.
 */
export interface ChartRun {
  label: string;
  http: { second: number; p50: number | null; p99: number | null }[];
  assigned: { second: number; p50: number | null; p99: number | null }[];
}

const W = 420;
const H = 260;
const M = { left: 56, right: 12, top: 28, bottom: 40 };
const SERIES = [
  { key: 'http', stat: 'p50', colour: '#1f77b4', dash: '', name: 'HTTP p50' },
  { key: 'http', stat: 'p99', colour: '#1f77b4', dash: '5 3', name: 'HTTP p99' },
  { key: 'assigned', stat: 'p50', colour: '#d62728', dash: '', name: 'submitted → assigned p50' },
  {
    key: 'assigned',
    stat: 'p99',
    colour: '#d62728',
    dash: '5 3',
    name: 'submitted → assigned p99',
  },
] as const;
const TICKS = [1, 10, 100, 1000, 10_000, 100_000];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(run: ChartRun, x0: number, y0: number, seconds: number, maxMs: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (s: number) => x0 + M.left + (s / Math.max(1, seconds)) * pw;
  const top = Math.log10(maxMs);
  const y = (ms: number) => y0 + M.top + ph - (Math.log10(Math.max(1, ms)) / top) * ph;
  const parts: string[] = [
    `<text x="${x0 + W / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(run.label)}</text>`,
    `<rect x="${x0 + M.left}" y="${y0 + M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  ];
  for (const t of TICKS.filter((t) => t <= maxMs)) {
    parts.push(
      `<line x1="${x0 + M.left}" x2="${x0 + M.left + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`,
      `<text x="${x0 + M.left - 4}" y="${y(t) + 4}" text-anchor="end">${t >= 1000 ? `${t / 1000} s` : `${t} ms`}</text>`,
    );
  }
  for (let s = 0; s <= seconds; s += seconds > 30 ? 10 : 5)
    parts.push(`<text x="${x(s)}" y="${y0 + H - M.bottom + 14}" text-anchor="middle">${s}</text>`);
  parts.push(
    `<text x="${x0 + M.left + pw / 2}" y="${y0 + H - 8}" text-anchor="middle">second of the run (by send / submission time)</text>`,
  );
  for (const s of SERIES) {
    const points = run[s.key]
      .filter((p) => p[s.stat] !== null && p.second <= seconds)
      .map((p) => `${x(p.second + 0.5).toFixed(1)},${y(p[s.stat]!).toFixed(1)}`);
    if (points.length)
      parts.push(
        `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" stroke-dasharray="${s.dash}" points="${points.join(' ')}"/>`,
      );
  }
  return parts.join('\n');
}

export function latencyChart(runs: ChartRun[], title: string): string {
  const columns = 2;
  const rows = Math.max(1, Math.ceil(runs.length / columns));
  const width = W * columns;
  const height = 60 + H * rows + 30;
  const all = runs
    .flatMap((r) => [...r.http, ...r.assigned])
    .flatMap((p) => [p.p50 ?? 1, p.p99 ?? 1]);
  const maxMs = TICKS.find((t) => t >= Math.max(100, ...all)) ?? 100_000;
  const seconds = Math.max(10, ...runs.flatMap((r) => r.http.map((p) => p.second + 1)));
  const legend = SERIES.map(
    (s, i) =>
      `<line x1="${20 + i * 200}" x2="${50 + i * 200}" y1="44" y2="44" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${s.dash}"/>` +
      `<text x="${56 + i * 200}" y="48">${esc(s.name)}</text>`,
  );
  const panels = runs.map((run, i) =>
    panel(run, (i % columns) * W, 56 + Math.floor(i / columns) * H, seconds, maxMs),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...legend,
    ...panels,
    `<text x="10" y="${height - 10}" fill="#666">Latency per second, log scale. HTTP from the scheduled send time; submitted → assigned from the databases' timestamps.</text>`,
    '</svg>',
    '',
  ].join('\n');
}
