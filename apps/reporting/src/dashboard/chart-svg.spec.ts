import { Script, createContext, runInContext } from 'node:vm';
import {
  CHART_FUNCTIONS,
  escapeXml,
  groupedBarChartSvg,
  niceScaleMax,
  stackedBarChartSvg,
} from './chart-svg';
import { DASHBOARD_HTML, DASHBOARD_JS } from './dashboard.assets';

const series = [
  { key: 'open', label: 'Open', color: '#2b6cb0' },
  { key: 'done', label: 'Done', color: '#38a169' },
];

function values(svg: string, attribute: string): string[] {
  return [...svg.matchAll(new RegExp(`${attribute}="([^"]*)"`, 'g'))].map((m) => m[1]);
}

describe('SVG charts', () => {
  it('draw one stacked segment per non-zero value, carrying its number', () => {
    const svg = stackedBarChartSvg(
      [
        { label: 'RU', values: { open: 7, done: 3 } },
        { label: 'KZ', values: { open: 0, done: 2 } },
      ],
      series,
      { title: 'Cases', id: 'status' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect class="segment"/g)).toHaveLength(3);
    expect(values(svg, 'data-value')).toEqual(['7', '3', '2']);
    expect(values(svg, 'data-total')).toEqual(['10', '2']);
  });

  it('scale bars to a round axis maximum', () => {
    expect([0, 3, 5, 6, 12, 37, 101, 4999].map(niceScaleMax)).toEqual([
      5, 5, 5, 10, 20, 50, 200, 5000,
    ]);
    const svg = stackedBarChartSvg([{ label: 'RU', values: { open: 10 } }], series, {
      title: 't',
      id: 'c',
      height: 340,
    });
    // A bar of 10 on a 10 axis fills the plot height (340 - 36 - 40).
    expect(values(svg, 'height')).toContain('264');
  });

  it('escape every label, so data can never inject markup', () => {
    const svg = groupedBarChartSvg(
      [{ label: '<script>"x"</script>', values: { open: 1 } }],
      series,
      { title: 'a & b', id: 'm' },
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&quot;x&quot;&lt;/script&gt;');
    expect(svg).toContain('a &amp; b');
    expect(escapeXml(`'`)).toBe('&#39;');
  });

  it('say so when there is nothing to draw', () => {
    expect(stackedBarChartSvg([], series, { title: 't', id: 'e' })).toContain(
      'No cases for these filters',
    );
  });

  it('work on their own, as the page embeds them (no module scope)', () => {
    const context = createContext({});
    runInContext(CHART_FUNCTIONS.map((fn) => fn.toString()).join('\n'), context);
    const svg = runInContext(
      `groupedBarChartSvg([{ label: '2026-01', values: { open: 4, done: 1 } }], ${JSON.stringify(series)}, { title: 't', id: 'm' })`,
      context,
    ) as string;
    expect(values(svg, 'data-value')).toEqual(['4', '1']);
  });
});

describe('dashboard assets', () => {
  it('ship a script that parses as plain browser JavaScript', () => {
    expect(() => new Script(DASHBOARD_JS)).not.toThrow();
    expect(DASHBOARD_JS).not.toMatch(/require\(|exports\./);
  });

  it('load nothing from other hosts', () => {
    expect(DASHBOARD_HTML).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(DASHBOARD_JS).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});
