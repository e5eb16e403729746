/**
 * What the load generator sends: a complaint body per request (destinations that the demo
 * directory covers, passports that rarely repeat) and many officers' tokens, so that the per-user
 * rate limit stays out of the measurement.
 */
import { createHmac } from 'node:crypto';
import { CASE_CATEGORIES, RISK_INDICATORS } from '@casebridge/contracts';

const DESTINATIONS = [
  ['RU', 'Moscow'],
  ['RU', 'Saint Petersburg'],
  ['KZ', 'Almaty'],
  ['KR', 'Seoul'],
  ['TR', 'Istanbul'],
  ['DE', 'Berlin'],
  ['BR', 'Recife'],
] as const;

/** Officers the tokens belong to: 30,000 cases over 2,000 officers stay far below 600/min each. */
const OFFICERS = 2000;

const base64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** An HS256 token as `npm run token` makes one (signed with the development secret by default). */
export function signToken(secret: string, subject: string, roles: string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: subject, roles, iat: now, exp: now + 6 * 3600 }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export class CaseFactory {
  private readonly tokens: string[];
  private next = 0;
  /** Distinguishes the passports of one bench run from another's. */
  private readonly run = Date.now().toString(36).slice(-5).toUpperCase();

  constructor(secret: string) {
    this.tokens = Array.from({ length: OFFICERS }, (_, i) =>
      signToken(secret, `bench-officer-${i}`, ['intake_officer']),
    );
  }

  /** Headers and body of the next complaint. */
  request(): { headers: Record<string, string>; body: string } {
    const i = this.next++;
    const [hostCountry, hostCity] = DESTINATIONS[i % DESTINATIONS.length];
    const body = {
      complainant: {
        fullName: `Bench Worker ${i}`,
        passportNumber: `B${this.run}${String(i).padStart(8, '0')}`,
        preferredLanguage: i % 3 ? 'uz' : 'ru',
        consentToShare: true,
        phone: '+998901234567',
      },
      hostCountry,
      hostCity,
      category: CASE_CATEGORIES[i % CASE_CATEGORIES.length],
      riskIndicators: i % 4 ? [RISK_INDICATORS[i % RISK_INDICATORS.length]] : [],
      description: `Benchmark complaint ${i}: wages unpaid for two months, the employer keeps the passport.`,
      channel: 'hotline',
    };
    return {
      headers: {
        authorization: `Bearer ${this.tokens[i % OFFICERS]}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    };
  }
}
