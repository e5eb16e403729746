import { buildFigures } from './report-figures';
import { csvCell, HOST_COUNTRY_CSV_COLUMNS, hostCountryCsv } from './host-country-csv';
import type { HostCountryRow } from './dto/host-country-report.response';

function row(hostCountry: string, sums: [string, string][]): HostCountryRow {
  return {
    hostCountry,
    ...buildFigures(new Map(sums), {
      toAssignment: 7200,
      toFirstAction: null,
      toResolution: 172_800,
    }),
  };
}

describe('host-country CSV', () => {
  it('has a stable header: scalars, then every vocabulary value, then money', () => {
    const names = HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name);
    expect(names.slice(0, 15)).toEqual([
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
      'resolution_rate',
    ]);
    expect(names).toContain('status_awaiting_third_party');
    expect(names).toContain('category_illegal_recruitment_fees');
    expect(names).toContain('risk_debt_bondage');
    expect(names).toContain('outcome_referred_to_host_authority');
    expect(names.slice(-2)).toEqual(['amount_claimed', 'amount_recovered']);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(15 + 8 + 17 + 3 + 11 + 2 + 8 + 2);
  });

  it('writes one CRLF line per country, empty cells for unknown medians, money per currency', () => {
    const csv = hostCountryCsv([
      row('RU', [
        ['received', '3'],
        ['status:resolved', '1'],
        ['claimed:RUB', '1000.5'],
        ['claimed:EUR', '20'],
      ]),
      row('KZ', [['received', '1']]),
    ]);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
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

  it('quotes and defuses cells as spreadsheets need', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell(-1)).toBe('-1');
  });
});
