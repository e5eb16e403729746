import { buildFigures } from './report-figures';
import { csvCell, HOST_COUNTRY_CSV_COLUMNS, hostCountryCsv } from './host-country-csv';
import type { ReportFigures } from './dto/host-country-report.response';
import type { ExportRow, HostCountryExport } from './host-country-columns';

function row(hostCountry: string, sums: [string, string][]): ExportRow {
  return {
    hostCountry,
    ...buildFigures(new Map(sums)),
    medianHoursToAssignment: 2,
    medianHoursToFirstAction: null,
    medianDaysToResolution: 2,
  };
}

function totals(sums: [string, string][]): ReportFigures {
  return {
    ...buildFigures(new Map(sums)),
    medianHoursToAssignment: 1,
    medianHoursToFirstAction: 1.5,
    medianDaysToResolution: 1,
  };
}

function report(rows: ExportRow[], overrides: Partial<HostCountryExport> = {}) {
  return {
    asOf: '2026-03-01T10:15:00.000Z',
    lagSeconds: 0,
    filters: { from: null, to: null, category: null, consulateId: null },
    rows,
    totals: totals([
      ['received', '4'],
      ['status:resolved', '1'],
      ['claimed:RUB', '1000.5'],
      ['claimed:EUR', '20'],
    ]),
    ...overrides,
  };
}

/** Splits a CSV without quoted cells (none of these tests has any) into cells by column name. */
function parsed(csv: string): { header: string[]; lines: Record<string, string>[] } {
  const [header, ...rest] = csv
    .split('\r\n')
    .slice(0, -1)
    .map((l) => l.split(','));
  return {
    header,
    lines: rest.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]]))),
  };
}

describe('host-country CSV', () => {
  it('has a stable header: scalars, then every vocabulary value, then money', () => {
    const names = HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name);
    expect(names.slice(0, 18)).toEqual([
      'host_country',
      'received',
      'open',
      'in_progress',
      'awaiting_third_party',
      'resolved',
      'closed',
      'withdrawn',
      'rejected',
      'assigned',
      'sla_breaches',
      'median_hours_to_assignment',
      'median_hours_to_first_action',
      'median_days_to_resolution',
      'p90_hours_to_assignment',
      'p90_hours_to_first_action',
      'p90_days_to_resolution',
      'resolution_rate',
    ]);
    expect(names).toContain('status_awaiting_third_party');
    expect(names).toContain('category_illegal_recruitment_fees');
    expect(names).toContain('risk_debt_bondage');
    expect(names).toContain('outcome_referred_to_host_authority');
    expect(names.slice(-2)).toEqual(['amount_claimed', 'amount_recovered']);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(18 + 8 + 17 + 3 + 11 + 2 + 8 + 2);
  });

  it('writes one CRLF line per country, empty cells for unknown medians, money per currency', () => {
    const csv = hostCountryCsv(
      report([
        row('RU', [
          ['received', '3'],
          ['status:resolved', '1'],
          ['claimed:RUB', '1000.5'],
          ['claimed:EUR', '20'],
        ]),
        row('KZ', [['received', '1']]),
      ]),
    );
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    const header = lines[0].split(',');
    const ru = lines[1].split(',');
    const cell = (name: string) => ru[header.indexOf(name)];
    expect(cell('host_country')).toBe('RU');
    expect(cell('received')).toBe('3');
    expect(cell('median_hours_to_assignment')).toBe('2');
    expect(cell('median_hours_to_first_action')).toBe('');
    expect(cell('median_days_to_resolution')).toBe('2');
    expect(cell('resolution_rate')).toBe('0.3333');
    expect(cell('amount_claimed')).toBe('EUR 20.00; RUB 1000.50');
    expect(cell('amount_recovered')).toBe('');
    expect(lines[2].startsWith('KZ,1,')).toBe(true);
  });

  it('ends with a TOTAL line carrying the report totals in the same columns', () => {
    const given = report([row('RU', [['received', '3']]), row('KZ', [['received', '1']])]);
    const { header, lines } = parsed(hostCountryCsv(given));
    expect(lines.map((l) => l.host_country)).toEqual(['RU', 'KZ', 'TOTAL']);
    const total = lines[2];
    const { lines: alone } = parsed(
      hostCountryCsv(report([{ hostCountry: 'TOTAL', ...given.totals }])),
    );
    // The TOTAL line is exactly what a row holding the totals would be.
    expect(total).toEqual(alone[0]);
    expect(total.received).toBe('4');
    expect(total.resolved).toBe('1');
    expect(total.resolution_rate).toBe('0.25');
    expect(total.median_hours_to_assignment).toBe('1');
    expect(total.median_hours_to_first_action).toBe('1.5');
    expect(total.median_days_to_resolution).toBe('1');
    expect(total.amount_claimed).toBe('EUR 20.00; RUB 1000.50');
    expect(header).toHaveLength(HOST_COUNTRY_CSV_COLUMNS.length + 2);
  });

  it('writes the freshness as the last two columns of every line, empty while unknown', () => {
    const fresh = parsed(hostCountryCsv(report([row('RU', [['received', '3']])])));
    expect(fresh.header.slice(0, -2)).toEqual(HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name));
    expect(fresh.header.slice(-2)).toEqual(['as_of', 'lag_seconds']);
    for (const line of fresh.lines) {
      expect([line.as_of, line.lag_seconds]).toEqual(['2026-03-01T10:15:00.000Z', '0']);
    }
    const unknown = parsed(
      hostCountryCsv(report([row('RU', [['received', '3']])], { asOf: null, lagSeconds: null })),
    );
    for (const line of unknown.lines) expect([line.as_of, line.lag_seconds]).toEqual(['', '']);
    const behind = parsed(hostCountryCsv(report([], { lagSeconds: 42 })));
    expect(behind.lines).toEqual([expect.objectContaining({ host_country: 'TOTAL' })]);
    expect(behind.lines[0].lag_seconds).toBe('42');
  });

  it('keeps every line as wide as the header (RFC 4180)', () => {
    const csv = hostCountryCsv(report([row('RU', [['received', '3']]), row('KZ', [])]));
    const widths = csv
      .split('\r\n')
      .slice(0, -1)
      .map((l) => l.split(',').length);
    expect(new Set(widths)).toEqual(new Set([HOST_COUNTRY_CSV_COLUMNS.length + 2]));
  });

  it('quotes and defuses cells as spreadsheets need', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell(-1)).toBe('-1');
  });

  it('writes a suppressed figure as an empty cell and a suppressed amount as CUR suppressed', () => {
    const ru = row('RU', [
      ['received', '12'],
      ['claimed:RUB', '100'],
      ['claimed:EUR', '20'],
    ]);
    const suppressed = {
      ...ru,
      open: null,
      byStatus: { ...ru.byStatus, submitted: null },
      amountClaimed: { EUR: null, RUB: 100 },
    };
    const { lines } = parsed(hostCountryCsv(report([suppressed])));
    expect(lines[0]).toMatchObject({
      received: '12',
      open: '',
      status_submitted: '',
      amount_claimed: 'EUR suppressed; RUB 100.00',
    });
  });
});
