import { Webhook } from 'standardwebhooks';
import { generateSecret, secretHint, secretProblem, sign } from './webhook-signature';

describe('webhook signatures (Standard Webhooks)', () => {
  // The worked example of docs/webhooks.md.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('signs `${id}.${timestamp}.${body}` with HMAC-SHA256 of the decoded key, base64, as v1', () => {
    expect(sign(secret, id, timestamp, body)).toEqual({
      'webhook-id': id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('makes signatures the official library verifies, and that fail for another body or secret', () => {
    const generated = generateSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = sign(generated, 'delivery-1', now, '{"caseId":"x"}');
    expect(new Webhook(generated).verify('{"caseId":"x"}', { ...headers })).toEqual({
      caseId: 'x',
    });
    expect(() => new Webhook(generated).verify('{"caseId":"y"}', { ...headers })).toThrow();
    expect(() => new Webhook(generateSecret()).verify('{"caseId":"x"}', { ...headers })).toThrow();
  });

  it('generates distinct 32-byte secrets that pass its own checks', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(secretProblem(a)).toBeNull();
    expect(generateSecret()).not.toBe(a);
  });

  it.each([
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /whsec_/],
    ['whsec_not base64!', /base64/],
    ['whsec_c2hvcnQ=', /24 to 64 bytes/],
    [`whsec_${Buffer.alloc(65).toString('base64')}`, /24 to 64 bytes/],
  ])('refuses %j as a secret', (value, message) => {
    expect(secretProblem(value)).toMatch(message);
  });

  it('shows only the last four characters of a secret', () => {
    expect(secretHint(secret)).toBe('whsec_…LaSw');
    expect(secretHint(secret)).not.toContain('MfKQ9r8G');
  });
});
