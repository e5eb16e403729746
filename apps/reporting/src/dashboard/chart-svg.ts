/**
 * Pure SVG chart builders for the dashboard, bundled into the page's script
 * (apps/reporting/web). They stay self-contained all the same (no imports, no module-level
 * constants, calling only the other functions listed in CHART_FUNCTIONS and built-ins), so that
 * any one of them also works on its own.
 * Every bar carries data-* attributes with its real number (for tests) and a <title> tooltip.
 */

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

export interface ChartGroup {
  label: string;
  values: Record<string, number>;
}

export interface ChartOptions {
  /** Accessible name of the chart. */
  title: string;
  /** Prefix of the ids inside the SVG (unique per page). */
  id: string;
  width?: number;
  height?: number;
}

export function escapeXml(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The top of a count axis: 1, 2 or 5 times a power of ten, at least 5 (whole-number ticks). */
export function niceScaleMax(max: number): number {
  if (!(max > 5)) return 5;
  const power = Math.pow(10, Math.floor(Math.log10(max)));
  const fraction = max / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** The plot area of a chart of the given size (margins leave room for legend and labels). */
export function plotArea(options: ChartOptions): {
  width: number;
  height: number;
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
} {
  const width = options.width ?? 760;
  const height = options.height ?? 340;
  const left = 52;
  const top = 36;
  return { width, height, left, top, plotWidth: width - left - 12, plotHeight: height - top - 40 };
}

/** The frame shared by the charts: title, y grid with 5 ticks, legend, x labels, then the bars. */
export function chartFrame(
  groups: ChartGroup[],
  series: ChartSeries[],
  yMax: number,
  options: ChartOptions,
  bars: string,
): string {
  const { width, height, left, top, plotWidth, plotHeight } = plotArea(options);
  const id = escapeXml(options.id);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const y = top + plotHeight - (plotHeight * i) / 5;
    const label = Math.round((yMax / 5) * i * 100) / 100;
    parts.push(
      `<line class="grid" x1="${left}" x2="${left + plotWidth}" y1="${y}" y2="${y}" stroke="#d9dde3" stroke-width="1"/>`,
      `<text class="tick" x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#4a5563">${label}</text>`,
    );
  }
  let legendX = left;
  for (const s of series) {
    parts.push(
      `<g class="legend-item" data-series="${escapeXml(s.key)}">` +
        `<rect x="${legendX}" y="8" width="12" height="12" fill="${escapeXml(s.color)}"/>` +
        `<text x="${legendX + 16}" y="18" font-size="12" fill="#1f2933">${escapeXml(s.label)}</text></g>`,
    );
    // Generous per-character width: the legend must never clip a label in a wider font.
    legendX += 28 + s.label.length * 7.5;
  }
  const slot = groups.length > 0 ? plotWidth / groups.length : plotWidth;
  const labelEvery = Math.max(
    1,
    Math.ceil(groups.length / Math.max(1, Math.floor(plotWidth / 44))),
  );
  groups.forEach((g, i) => {
    if (i % labelEvery !== 0) return;
    parts.push(
      `<text class="x-label" x="${left + slot * i + slot / 2}" y="${top + plotHeight + 18}" text-anchor="middle" font-size="12" fill="#1f2933">${escapeXml(g.label)}</text>`,
    );
  });
  if (groups.length === 0) {
    parts.push(
      `<text class="empty" x="${left + plotWidth / 2}" y="${top + plotHeight / 2}" text-anchor="middle" font-size="14" fill="#4a5563">No cases for these filters</text>`,
    );
  }
  parts.push(bars, '</svg>');
  return parts.join('');
}

/** One bar per group, stacked by series (e.g. host countries split by status). */
export function stackedBarChartSvg(
  groups: ChartGroup[],
  series: ChartSeries[],
  options: ChartOptions,
): string {
  const { left, top, plotWidth, plotHeight } = plotArea(options);
  const totals = groups.map((g) => series.reduce((sum, s) => sum + (g.values[s.key] || 0), 0));
  const yMax = niceScaleMax(Math.max(0, ...totals));
  const slot = groups.length > 0 ? plotWidth / groups.length : plotWidth;
  const barWidth = Math.min(56, slot * 0.7);
  const bars: string[] = [];
  groups.forEach((g, i) => {
    const x = left + slot * i + (slot - barWidth) / 2;
    const label = escapeXml(g.label);
    let y = top + plotHeight;
    bars.push(`<g class="bar" data-group="${label}" data-total="${totals[i]}">`);
    for (const s of series) {
      const value = g.values[s.key] || 0;
      if (value <= 0) continue;
      const h = (value / yMax) * plotHeight;
      y -= h;
      bars.push(
        `<rect class="segment" x="${x}" y="${y}" width="${barWidth}" height="${h}" fill="${escapeXml(s.color)}" ` +
          `data-group="${label}" data-series="${escapeXml(s.key)}" data-value="${value}">` +
          `<title>${escapeXml(`${g.label} – ${s.label}: ${value}`)}</title></rect>`,
      );
    }
    bars.push(
      `<text class="total" x="${x + barWidth / 2}" y="${y - 4}" text-anchor="middle" font-size="11" fill="#1f2933">${totals[i]}</text></g>`,
    );
  });
  return chartFrame(groups, series, yMax, options, bars.join(''));
}

/** Bars side by side per group (e.g. received and resolved per month). */
export function groupedBarChartSvg(
  groups: ChartGroup[],
  series: ChartSeries[],
  options: ChartOptions,
): string {
  const { left, top, plotWidth, plotHeight } = plotArea(options);
  let max = 0;
  for (const g of groups) for (const s of series) max = Math.max(max, g.values[s.key] || 0);
  const yMax = niceScaleMax(max);
  const slot = groups.length > 0 ? plotWidth / groups.length : plotWidth;
  const barWidth = Math.max(1, Math.min(24, (slot * 0.8) / Math.max(1, series.length)));
  const bars: string[] = [];
  groups.forEach((g, i) => {
    const start = left + slot * i + (slot - barWidth * series.length) / 2;
    const label = escapeXml(g.label);
    bars.push(`<g class="bar-group" data-group="${label}">`);
    series.forEach((s, j) => {
      const value = g.values[s.key] || 0;
      const h = (value / yMax) * plotHeight;
      bars.push(
        `<rect class="bar" x="${start + barWidth * j}" y="${top + plotHeight - h}" width="${barWidth}" height="${h}" ` +
          `fill="${escapeXml(s.color)}" data-group="${label}" data-series="${escapeXml(s.key)}" data-value="${value}">` +
          `<title>${escapeXml(`${g.label} – ${s.label}: ${value}`)}</title></rect>`,
      );
    });
    bars.push('</g>');
  });
  return chartFrame(groups, series, yMax, options, bars.join(''));
}

/** The chart functions, in dependency order: any one of them runs with only those before it. */
export const CHART_FUNCTIONS: readonly ((...args: never[]) => string | number | object)[] = [
  escapeXml,
  niceScaleMax,
  plotArea,
  chartFrame,
  stackedBarChartSvg,
  groupedBarChartSvg,
];
