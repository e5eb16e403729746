/**
 * Prints a development JWT (HS256 with AUTH_JWT_SECRET, or the development secret), with iss and
 * aud from AUTH_JWT_ISSUER / AUTH_JWT_AUDIENCE when set. The ttl may not exceed
 * AUTH_JWT_MAX_LIFETIME_SECONDS (default 12 h), or the services would refuse the token.
 *   npm run token -- --role caseworker --consulate RU-MOW [--sub alice] [--ttl 8h]
 */
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { DEV_JWT_SECRET } from '@casebridge/common';
import { ROLES, Role } from '@casebridge/contracts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    consulate: { type: 'string' },
    sub: { type: 'string' },
    ttl: { type: 'string', default: '8h' },
  },
});
const roles = (values.role ?? []).flatMap((r) => r.split(','));
if (
  roles.length === 0 ||
  !roles.every((r): r is Role => (ROLES as readonly string[]).includes(r))
) {
  console.error(
    `usage: npm run token -- --role <${ROLES.join('|')}> [--consulate RU-MOW] [--sub id] [--ttl 8h]`,
  );
  process.exit(2);
}
if (roles.some((r) => r === 'caseworker' || r === 'consul') && !values.consulate) {
  console.error('caseworker and consul tokens need --consulate <id>');
  process.exit(2);
}
const claims = { roles, ...(values.consulate ? { consulateId: values.consulate } : {}) };
const secret = process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET;
const ttl = /^(\d+)([smh])$/.exec(values.ttl ?? '');
const seconds = ttl ? Number(ttl[1]) * { s: 1, m: 60, h: 3600 }[ttl[2] as 's' | 'm' | 'h'] : NaN;
const maxLifetime = Number(process.env.AUTH_JWT_MAX_LIFETIME_SECONDS ?? 12 * 3600);
if (!(seconds > 0 && seconds <= maxLifetime)) {
  console.error(`--ttl must be like 30m or 8h, at most ${maxLifetime} s`);
  process.exit(2);
}
const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256' } });
console.log(
  jwt.sign(claims, {
    subject: values.sub ?? `dev-${roles[0]}`,
    expiresIn: seconds,
    ...(process.env.AUTH_JWT_ISSUER ? { issuer: process.env.AUTH_JWT_ISSUER } : {}),
    ...(process.env.AUTH_JWT_AUDIENCE ? { audience: process.env.AUTH_JWT_AUDIENCE } : {}),
  }),
);
