/**
 * Test support: checks a published host-country report for small cells the way an intruder
 * would attack it, independently of how the service suppresses them. From the published JSON
 * alone it lists every linear equation the figures satisfy ("these cells add up to that shown
 * figure": within a row, down a column of rows to the totals, months to the total) and reports
 * (1) any shown count between 1 and k − 1, (2) any equation with exactly one suppressed cell
 * (it could be computed), (3) any equation whose suppressed cells together hold 1..k − 1 cases.
 */
import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  OPEN_CASE_STATUSES,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
  SLA_STAGES,
} from '@casebridge/contracts';

type Value = number | null;
type Figures = Record<string, unknown>;
type Flat = Map<string, Value>;

interface Equation {
  label: string;
  total: Value;
  parts: Value[];
}

const asMap = (value: unknown) => (value ?? {}) as Record<string, Value>;

/** A figures object as named counts (and sums of money). */
function flatten(figures: object): Flat {
  const f = figures as Figures;
  const flat: Flat = new Map();
  for (const key of ['received', 'open', 'assigned', 'slaBreaches']) flat.set(key, f[key] as Value);
  const maps: [string, string, readonly string[] | null][] = [
    ['status', 'byStatus', CASE_STATUSES],
    ['category', 'byCategory', CASE_CATEGORIES],
    ['priority', 'byPriority', PRIORITIES],
    ['risk', 'riskIndicators', RISK_INDICATORS],
    ['sla', 'slaBreachesByStage', SLA_STAGES],
    ['outcome', 'outcomes', OUTCOME_TYPES],
    ['claimed', 'amountClaimed', null],
    ['claimedCases', 'amountClaimedCases', null],
    ['recovered', 'amountRecovered', null],
    ['recoveredCases', 'amountRecoveredCases', null],
  ];
  for (const [prefix, field, keys] of maps) {
    const m = asMap(f[field]);
    for (const key of keys ?? Object.keys(m)) flat.set(`${prefix}:${key}`, key in m ? m[key] : 0);
  }
  const rate = f.resolutionRate as Value;
  const received = f.received as Value;
  flat.set('finished', rate === null || received === null ? null : Math.round(rate * received));
  return flat;
}

const COUNT_KEYS = (flat: Flat) =>
  [...flat.keys()].filter((k) => !k.startsWith('claimed:') && !k.startsWith('recovered:'));

function rowEquations(flat: Flat, where: string): Equation[] {
  const get = (k: string): Value => (flat.has(k) ? flat.get(k)! : 0);
  const group = (prefix: string) =>
    [...flat.keys()].filter((k) => k.startsWith(`${prefix}:`)).map(get);
  const received = get('received');
  const open = get('open');
  const notOpen = received === null || open === null ? null : received - open;
  const equations: Equation[] = [
    { label: 'received = Σ byStatus', total: received, parts: group('status') },
    { label: 'received = Σ byCategory', total: received, parts: group('category') },
    { label: 'received = Σ byPriority', total: received, parts: group('priority') },
    {
      label: 'open = Σ open statuses',
      total: open,
      parts: OPEN_CASE_STATUSES.map((s) => get(`status:${s}`)),
    },
    {
      label: 'received − open = Σ other statuses',
      total: notOpen,
      parts: CASE_STATUSES.filter((s) => !OPEN_CASE_STATUSES.includes(s)).map((s) =>
        get(`status:${s}`),
      ),
    },
    { label: 'slaBreaches = Σ stages', total: get('slaBreaches'), parts: group('sla') },
    {
      label: 'resolutionRate × received = resolved + closed',
      total: get('finished'),
      parts: [get('status:resolved'), get('status:closed')],
    },
    { label: 'resolved + closed = Σ outcomes', total: get('finished'), parts: group('outcome') },
  ];
  // Cases with and without a property: received = with + without (without is never published).
  for (const key of [
    'assigned',
    ...[...flat.keys()].filter((k) => /^(risk|claimedCases|recoveredCases):/.test(k)),
  ]) {
    equations.push({
      label: `received = ${key} + without`,
      total: received,
      parts: [get(key), null],
    });
  }
  return equations.map((e) => ({ ...e, label: `${where}: ${e.label}` }));
}

function columnEquations(margin: Flat, rows: Flat[], where: string): Equation[] {
  const keys = new Set([...margin.keys(), ...rows.flatMap((r) => [...r.keys()])]);
  keys.delete('finished');
  return [...keys].map((key) => ({
    label: `${where}: ${key} = Σ rows`,
    total: margin.has(key) ? margin.get(key)! : 0,
    parts: rows.map((r) => (r.has(key) ? r.get(key)! : 0)),
  }));
}

/**
 * Months add up to the answer's received; resolved months, without a date filter, to its
 * resolved + closed (with one, to a figure no answer shows).
 */
function monthlyEquations(
  monthly: unknown,
  margin: Flat,
  dated: boolean,
  where: string,
): Equation[] {
  const points = (monthly ?? []) as { received: Value; resolved: Value }[];
  const equations: Equation[] = [
    {
      label: `${where}: received = Σ months`,
      total: margin.get('received') ?? null,
      parts: points.map((p) => p.received),
    },
  ];
  if (!dated)
    equations.push({
      label: `${where}: resolved + closed = Σ resolved months`,
      total: margin.get('finished') ?? null,
      parts: points.map((p) => p.resolved),
    });
  return equations;
}

