import { correlationIdFrom } from './correlation';

describe('correlationIdFrom', () => {
  it('keeps a caller’s UUID or trace id, so a request can be followed across systems', () => {
    expect(correlationIdFrom('3F2504E0-4F89-41D3-9A0C-0305E82C3301')).toBe(
      '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    );
    expect(correlationIdFrom('4bf92f3577b34da6a3ce929d0e0e4736')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it.each([
    'AB1234567',
    '+998901234567',
    'dilnoza.karimova',
    'x'.repeat(200),
    undefined,
    ['a', 'b'],
  ])('replaces anything else (%p) with a fresh UUID', (header) => {
    const id = correlationIdFrom(header);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(header);
  });
});
