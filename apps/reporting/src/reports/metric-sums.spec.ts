import { MetricSums, PackedRow } from './metric-sums';

/** A packed `counts` map's text (leaving out `skip`) or `durations` map's text, parsed and added. */
const addCounts = (sums: MetricSums, text: string, skip?: string) =>
  sums.addRow(PackedRow.parse(text, null, skip));
const addBins = (sums: MetricSums, text: string) => sums.addRow(PackedRow.parse(null, text));

const histogram = (
  sums: MetricSums,
  measure: 'to_assignment' | 'to_first_action' | 'to_resolution',
) => [...sums.histograms()[measure]];

describe('MetricSums', () => {
  it('sums packed maps as PostgreSQL sums their members: exact decimals, the larger scale', () => {
    const sums = new MetricSums();
    addCounts(
      sums,
      '{"received": 2, "resolved": 1, "claimed:EUR": 0.10, "claimed:UZS": 5}',
      'resolved',
    );
    addCounts(sums, '{"received": 3, "claimed:EUR": 0.20, "claimed:UZS": 900719925474099.5}');
    sums.add('received', '1');
    sums.add('claimed:EUR', '-0.30');
    expect(sums.sums()).toEqual(
      new Map([
        ['received', '6'],
        ['claimed:EUR', '0.00'],
        ['claimed:UZS', '900719925474104.5'],
      ]),
    );
  });

  it('sums the bins of packed duration maps per measure, from rows and from bucket members', () => {
    const sums = new MetricSums();
    addBins(sums, '{"duration:to_assignment:12": 4, "duration:to_resolution:40": 1}');
    addBins(sums, '{"duration:to_assignment:0": 1, "duration:to_assignment:12": 6}');
    addBins(sums, '{}');
    sums.add('duration:to_first_action:3', '2');
    // Not in jsonb's own form (no spaces, a negative count): read member by member.
    addBins(sums, '{"duration:to_assignment:12":-1}');
    expect(histogram(sums, 'to_assignment')).toEqual([
      [0, 1],
      [12, 9],
    ]);
    expect(histogram(sums, 'to_first_action')).toEqual([[3, 2]]);
    expect(histogram(sums, 'to_resolution')).toEqual([[40, 1]]);
    expect(sums.sums()).toEqual(new Map());
    const total = new MetricSums();
    total.addAll(sums);
    total.addAll(sums);
    expect(histogram(total, 'to_assignment')).toEqual([
      [0, 2],
      [12, 18],
    ]);
  });

  it('stays exact past 2^53 and across groups', () => {
    const a = new MetricSums();
    for (let i = 0; i < 20; i++) addCounts(a, '{"received": 900719925474099}');
    const total = new MetricSums();
    total.addAll(a);
    total.addAll(a);
    expect(a.sums().get('received')).toBe('18014398509481980');
    expect(total.sums().get('received')).toBe('36028797018963960');
    // A bin never counts that many cases: refused rather than rounded.
    addBins(a, '{"duration:to_assignment:1": 9007199254740991}');
    expect(() => addBins(a, '{"duration:to_assignment:1": 1}')).toThrow(/past 2\^53/);
  });

  it('reads escaped keys, and refuses what is not a packed map of decimals or bin counts', () => {
    const sums = new MetricSums();
    addCounts(sums, '{}');
    addCounts(sums, '{"a\\"b": 1}');
    expect(sums.sums()).toEqual(new Map([['a"b', '1']]));
    expect(() => addCounts(sums, '{"received": "1"}')).toThrow(/not a decimal/);
    expect(() => addCounts(sums, '{"claimed:EUR": 1.5e-3}')).toThrow(/not a decimal/);
    expect(() => addCounts(sums, '[1, 2]')).toThrow(/not a packed map/);
    expect(() => addBins(sums, '{"duration:to_assignment:1": 1.5}')).toThrow(/not a duration bin/);
    expect(() => addBins(sums, '{"duration:elsewhere:1": 1}')).toThrow(/not a duration bin/);
  });

  it('adds a parsed row again and again without changing it, as its texts would add', () => {
    const counts = '{"received": 2, "resolved": 1, "claimed:EUR": 0.10}';
    const durations = '{"duration:to_assignment:3": 2, "duration:to_resolution:7": 1}';
    const row = PackedRow.parse(counts, durations, 'resolved');
    const fromRow = new MetricSums();
    const fromText = new MetricSums();
    for (let i = 0; i < 3; i++) {
      fromRow.addRow(row);
      addCounts(fromText, counts, 'resolved');
      addBins(fromText, durations);
    }
    expect(fromRow.sums()).toEqual(
      new Map([
        ['received', '6'],
        ['claimed:EUR', '0.30'],
      ]),
    );
    expect(fromRow.sums()).toEqual(fromText.sums());
    expect(fromRow.histograms()).toEqual(fromText.histograms());
    // The row's own values are untouched by the sums it was added to.
    expect(row.values).toEqual([
      { digits: 2, scale: 0 },
      { digits: 10n, scale: 2 },
    ]);
    expect([...row.bins]).toEqual([0, 3, 2, 2, 7, 1]);
    expect(row.bytes).toBeGreaterThan(row.bins.byteLength);
    const empty = PackedRow.parse(null, null);
    expect(empty.metrics).toEqual([]);
    expect(empty.bins.length).toBe(0);
  });
});
