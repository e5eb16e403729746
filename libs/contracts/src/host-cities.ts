/**
 * The known cities of each host country, as reports name them. A complaint's `hostCity` is free
 * text; reports show it only when it matches one of these names or spellings (case, accents,
 * spacing and dots ignored), and as `OTHER_CITY` otherwise, so free text never reaches a report.
 * Each entry is the name reports use, then other spellings of it (local scripts, transliterations,
 * districts that are part of the city). Changing the list changes what reports show for the
 * cases already counted only after `npm run reporting:rebuild`.
 */
export const HOST_CITIES_VERSION = 1;

/** What reports show for a city that is not on the country's list. */
export const OTHER_CITY = 'other';

export const HOST_CITIES: Readonly<Record<string, readonly (readonly string[])[]>> = {
  UZ: [['Tashkent', 'Toshkent', 'Ташкент']],
  RU: [
    ['Moscow', 'Moskva', 'Москва'],
    ['Saint Petersburg', 'St Petersburg', 'Sankt-Peterburg', 'Санкт-Петербург'],
    ['Novosibirsk', 'Новосибирск'],
    ['Yekaterinburg', 'Ekaterinburg', 'Екатеринбург'],
    ['Kazan', 'Казань'],
    ['Rostov-on-Don', 'Ростов-на-Дону'],
    ['Vladivostok', 'Владивосток'],
    ['Nizhny Novgorod', 'Нижний Новгород'],
    ['Krasnodar', 'Краснодар'],
    ['Samara', 'Самара'],
    ...[
      'Balashikha',
      'Khimki',
      'Podolsk',
      'Mytishchi',
      'Lyubertsy',
      'Krasnogorsk',
      'Odintsovo',
      'Tver',
      'Tula',
      'Kaluga',
      'Ryazan',
      'Vladimir',
      'Yaroslavl',
      'Voronezh',
      'Bryansk',
      'Smolensk',
      'Kursk',
      'Belgorod',
      'Lipetsk',
      'Ivanovo',
      'Kostroma',
      'Tambov',
      'Orel',
      'Gatchina',
      'Vsevolozhsk',
      'Kolpino',
      'Murmansk',
      'Arkhangelsk',
      'Petrozavodsk',
      'Kaliningrad',
      'Veliky Novgorod',
      'Pskov',
      'Vologda',
      'Cherepovets',
      'Syktyvkar',
      'Omsk',
      'Tomsk',
      'Kemerovo',
      'Novokuznetsk',
      'Barnaul',
      'Krasnoyarsk',
      'Irkutsk',
      'Abakan',
      'Ulan-Ude',
      'Chita',
      'Naberezhnye Chelny',
      'Ufa',
      'Tolyatti',
      'Ulyanovsk',
      'Cheboksary',
      'Izhevsk',
      'Penza',
      'Saratov',
      'Orenburg',
      'Yoshkar-Ola',
      'Saransk',
      'Chelyabinsk',
      'Magnitogorsk',
      'Tyumen',
      'Perm',
      'Kurgan',
      'Surgut',
      'Nizhnevartovsk',
      'Khanty-Mansiysk',
      'Novy Urengoy',
      'Nizhny Tagil',
      'Sochi',
      'Novorossiysk',
      'Volgograd',
      'Astrakhan',
      'Stavropol',
      'Makhachkala',
      'Taganrog',
      'Ussuriysk',
      'Nakhodka',
      'Khabarovsk',
      'Blagoveshchensk',
      'Yakutsk',
      'Yuzhno-Sakhalinsk',
      'Magadan',
      'Petropavlovsk-Kamchatsky',
    ].map((name) => [name]),
  ],
  KZ: [
    ['Astana', 'Астана', 'Nur-Sultan'],
    ['Almaty', 'Алматы'],
    ['Shymkent', 'Шымкент'],
    ['Oskemen', 'Ust-Kamenogorsk'],
    ['Oral', 'Uralsk'],
    ['Konaev', 'Kapchagay'],
    ['Turkistan', 'Turkestan'],
    ...[
      'Karaganda',
      'Pavlodar',
      'Kostanay',
      'Kokshetau',
      'Petropavl',
      'Semey',
      'Aktobe',
      'Atyrau',
      'Aktau',
      'Taldykorgan',
      'Talgar',
      'Kaskelen',
      'Kentau',
      'Saryagash',
      'Taraz',
      'Kyzylorda',
    ].map((name) => [name]),
  ],
  KR: [
    'Seoul',
    'Incheon',
    'Suwon',
    'Ansan',
    'Hwaseong',
    'Gimpo',
    'Bucheon',
    'Siheung',
    'Pyeongtaek',
    'Cheonan',
    'Asan',
    'Daejeon',
    'Cheongju',
    'Gwangju',
    'Jeonju',
    'Busan',
    'Ulsan',
    'Gimhae',
    'Changwon',
    'Geoje',
    'Daegu',
    'Gyeongju',
    'Pohang',
    'Gumi',
  ].map((name) => [name]),
  TR: [
    'Istanbul',
    'Ankara',
    'Izmir',
    'Antalya',
    'Alanya',
    'Bursa',
    'Kocaeli',
    'Gebze',
    'Tekirdağ',
    'Sakarya',
    'Konya',
    'Kayseri',
    'Eskişehir',
    'Samsun',
    'Trabzon',
    'Erzurum',
  ].map((name) => [name]),
  DE: [
    ['Munich', 'München'],
    ['Cologne', 'Köln'],
    ['Nuremberg', 'Nürnberg'],
    ['Hanover', 'Hannover'],
    ['Frankfurt', 'Frankfurt am Main'],
    ...[
      'Berlin',
      'Hamburg',
      'Bremen',
      'Leipzig',
      'Dresden',
      'Potsdam',
      'Magdeburg',
      'Stuttgart',
      'Düsseldorf',
      'Mannheim',
      'Wiesbaden',
    ].map((name) => [name]),
  ],
  // Spellings without the Polish letters match through cityKey.
  PL: [['Warsaw', 'Warszawa'], ['Kraków', 'Cracow'], ['Wrocław'], ['Łódź'], ['Poznań'], ['Gdańsk']],
  AE: [
    'Abu Dhabi',
    'Al Ain',
    'Ruwais',
    'Dubai',
    'Sharjah',
    'Ajman',
    'Ras Al Khaimah',
    'Fujairah',
    'Umm Al Quwain',
  ].map((name) => [name]),
  US: [
    ['Washington', 'Washington DC'],
    ['New York', 'New York City', 'NYC', 'Brooklyn', 'Queens', 'Bronx', 'Staten Island'],
    ...[
      'Baltimore',
      'Chicago',
      'Los Angeles',
      'Houston',
      'Miami',
      'Seattle',
      'Jersey City',
      'Newark',
      'Philadelphia',
    ].map((name) => [name]),
  ],
  GB: ['London', 'Manchester', 'Birmingham', 'Leeds', 'Edinburgh', 'Glasgow'].map((n) => [n]),
  JP: ['Tokyo', 'Yokohama', 'Saitama', 'Chiba', 'Osaka', 'Nagoya', 'Kobe', 'Fukuoka'].map((n) => [
    n,
  ]),
  KG: [
    ['Bishkek', 'Бишкек'],
    ['Osh', 'Ош'],
    ...['Tokmok', 'Kant', 'Karakol', 'Kara-Balta', 'Talas', 'Naryn', 'Jalal-Abad', 'Batken'].map(
      (name) => [name],
    ),
    ['Uzgen'],
    ['Kara-Suu'],
  ],
  IL: ['Tel Aviv', 'Jerusalem', 'Haifa', 'Netanya', 'Ashdod', 'Bnei Brak'].map((n) => [n]),
  LV: [['Riga'], ['Daugavpils'], ['Liepāja'], ['Jelgava']],
};

/** A city name compared as people write it: accents, case, dots and spacing ignored. */
export function cityKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[.\u2019']/g, '')
    .replace(/[\s,]+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/ł/g, 'l');
}

const LOOKUP: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  Object.entries(HOST_CITIES).map(([country, cities]) => [
    country,
    new Map(cities.flatMap((spellings) => spellings.map((s) => [cityKey(s), spellings[0]]))),
  ]),
);

/**
 * The name reports use for a complaint's host city: the known city it names, `OTHER_CITY` for
 * anything else, null when none was given.
 */
export function reportedCity(hostCountry: string, hostCity: string | null): string | null {
  if (hostCity === null || hostCity.trim() === '') return null;
  return LOOKUP.get(hostCountry)?.get(cityKey(hostCity)) ?? OTHER_CITY;
}
