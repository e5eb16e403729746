import { hasMaxDecimalPlaces } from './max-decimal-places.validator';

describe('hasMaxDecimalPlaces', () => {
  it.each([0, 1, 1850.5, 1850.55, 1e9, -0, 12.1])('accepts %p with two decimals', (v) => {
    expect(hasMaxDecimalPlaces(v, 2)).toBe(true);
  });

  it.each([1e-7, 0.001, 1850.555, 5e-324, 0.1 + 0.2, Number.NaN, Infinity, '12', null])(
    'refuses %p, without throwing on exponent forms',
    (v) => {
      expect(hasMaxDecimalPlaces(v, 2)).toBe(false);
    },
  );
});
