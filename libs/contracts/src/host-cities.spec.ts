import { cityKey, HOST_CITIES, OTHER_CITY, reportedCity } from './host-cities';

describe('reportedCity', () => {
  it('names a known city however it is spelled: case, accents, dots, spacing, script', () => {
    for (const spelling of ['Moscow', ' moscow ', 'MOSCOW', 'Moskva', 'Москва', 'москва'])
      expect(reportedCity('RU', spelling)).toBe('Moscow');
    for (const spelling of [
      'St. Petersburg',
      'st petersburg',
      'Sankt-Peterburg',
      'Санкт-Петербург',
    ])
      expect(reportedCity('RU', spelling)).toBe('Saint Petersburg');
    expect(reportedCity('PL', 'lodz')).toBe('Łódź');
    expect(reportedCity('PL', 'KRAKOW')).toBe('Kraków');
    expect(reportedCity('TR', 'Eskisehir')).toBe('Eskişehir');
    expect(reportedCity('DE', 'frankfurt  am main')).toBe('Frankfurt');
    expect(reportedCity('US', 'Washington, D.C.')).toBe('Washington');
    expect(reportedCity('KZ', 'Nur-Sultan')).toBe('Astana');
  });

  it("reports any other text as 'other', a city of another country included", () => {
    expect(reportedCity('RU', 'ul. Lenina 5, kv. 12')).toBe(OTHER_CITY);
    expect(reportedCity('RU', 'Ivan Petrov +79991234567')).toBe(OTHER_CITY);
    expect(reportedCity('KZ', 'Moscow')).toBe(OTHER_CITY);
    expect(reportedCity('FR', 'Paris')).toBe(OTHER_CITY);
  });

  it('reports no city when none is given', () => {
    expect(reportedCity('RU', null)).toBeNull();
    expect(reportedCity('RU', '   ')).toBeNull();
  });

  it('lists each spelling once per country, and no name that reads as the other bucket', () => {
    for (const [country, cities] of Object.entries(HOST_CITIES)) {
      const keys = cities.flat().map(cityKey);
      expect({ country, duplicates: keys.filter((k, i) => keys.indexOf(k) !== i) }).toEqual({
        country,
        duplicates: [],
      });
      expect(keys).not.toContain(cityKey(OTHER_CITY));
      for (const [name] of cities) expect(reportedCity(country, name)).toBe(name);
    }
  });
});
