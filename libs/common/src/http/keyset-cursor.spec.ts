import { ValidationProblem } from '@casebridge/common';
import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  const anyKey = () => true;

  it('round-trips a sort key', () => {
    const key = ['2026-03-02T09:00:00.000Z', '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d'];
    expect(decodeCursor(encodeCursor(key), anyKey)).toEqual(key);
  });

  it.each([
    'not a cursor',
    encodeCursor([]).slice(0, 1),
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
  ])('rejects %p as a 400 naming the cursor', (cursor) => {
    expect(() => decodeCursor(cursor, (k) => k.length === 2)).toThrow(ValidationProblem);
  });

  it('rejects a key the caller finds invalid', () => {
    expect(() => decodeCursor(encodeCursor(['x']), (k) => k.length === 2)).toThrow(
      ValidationProblem,
    );
  });
});
