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

describe('PassportBlindIndex during a rotation', () => {
  const former = randomBytes(32);
  const before = new PassportBlindIndex(former, 'bi1');
  const during = PassportBlindIndex.fromConfig(
    randomBytes(32).toString('base64'),
    'bi2',
    `bi1:${former.toString('base64')}`,
  );

  it('indexes new cases under the current key, and looks up under the current and former keys', () => {
    const stored = before.passportIndex('AB1234567');
    expect(during.passportIndex('AB1234567')).not.toBe(stored);
    expect(during.passportIndexes('ab 123 4567')).toEqual([
      during.passportIndex('AB1234567'),
      stored,
    ]);
    expect(during.currentKeyId).toBe('bi2');
    expect(during.formerKeyIds()).toEqual(['bi1']);
  });

  it('looks up under the current key alone once the former key is removed', () => {
    const after = new PassportBlindIndex(randomBytes(32), 'bi2');
    expect(after.passportIndexes('AB1234567')).toEqual([after.passportIndex('AB1234567')]);
  });
});
