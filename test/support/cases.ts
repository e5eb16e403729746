import {
  CASE_CATEGORIES,
  CaseCategory,
  Channel,
  RISK_INDICATORS,
  RiskIndicator,
} from '@casebridge/contracts';
import { tokenFor } from './tokens';

/** A small deterministic PRNG, so generated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Destination {
  hostCountry: string;
  hostCity?: string;
}

const FIRST = [
  'Dilnoza',
  'Aziz',
  'Gulnora',
  'Sherzod',
  'Malika',
  'Bekzod',
  'Nodira',
  'Jasur',
  'Kamola',
  'Rustam',
];
const LAST = [
  'Karimova',
  'Tashkentov',
  'Yusupova',
  'Rakhimov',
  'Saidova',
  'Nazarov',
  'Ergasheva',
  'Mirzaev',
];
const LANGS = ['uz', 'ru', 'uz', 'uz', 'ru', 'en', 'kk', 'tg'];
const CHANNELS: Channel[] = ['hotline', 'walk_in', 'web', 'email', 'partner_referral'];

export interface CaseBody {
  complainant: {
    fullName: string;
    passportNumber: string;
    phone: string;
    email: string;
    dateOfBirth: string;
    preferredLanguage: string;
    consentToShare: boolean;
  };
  hostCountry: string;
  hostCity?: string;
  employer: { name: string; address: string };
  category: CaseCategory;
  riskIndicators: RiskIndicator[];
  description: string;
  amountClaimed?: { amount: number; currency: string };
  channel: Channel;
}

/** A realistic complaint with personal data that must never leave the case file. */
export function makeCase(random: () => number, destination: Destination, index: number): CaseBody {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const indicators = RISK_INDICATORS.filter(() => random() < 0.12);
  const category = pick(CASE_CATEGORIES);
  return {
    complainant: {
      fullName: `${pick(FIRST)} ${pick(LAST)} ${index}`,
      passportNumber: `FA${String(1_000_000 + index).padStart(7, '0')}`,
      phone: `+99890${String(1_000_000 + index).slice(-7)}`,
      email: `worker${index}@mail.example`,
      dateOfBirth: `19${70 + Math.floor(random() * 30)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      preferredLanguage: pick(LANGS),
      consentToShare: random() < 0.8,
    },
    ...destination,
    employer: { name: `Employer ${index} LLC`, address: `Industrial street ${index}` },
    category,
    riskIndicators: indicators,
    description: `Complaint number ${index}: wages unpaid for ${1 + Math.floor(random() * 6)} months, employer unreachable.`,
    ...(category === 'unpaid_wages'
      ? { amountClaimed: { amount: 100 + Math.floor(random() * 5000), currency: 'USD' } }
      : {}),
    channel: pick(CHANNELS),
  };
}

/** POSTs bodies with bounded concurrency; returns the created case ids in input order. */
export async function submitCases(
  intakeUrl: string,
  bodies: CaseBody[],
  concurrency = 8,
): Promise<string[]> {
  const ids: string[] = new Array<string>(bodies.length);
  let next = 0;
  // Many officers, as at a real hotline: the per-user rate limit is not what these tests measure.
  const headers = (i: number) => ({
    Authorization: `Bearer ${tokenFor('intake_officer', undefined, `test-officer-${i % 100}`)}`,
    'content-type': 'application/json',
  });
  async function worker(): Promise<void> {
    while (next < bodies.length) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${intakeUrl}/v1/cases`, {
          method: 'POST',
          headers: {
            ...headers(i),
            'idempotency-key': `test-case-${i}-${bodies[i].complainant.passportNumber}`,
          },
          body: JSON.stringify(bodies[i]),
        }).catch((error: Error) => ({ status: 0, error }) as const);
        if ('error' in res || res.status >= 500) {
          if (attempt >= 20) throw new Error(`case ${i} could not be submitted`);
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        if (res.status !== 201)
          throw new Error(`case ${i}: HTTP ${res.status} ${await res.text()}`);
        ids[i] = ((await res.json()) as { id: string }).id;
        break;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return ids;
}
