import { JwtService } from '@nestjs/jwt';
import { DEV_JWT_SECRET } from '@casebridge/common';
import type { Role } from '@casebridge/contracts';

const jwt = new JwtService({
  secret: process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
  signOptions: { algorithm: 'HS256' },
});

/** A signed test token; consular roles need a consulate. */
export function tokenFor(
  role: Role,
  consulateId?: string,
  sub = `test-${role}${consulateId ? `-${consulateId}` : ''}`,
): string {
  return jwt.sign(
    { roles: [role], ...(consulateId ? { consulateId } : {}) },
    {
      subject: sub,
      expiresIn: '1h',
      ...(process.env.AUTH_JWT_ISSUER ? { issuer: process.env.AUTH_JWT_ISSUER } : {}),
      ...(process.env.AUTH_JWT_AUDIENCE ? { audience: process.env.AUTH_JWT_AUDIENCE } : {}),
    },
  );
}

export function bearer(role: Role, consulateId?: string): { Authorization: string } {
  return { Authorization: `Bearer ${tokenFor(role, consulateId)}` };
}
