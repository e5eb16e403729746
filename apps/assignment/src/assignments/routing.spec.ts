import { cityKey } from '@casebridge/contracts';
import {
  CaseworkerCandidate,
  chooseCaseworker,
  chooseOffice,
  HQ_CONSULATE_ID,
  OfficeCandidate,
  routeCase,
  RoutingDecision,
  RoutingRequest,
} from './routing';

const office = (
  id: string,
  hostCountry: string,
  cities: string[],
  extra: Partial<OfficeCandidate> = {},
): OfficeCandidate => ({
  id,
  hostCountry,
  cities,
  isDefaultForCountry: false,
  active: true,
  ...extra,
});

type Staff = CaseworkerCandidate & { consulateId: string };
const worker = (
  id: string,
  consulateId: string,
  languages: string[],
  extra: Partial<Staff> = {},
): Staff => ({
  id,
  consulateId,
  languages,
  active: true,
  openCases: 0,
  maxOpenCases: 10,
  ...extra,
});

const offices: OfficeCandidate[] = [
  office('HQ', 'UZ', ['Tashkent'], { isDefaultForCountry: true }),
  office('RU-MOW', 'RU', ['Moscow'], { isDefaultForCountry: true }),
  office('RU-SPB', 'RU', ['Saint Petersburg', 'St Petersburg', 'Санкт-Петербург']),
  office('RU-KZN', 'RU', ['Kazan'], { active: false }),
  office('KZ-AST', 'KZ', ['Astana'], { isDefaultForCountry: true, active: false }),
  office('KZ-ALA', 'KZ', ['Almaty']),
  office('TR-IST', 'TR', ['Istanbul']),
];

const staff: Staff[] = [
  worker('hq-1', 'HQ', ['uz', 'ru']),
  worker('mow-a', 'RU-MOW', ['uz', 'ru'], { openCases: 3 }),
  worker('mow-b', 'RU-MOW', ['uz', 'ru'], { openCases: 1 }),
  worker('mow-c', 'RU-MOW', ['tg', 'ru'], { openCases: 0 }),
  worker('mow-d', 'RU-MOW', ['uz'], { openCases: 0, active: false }),
  worker('spb-a', 'RU-SPB', ['uz', 'ru'], { openCases: 5, maxOpenCases: 5 }),
  worker('spb-b', 'RU-SPB', ['ru'], { openCases: 0 }),
  worker('ala-b', 'KZ-ALA', ['kk', 'uz'], { openCases: 2 }),
  worker('ala-a', 'KZ-ALA', ['kk', 'uz'], { openCases: 2 }),
  worker('ist-a', 'TR-IST', ['tr', 'uz']),
];

const request = (
  hostCountry: string,
  hostCity: string | null,
  preferredLanguage: string,
): RoutingRequest => ({
  hostCountry,
  hostCity,
  preferredLanguage,
});