const dated = (report: { filters?: unknown }) => {
  const filters = (report.filters ?? {}) as { from?: unknown; to?: unknown };
  return Boolean(filters.from ?? filters.to);
};

function violations(
  equations: Equation[],
  counts: [string, Value][],
  minCellSize: number,
): string[] {
  const small = (v: number) => v >= 1 && v < minCellSize;
  const found: string[] = [];
  for (const [label, value] of counts)
    if (value !== null && small(value)) found.push(`${label} shows ${value}`);
  for (const { label, total, parts } of equations) {
    const hidden = parts.filter((p) => p === null).length;
    if (total === null || hidden === 0) continue;
    const shown = parts.reduce<number>((s, p) => s + (p ?? 0), 0);
    const withoutCell = label.includes(' + without');
    if (hidden === 1 && !withoutCell)
      found.push(`${label}: exactly one suppressed cell, = ${total - shown}`);
    if (hidden === 1 && withoutCell && small(total - shown))
      found.push(`${label}: the cases without it are ${total - shown}`);
    const money = /: (claimed|recovered):/.test(label);
    if (hidden >= 2 && !money && small(total - shown))
      found.push(`${label}: the suppressed cells hold ${total - shown} cases together`);
  }
  return found;
}

function countsOf(flat: Flat, where: string): [string, Value][] {
  return COUNT_KEYS(flat)
    .filter((k) => k !== 'finished')
    .map((k) => [`${where} ${k}`, flat.get(k) ?? null]);
}

/** Money: an amount is shown only with the count of its cases, at least k. */
function moneyViolations(flat: Flat, where: string, minCellSize: number): string[] {
  const found: string[] = [];
  for (const [key, amount] of flat) {
    const money = /^(claimed|recovered):(.+)$/.exec(key);
    if (!money || amount === null) continue;
    const cases = flat.get(`${money[1]}Cases:${money[2]}`);
    if (cases === undefined || cases === null || cases < minCellSize)
      found.push(`${where} ${key} shown with ${String(cases)} cases`);
  }
  return found;
}

/** What an intruder could work out of a published host-country list; [] when nothing. */
export function disclosuresInList(
  report: { rows: readonly object[]; totals: object; monthly: unknown; filters?: unknown },
  minCellSize: number,
): string[] {
  const totals = flatten(report.totals);
  const rows = report.rows.map(flatten);
  const label = (r: object) => String((r as Figures).hostCountry);
  const equations = [
    ...rowEquations(totals, 'totals'),
    ...rows.flatMap((r, i) => rowEquations(r, label(report.rows[i]))),
    ...columnEquations(totals, rows, 'rows'),
    ...monthlyEquations(report.monthly, totals, dated(report), 'monthly'),
  ];
  const counts = [
    ...countsOf(totals, 'totals'),
    ...rows.flatMap((r, i) => countsOf(r, label(report.rows[i]))),
    ...((report.monthly ?? []) as { month: string; received: Value; resolved: Value }[]).flatMap(
      (p): [string, Value][] => [
        [`${p.month} received`, p.received],
        [`${p.month} resolved`, p.resolved],
      ],
    ),
  ];
  return [
    ...violations(equations, counts, minCellSize),
    ...moneyViolations(totals, 'totals', minCellSize),
    ...rows.flatMap((r, i) => moneyViolations(r, label(report.rows[i]), minCellSize)),
  ];
}

/** What an intruder could work out of a published host-country detail; [] when nothing. */
export function disclosuresInDetail(
  detail: {
    country: object;
    byCity: readonly object[];
    byConsulate: readonly object[];
    monthly: unknown;
    filters?: unknown;
  },
  minCellSize: number,
): string[] {
  const country = flatten(detail.country);
  const cities = detail.byCity.map(flatten);
  const consulates = detail.byConsulate.map(flatten);
  const cityLabel = (i: number) => `city ${String((detail.byCity[i] as Figures).hostCity)}`;
  const consulateLabel = (i: number) =>
    `consulate ${String((detail.byConsulate[i] as Figures).consulateId)}`;
  const equations = [
    ...rowEquations(country, 'country'),
    ...cities.flatMap((r, i) => rowEquations(r, cityLabel(i))),
    ...consulates.flatMap((r, i) => rowEquations(r, consulateLabel(i))),
    ...columnEquations(country, cities, 'cities'),
    ...columnEquations(country, consulates, 'consulates'),
    ...monthlyEquations(detail.monthly, country, dated(detail), 'monthly'),
  ];
  const counts = [
    ...countsOf(country, 'country'),
    ...cities.flatMap((r, i) => countsOf(r, cityLabel(i))),
    ...consulates.flatMap((r, i) => countsOf(r, consulateLabel(i))),
    ...((detail.monthly ?? []) as { month: string; received: Value; resolved: Value }[]).flatMap(
      (p): [string, Value][] => [
        [`${p.month} received`, p.received],
        [`${p.month} resolved`, p.resolved],
      ],
    ),
  ];
  return [
    ...violations(equations, counts, minCellSize),
    ...moneyViolations(country, 'country', minCellSize),
    ...cities.flatMap((r, i) => moneyViolations(r, cityLabel(i), minCellSize)),
    ...consulates.flatMap((r, i) => moneyViolations(r, consulateLabel(i), minCellSize)),
  ];
}
