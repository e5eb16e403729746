import { ALL_TIME, DAY_DIMS, FinestSums, ROLLUP_DAY, rollupDelta } from './rollup';

/** One metric's sum at a finest key (sums given more than once for a key add up). */
const entry = (metric: string, value: string, over: Partial<FinestSums> = {}): FinestSums => ({
  hostCountry: 'RU',
  day: '2024-03-14',
  category: 'unpaid_wages',
  consulateId: 'RU-MOW',
  hostCity: 'Moscow',
  sums: { [metric]: value },
  ...over,
});

describe('rollupDelta', () => {
  it('reaches the 16 projections of an entry and its 5 day rows, least shared rows first (the lock order)', () => {
    const rows = rollupDelta([entry('received', '1')]);
    expect(rows).toHaveLength(21);
    // Days before months before all time, fine projections before coarse: the rows every run
    // shares last. By day: the subsets without the category beside the city or the consulate.
    expect(DAY_DIMS).toEqual([0, 1, 2, 4, 6]);
    expect(rows.map((r) => [r.dims, r.month])).toEqual([
      ...[6, 4, 2, 1, 0].map((d) => [d | ROLLUP_DAY, '2024-03-14']),
      ...[7, 6, 5, 4, 3, 2, 1, 0].map((d) => [d, '2024-03-01']),
      ...[7, 6, 5, 4, 3, 2, 1, 0].map((d) => [d, ALL_TIME]),
    ]);
    expect(rows[0]).toMatchObject({
      dims: 6 | ROLLUP_DAY,
      category: '',
      consulateId: 'RU-MOW',
      hostCity: 'Moscow',
      counts: '{"received":1}',
    });
    expect(rows[20]).toEqual({
      dims: 0,
      category: '',
      consulateId: '',
      month: ALL_TIME,
      hostCountry: 'RU',
      hostCity: '',
      counts: '{"received":1}',
      durations: '{}',
    });
    expect(rows[5]).toMatchObject({
      dims: 7,
      category: 'unpaid_wages',
      consulateId: 'RU-MOW',
      hostCity: 'Moscow',
    });
  });

  it('orders rows of one projection by their key', () => {
    const rows = rollupDelta([
      entry('received', '1', { hostCountry: 'RU', category: 'unpaid_wages' }),
      entry('received', '1', { hostCountry: 'KZ', category: 'detention' }),
    ]).filter((r) => r.dims === 1 && r.month === ALL_TIME);
    expect(rows.map((r) => r.category)).toEqual(['detention', 'unpaid_wages']);
  });

  it('sums whole numbers exactly past the safe-integer range, and with decimals', () => {
    // 20 × 900,719,925,474,099 is about 2 × 2^53: a double would round it.
    const big = Array.from({ length: 20 }, () => entry('claimed:UZS', '900719925474099'));
    expect(rollupDelta(big)[0].counts).toBe('{"claimed:UZS":18014398509481980}');
    expect(rollupDelta([entry('claimed:UZS', '9007199254740993')])[0].counts).toBe(
      '{"claimed:UZS":9007199254740993}',
    );
    const mixed = rollupDelta([
      entry('claimed:EUR', '1'),
      entry('claimed:EUR', '0.5'),
      entry('received', '-0'),
    ]);
    expect(mixed[0].counts).toBe('{"claimed:EUR":1.5}');
    expect(rollupDelta([entry('received', '-0')])).toEqual([]);
  });

  it('sums money exactly, keeps the larger scale, drops zero sums and empty rows', () => {
    const rows = rollupDelta([
      entry('claimed:EUR', '0.10'),
      entry('claimed:EUR', '0.20'),
      entry('claimed:USD', '12345678901234567890.05'),
      entry('claimed:USD', '1'),
      entry('received', '1'),
      entry('received', '-1'),
      entry('duration:to_assignment:12', '1'),
      entry('assigned', '-1', { hostCountry: 'KZ' }),
      entry('assigned', '1', { hostCountry: 'KZ' }),
    ]);
    expect(rows).toHaveLength(21);
    expect(rows[0].counts).toBe('{"claimed:EUR":0.30,"claimed:USD":12345678901234567891.05}');
    expect(rows[0].durations).toBe('{"duration:to_assignment:12":1}');
    expect(rollupDelta([entry('claimed:EUR', '-0.05')])[0].counts).toBe('{"claimed:EUR":-0.05}');
  });

  it('stays exact past the safe integers, and with mixed scales', () => {
    const [row] = rollupDelta([
      entry('claimed:EUR', '90071992547409.91'),
      entry('claimed:EUR', '0.02'),
      entry('claimed:EUR', '0.001'),
      entry('received', '900719925474099'),
      entry('received', '900719925474099'),
      entry('received', '8000000000000000'),
    ]);
    expect(row.counts).toBe('{"claimed:EUR":90071992547409.931,"received":9801439850948198}');
  });

  it('sums finest keys into the projections that drop their differences, metrics packed apart', () => {
    const rows = rollupDelta([
      entry('received', '1', {
        sums: { received: '1', 'claimed:EUR': '0.10', 'duration:to_resolution:40': '1' },
      }),
      entry('received', '1', {
        hostCity: 'Kazan',
        sums: { received: '1', 'claimed:EUR': '0.25', 'duration:to_resolution:41': '1' },
      }),
      entry('received', '1', { day: '2024-04-02', sums: { received: '1' } }),
    ]);
    const row = (dims: number, month: string, hostCity = '') =>
      rows.find((r) => r.dims === dims && r.month === month && r.hostCity === hostCity);
    expect(row(0, ALL_TIME)).toMatchObject({
      counts: '{"received":3,"claimed:EUR":0.35}',
      durations: '{"duration:to_resolution:40":1,"duration:to_resolution:41":1}',
    });
    expect(row(3, '2024-03-01')).toMatchObject({
      category: 'unpaid_wages',
      consulateId: 'RU-MOW',
      counts: '{"received":2,"claimed:EUR":0.35}',
    });
    expect(row(3, '2024-04-01')).toMatchObject({ counts: '{"received":1}', durations: '{}' });
    expect(row(4, ALL_TIME, 'Kazan')).toMatchObject({
      category: '',
      consulateId: '',
      counts: '{"received":1,"claimed:EUR":0.25}',
      durations: '{"duration:to_resolution:41":1}',
    });
    // Moscow and Kazan in March and Moscow in April, each in 8 projections; all time: 8 + 4;
    // by day, the same in 5 projections: 5 + 2 on 14 March (projections 4 and 6 keep the city),
    // 5 on 2 April.
    const months = rows.filter((r) => r.dims < ROLLUP_DAY && r.month !== ALL_TIME);
    expect(months).toHaveLength(8 + 4 + 8);
    expect(rows.filter((r) => r.month === ALL_TIME)).toHaveLength(8 + 4);
    expect(rows.filter((r) => r.dims >= ROLLUP_DAY && r.month === '2024-03-14')).toHaveLength(
      5 + 2,
    );
    expect(rows.filter((r) => r.dims >= ROLLUP_DAY && r.month === '2024-04-02')).toHaveLength(5);
    expect(rows).toHaveLength(20 + 12 + 12);
  });

  it('sums the days of a month into its month rows, and keeps each day apart in the day rows', () => {
    const rows = rollupDelta([
      entry('received', '1', { day: '2024-03-01' }),
      entry('received', '2', { day: '2024-03-31' }),
      entry('received', '-2', { day: '2024-03-31', category: 'detention' }),
      entry('received', '2', { day: '2024-03-31', category: 'detention' }),
    ]);
    const at = (dims: number, month: string) =>
      rows.filter((r) => r.dims === dims && r.month === month).map((r) => r.counts);
    expect(at(0, '2024-03-01')).toEqual(['{"received":3}']);
    expect(at(0, ALL_TIME)).toEqual(['{"received":3}']);
    expect(at(ROLLUP_DAY, '2024-03-01')).toEqual(['{"received":1}']);
    expect(at(ROLLUP_DAY, '2024-03-31')).toEqual(['{"received":2}']);
    // The detention entries cancel out: no row of that category anywhere.
    expect(rows.filter((r) => r.category === 'detention')).toEqual([]);
    // The subsets not kept by day have no day rows (the buckets answer for them).
    for (const dims of [3, 5, 7]) {
      expect(rows.filter((r) => r.dims === (dims | ROLLUP_DAY))).toEqual([]);
    }
  });

  it('refuses a value that is not a decimal', () => {
    expect(() => rollupDelta([entry('received', '1e3')])).toThrow(/not a decimal/);
  });
});
