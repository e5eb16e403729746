import { randomBytes } from 'node:crypto';
import { PassportBlindIndex } from './passport-blind-index';

describe('PassportBlindIndex', () => {
  const index = new PassportBlindIndex(randomBytes(32));

  it('matches passport numbers however they are typed, without revealing them', () => {
    const a = index.passportIndex('ab 123-4567');
    expect(a).toBe(index.passportIndex('AB1234567'));
    expect(a).not.toContain('1234567');
    expect(a).not.toBe(index.passportIndex('AB1234568'));
  });

  it('gives other numbers under another key', () => {
    expect(new PassportBlindIndex(randomBytes(32)).passportIndex('AB1234567')).not.toBe(
      index.passportIndex('AB1234567'),
    );
  });
});
