import { durationBin } from '../read-model/durations';
import { buildFigures, monthlySeries } from './report-figures';

describe('report figures', () => {
  const sums = new Map([
    ['received', '10'],
    ['status:submitted', '1'],
    ['status:assigned', '2'],
    ['status:in_progress', '3'],
    ['status:awaiting_third_party', '1'],
    ['status:resolved', '1'],
    ['status:closed', '1'],
    ['status:rejected', '1'],
    ['assigned', '9'],
    ['category:unpaid_wages', '7'],
    ['category:trafficking', '3'],
    ['priority:urgent', '3'],
    ['priority:normal', '7'],
    ['risk:deception', '4'],
    ['sla_breaches:acceptance', '2'],
    ['sla_breaches:resolution', '1'],
    ['outcome:wages_recovered', '2'],
    ['claimed:RUB', '12000.50'],
    ['claimed:EUR', '300.00'],
    ['recovered:RUB', '4000.25'],
  ]);

  it('derive open, the named statuses and the rate from the status counts', () => {
    const figures = buildFigures(sums);
    expect(figures).toMatchObject({
      received: 10,
      open: 7,
      inProgress: 3,
      awaitingThirdParty: 1,
      resolved: 1,
      closed: 1,
      withdrawn: 0,
      rejected: 1,
      assigned: 9,
      slaBreaches: 3,
      slaBreachesByStage: { acceptance: 2, resolution: 1 },
      resolutionRate: 0.2,
      amountClaimed: { EUR: 300, RUB: 12000.5 },
      amountRecovered: { RUB: 4000.25 },
    });
  });

  it('list every category, priority, indicator and outcome, zeros included', () => {
    const figures = buildFigures(sums);
    expect(Object.keys(figures.byCategory)).toHaveLength(17);
    expect(figures.byCategory.unpaid_wages).toBe(7);
    expect(figures.byCategory.other).toBe(0);
    expect(figures.byPriority).toEqual({ urgent: 3, high: 0, normal: 7 });
    expect(Object.keys(figures.riskIndicators)).toHaveLength(11);
    expect(figures.outcomes.wages_recovered).toBe(2);
    expect(figures.outcomes.no_resolution).toBe(0);
  });

  it('estimate medians and p90 from the duration bins, in hours and days with two decimals', () => {
    const bins = (measure: string, seconds: number[]) =>
      seconds.map((s): [string, string] => [`duration:${measure}:${durationBin(s)}`, '1']);
    const figures = buildFigures(
      new Map([
        ...sums,
        ...bins('to_assignment', [5400]),
        ...bins('to_first_action', [100_000]),
        ...bins('to_resolution', [1_000_000]),
      ]),
    );
    // One case each: the estimate is its bin's midpoint, within 2.5 % of the duration.
    expect(figures.medianHoursToAssignment).toBeCloseTo(1.5, 0);
    expect(Math.abs((figures.medianHoursToAssignment ?? 0) / 1.5 - 1)).toBeLessThan(0.025);
    expect(Math.abs((figures.medianHoursToFirstAction ?? 0) / 27.78 - 1)).toBeLessThan(0.025);
    expect(Math.abs((figures.medianDaysToResolution ?? 0) / 11.57 - 1)).toBeLessThan(0.025);
    expect(figures.p90HoursToAssignment).toBe(figures.medianHoursToAssignment);
    expect(Number.isInteger((figures.medianDaysToResolution ?? 0) * 100)).toBe(true);
  });

  it('take the p90 from the upper tail', () => {
    const many = new Map<string, string>();
    for (let hour = 1; hour <= 10; hour++) {
      const key = `duration:to_assignment:${durationBin(hour * 3600)}`;
      many.set(key, String(Number(many.get(key) ?? 0) + 1));
    }
    const figures = buildFigures(many);
    // Exact: median 5.5 h, p90 9.1 h (percentile_cont).
    expect(Math.abs((figures.medianHoursToAssignment ?? 0) / 5.5 - 1)).toBeLessThan(0.025);
    expect(Math.abs((figures.p90HoursToAssignment ?? 0) / 9.1 - 1)).toBeLessThan(0.025);
  });

  it('give null rates and medians for an empty set', () => {
    const figures = buildFigures(new Map());
    expect(figures).toMatchObject({
      received: 0,
      resolutionRate: null,
      medianHoursToAssignment: null,
      p90DaysToResolution: null,
      amountClaimed: {},
    });
  });
});

describe('monthly series', () => {
  const received = new Map([
    ['2026-01', 4],
    ['2026-03', 2],
  ]);
  const resolved = new Map([['2026-04', 1]]);

  it('span the months with data, zeros in the gaps', () => {
    expect(monthlySeries(null, null, received, resolved)).toEqual([
      { month: '2026-01', received: 4, resolved: 0 },
      { month: '2026-02', received: 0, resolved: 0 },
      { month: '2026-03', received: 2, resolved: 0 },
      { month: '2026-04', received: 0, resolved: 1 },
    ]);
  });

  it('span the filter where it is given, across a year end', () => {
    expect(
      monthlySeries('2025-11-15', '2026-01-31', received, new Map()).map((p) => p.month),
    ).toEqual(['2025-11', '2025-12', '2026-01']);
  });

  it('are empty without data and without bounds', () => {
    expect(monthlySeries(null, null, new Map(), new Map())).toEqual([]);
    expect(monthlySeries('2026-01-01', null, new Map(), new Map())).toEqual([]);
  });

  it('cut an absurdly long range to the months that hold data', () => {
    const series = monthlySeries('1900-01-01', '2100-12-31', received, resolved);
    expect(series[0].month).toBe('2026-01');
    expect(series.at(-1)?.month).toBe('2026-04');
  });
});
