import { ValidationProblem } from '@casebridge/common';
import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  const id = '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d';

  it('round-trips a sort key', () => {
    const key = ['2026-03-02T09:00:00.000Z', id];
    expect(decodeCursor(encodeCursor(key), ['timestamp', 'uuid'])).toEqual(key);
    expect(decodeCursor(encodeCursor(['1042']), ['serial'])).toEqual(['1042']);
  });

  it.each([
    'not a cursor',
    encodeCursor([]).slice(0, 1),
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
    encodeCursor(['x']),
    encodeCursor(['2026-03-02T09:00:00.000Z', id, 'extra']),
    encodeCursor([id, '2026-03-02T09:00:00.000Z']),
  ])('rejects %p as a 400 naming the cursor', (cursor) => {
    expect(() => decodeCursor(cursor, ['timestamp', 'uuid'])).toThrow(ValidationProblem);
  });

  it.each([
    '0000-01-01T00:00:00.000Z',
    '-000001-01-01T00:00:00.000Z',
    '+100000-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-03-02T09:00:00Z',
    'Tue, 1 Jan 0000 00:00:00 GMT',
  ])(
    'rejects a timestamp %p that PostgreSQL or JavaScript cannot hold, or that no page issued',
    (at) => {
      expect(() => decodeCursor(encodeCursor([at, id]), ['timestamp', 'uuid'])).toThrow(
        ValidationProblem,
      );
    },
  );
});
