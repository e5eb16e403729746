/**
 * Prints a development JWT (HS256 with AUTH_JWT_SECRET, or the development secret).
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
const expiresIn = values.ttl as `${number}h`;
const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256' } });
console.log(jwt.sign(claims, { subject: values.sub ?? `dev-${roles[0]}`, expiresIn }));
