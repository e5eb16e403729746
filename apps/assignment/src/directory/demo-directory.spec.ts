import {
  caseAssignedV1Schema,
  cityKey,
  COUNTRY_CODES,
  LANGUAGES,
  OTHER_CITY,
  reportedCity,
} from '@casebridge/contracts';
import { chooseOffice, HQ_CONSULATE_ID } from '../assignments/routing';
import { DEMO_DIRECTORY } from './demo-directory';
import { seedDemoDirectory, SqlRunner } from './seed-directory';

const offices = DEMO_DIRECTORY.map((c) => ({ ...c, active: true }));
const caseworkers = DEMO_DIRECTORY.flatMap((c) => c.caseworkers);

describe('demo directory', () => {
  it('has ids the case.assigned contract accepts', () => {
    const consulateId = new RegExp(caseAssignedV1Schema.properties.consulateId.pattern);
    const caseworkerId = new RegExp(
      caseAssignedV1Schema.properties.previous.oneOf[0].properties.caseworkerId.oneOf[0].pattern,
    );
    for (const c of DEMO_DIRECTORY) expect(c.id).toMatch(consulateId);
    for (const w of caseworkers) expect(w.id).toMatch(caseworkerId);
  });

  it('names every id once', () => {
    expect(new Set(DEMO_DIRECTORY.map((c) => c.id)).size).toBe(DEMO_DIRECTORY.length);
    expect(new Set(caseworkers.map((w) => w.id)).size).toBe(caseworkers.length);
  });

  it('includes the HQ desk and the offices SPEC.md names', () => {
    const countries = new Set(DEMO_DIRECTORY.map((c) => c.hostCountry));
    expect(DEMO_DIRECTORY.some((c) => c.id === HQ_CONSULATE_ID)).toBe(true);
    for (const country of ['RU', 'KZ', 'KR', 'TR', 'DE']) expect(countries.has(country)).toBe(true);
  });

  it('has exactly one default office in every country', () => {
    for (const country of new Set(DEMO_DIRECTORY.map((c) => c.hostCountry))) {
      expect([
        country,
        DEMO_DIRECTORY.filter((c) => c.hostCountry === country && c.isDefaultForCountry).length,
      ]).toEqual([country, 1]);
    }
  });

  it('gives every office two to four caseworkers who speak Uzbek between them', () => {
    for (const c of DEMO_DIRECTORY) {
      expect(c.caseworkers.length).toBeGreaterThanOrEqual(2);
      expect(c.caseworkers.length).toBeLessThanOrEqual(4);
      expect(c.caseworkers.some((w) => w.languages.includes('uz'))).toBe(true);
    }
  });

  it('uses known countries and languages only', () => {
    for (const c of DEMO_DIRECTORY) {
      expect(COUNTRY_CODES).toContain(c.hostCountry);
      for (const l of [...c.languages, ...c.caseworkers.flatMap((w) => w.languages)])
        expect(LANGUAGES).toContain(l);
    }
  });

  it('covers only cities reports know by name (HOST_CITIES), so none of them is reported as other', () => {
    const unknown = DEMO_DIRECTORY.flatMap((c) =>
      c.cities
        .filter((city) => reportedCity(c.hostCountry, city) === OTHER_CITY)
        .map((city) => `${c.hostCountry}:${city}`),
    );
    expect(unknown).toEqual([]);
  });

  it('never lets two offices of one country cover the same city', () => {
    const seen = new Map<string, string>();
    for (const c of DEMO_DIRECTORY) {
      for (const city of c.cities) {
        const key = `${c.hostCountry}:${cityKey(city)}`;
        expect([key, seen.get(key) ?? c.id]).toEqual([key, c.id]);
        seen.set(key, c.id);
      }
    }
  });

  it.each([
    ['RU', 'Kazan', 'RU-KZN'],
    ['RU', 'Санкт-Петербург', 'RU-SPB'],
    ['RU', 'Surgut', 'RU-EKB'],
    ['RU', 'Pskov', 'RU-SPB'],
    ['RU', 'Kursk', 'RU-MOW'],
    ['KZ', 'shymkent', 'KZ-SHY'],
    ['KR', 'Ansan', 'KR-SEL'],
    ['KR', 'Gimhae', 'KR-PUS'],
    ['TR', 'İstanbul', 'TR-IST'],
    ['DE', 'Koln', 'DE-FRA'],
    ['AE', 'Sharjah', 'AE-DXB'],
    ['US', 'Brooklyn', 'US-NYC'],
    ['PL', 'Lodz', 'PL-WAW'],
    ['IT', 'Milan', HQ_CONSULATE_ID],
  ])('routes a case in %s/%s to %s', (country, city, expected) => {
    expect(chooseOffice(offices, country, city).consulateId).toBe(expected);
  });

  it('seeds with insert-if-missing statements only', async () => {
    const statements: string[] = [];
    const db: SqlRunner = {
      query: (sql: string) => {
        statements.push(sql);
        return Promise.resolve([{ id: 'x' }]);
      },
    };
    const result = await seedDemoDirectory(db);
    expect(result).toEqual({ consulates: DEMO_DIRECTORY.length, caseworkers: caseworkers.length });
    for (const sql of statements) {
      expect(sql).toMatch(/^\s*INSERT INTO/);
      expect(sql).toMatch(/ON CONFLICT DO NOTHING/);
    }
  });
});
