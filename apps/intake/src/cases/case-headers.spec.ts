import type { AuthUser } from '@casebridge/common';
import { ValidationProblem } from '@casebridge/common';
import { idempotencyKeyOf, ifMatchVersion } from './case-headers';

const officer: AuthUser = { sub: 'io-1', roles: ['intake_officer'], consulateId: null };
const integration: AuthUser = { sub: 'partner', roles: ['integration'], consulateId: null };

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationProblem) return error.fieldErrors.map((e) => e.field);
    throw error;
  }
  return [];
}

describe('Idempotency-Key header', () => {
  it('accepts 8–128 characters of [A-Za-z0-9._:-], or none from staff', () => {
    expect(idempotencyKeyOf(integration, 'order:2026-01.a_b')).toBe('order:2026-01.a_b');
    expect(idempotencyKeyOf(officer, undefined)).toBeUndefined();
  });

  it('refuses a malformed key, naming the header', () => {
    expect(fieldsOf(() => idempotencyKeyOf(officer, 'short'))).toEqual(['Idempotency-Key']);
    expect(fieldsOf(() => idempotencyKeyOf(officer, 'has space in it'))).toEqual([
      'Idempotency-Key',
    ]);
    expect(fieldsOf(() => idempotencyKeyOf(officer, 'k'.repeat(129)))).toEqual(['Idempotency-Key']);
  });

  it('is required of integrations', () => {
    expect(fieldsOf(() => idempotencyKeyOf(integration, undefined))).toEqual(['Idempotency-Key']);
  });
});

describe('If-Match header', () => {
  it('reads the version from "3", W/"3" or 3', () => {
    expect(ifMatchVersion('"3"')).toBe(3);
    expect(ifMatchVersion('W/"3"')).toBe(3);
    expect(ifMatchVersion(' 3 ')).toBe(3);
    expect(ifMatchVersion(undefined)).toBeUndefined();
  });

  it('refuses anything else, naming the header', () => {
    expect(fieldsOf(() => ifMatchVersion('"abc"'))).toEqual(['If-Match']);
    expect(fieldsOf(() => ifMatchVersion('1234567890'))).toEqual(['If-Match']);
  });
});