describe('routing', () => {
  it.each<[string, RoutingRequest, RoutingDecision]>([
    [
      'a city an office covers goes to that office',
      request('RU', 'Saint Petersburg', 'ru'),
      { consulateId: 'RU-SPB', reason: 'auto', caseworkerId: 'spb-b' },
    ],
    [
      'city matching ignores case and extra spaces',
      request('RU', '  st   PETERSBURG ', 'ru'),
      { consulateId: 'RU-SPB', reason: 'auto', caseworkerId: 'spb-b' },
    ],
    [
      'city matching works in Cyrillic',
      request('RU', 'САНКТ-ПЕТЕРБУРГ', 'ru'),
      { consulateId: 'RU-SPB', reason: 'auto', caseworkerId: 'spb-b' },
    ],
    [
      'a city no office covers goes to the country default',
      request('RU', 'Tver', 'uz'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: 'mow-b' },
    ],
    [
      'no city goes to the country default',
      request('RU', null, 'uz'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: 'mow-b' },
    ],
    [
      'an inactive office is skipped for the country default',
      request('RU', 'Kazan', 'uz'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: 'mow-b' },
    ],
    [
      'a country without an office goes to HQ with no_coverage',
      request('PL', 'Warsaw', 'uz'),
      { consulateId: HQ_CONSULATE_ID, reason: 'no_coverage', caseworkerId: 'hq-1' },
    ],
    [
      'a city office still serves its city when the default is inactive',
      request('KZ', 'Almaty', 'kk'),
      { consulateId: 'KZ-ALA', reason: 'auto', caseworkerId: 'ala-a' },
    ],
    [
      'an inactive default office sends other cities to HQ',
      request('KZ', 'Shymkent', 'kk'),
      { consulateId: HQ_CONSULATE_ID, reason: 'no_coverage', caseworkerId: null },
    ],
    [
      'a country with offices but no default sends uncovered cities to HQ',
      request('TR', 'Ankara', 'tr'),
      { consulateId: HQ_CONSULATE_ID, reason: 'no_coverage', caseworkerId: null },
    ],
    [
      'only a caseworker who speaks the language is chosen',
      request('RU', 'Moscow', 'tg'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: 'mow-c' },
    ],
    [
      'the fewest open cases wins among speakers of the language',
      request('RU', 'Moscow', 'ru'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: 'mow-c' },
    ],
    [
      'an inactive caseworker is skipped even with no open cases',
      request('RU', 'Moscow', 'uz'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: 'mow-b' },
    ],
    [
      'a caseworker at maxOpenCases is skipped: office queue',
      request('RU', 'St Petersburg', 'uz'),
      { consulateId: 'RU-SPB', reason: 'auto', caseworkerId: null },
    ],
    [
      'nobody speaks the language: office queue',
      request('RU', 'Moscow', 'ko'),
      { consulateId: 'RU-MOW', reason: 'auto', caseworkerId: null },
    ],
    [
      'equal workload ties break on the smallest id',
      request('KZ', 'almaty', 'uz'),
      { consulateId: 'KZ-ALA', reason: 'auto', caseworkerId: 'ala-a' },
    ],
  ])('%s', (_name, req, expected) => {
    expect(routeCase(offices, staff, req)).toEqual(expected);
  });

  it('is deterministic whatever order the directory is listed in', () => {
    const req = request('KZ', 'Almaty', 'kk');
    const first = routeCase(offices, staff, req);
    for (let i = 0; i < 20; i += 1) {
      const shuffledOffices = [...offices].sort(() => Math.random() - 0.5);
      const shuffledStaff = [...staff].sort(() => Math.random() - 0.5);
      expect(routeCase(shuffledOffices, shuffledStaff, req)).toEqual(first);
    }
  });

  it('prefers the office that covers the city over the default when both list it', () => {
    const both = [
      office('RU-MOW', 'RU', ['Moscow', 'Kazan'], { isDefaultForCountry: true }),
      office('RU-KZN', 'RU', ['Kazan']),
    ];
    // Both cover Kazan: the choice is by id, so it never depends on list order.
    expect(chooseOffice(both, 'RU', 'Kazan')).toEqual({ consulateId: 'RU-KZN', reason: 'auto' });
    expect(chooseOffice([...both].reverse(), 'RU', 'Kazan')).toEqual({
      consulateId: 'RU-KZN',
      reason: 'auto',
    });
  });

  it('routes an office to HQ when the country matches only inactive offices', () => {
    expect(
      chooseOffice(
        [office('DE-BER', 'DE', ['Berlin'], { isDefaultForCountry: true, active: false })],
        'DE',
        'Berlin',
      ),
    ).toEqual({
      consulateId: HQ_CONSULATE_ID,
      reason: 'no_coverage',
    });
  });

  it('balances a stream of cases across equally eligible caseworkers and stops at capacity', () => {
    const team = [
      worker('c', 'X', ['uz'], { maxOpenCases: 3 }),
      worker('a', 'X', ['uz'], { maxOpenCases: 3 }),
      worker('b', 'X', ['uz'], { maxOpenCases: 3 }),
    ];
    const picks: (string | null)[] = [];
    for (let i = 0; i < 11; i += 1) {
      const chosen = chooseCaseworker(team, 'uz');
      picks.push(chosen?.id ?? null);
      if (chosen) chosen.openCases += 1;
    }
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', null, null]);
    expect(team.map((c) => c.openCases)).toEqual([3, 3, 3]);
  });

  it('matches languages case-insensitively', () => {
    expect(chooseCaseworker([worker('a', 'X', ['UZ'])], 'uz')?.id).toBe('a');
  });

  it('normalises city names', () => {
    expect(cityKey('  Rostov-on-Don ')).toBe('rostov-on-don');
    expect(cityKey('New\tYork')).toBe('new york');
    expect(cityKey('İSTANBUL')).toBe(cityKey('Istanbul'));
    expect(cityKey('Köln')).toBe('koln');
    expect(cityKey('Ёлкино')).toBe(cityKey('елкино'));
  });
});
