import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import {
  CONSULATE_ID_PATTERN,
  isNormalizedText,
  ROLES as KNOWN_ROLES,
  type Role,
} from '@casebridge/contracts';
import { COMMON_ENV } from '../config/config.tokens';
import { CommonEnvironment, DEV_JWT_SECRET } from '../config/environment';
import type { AuthUser } from './auth-user';
import { JwksKeys } from './jwks-keys';

const CONSULAR_ROLES: readonly Role[] = ['caseworker', 'consul'];
/** No control characters (NUL included): a subject is stored, logged and published as an actor id. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Key objects kept (a JWKS rotates a handful of keys; more means something is wrong). */
const MAX_CACHED_KEYS = 64;

/** Verifies bearer tokens: HS256 with a shared secret, or RS256 with a public key or a JWKS. */
@Injectable()
export class TokenVerifier {
  private readonly jwks?: JwksKeys;
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(COMMON_ENV) private readonly env: CommonEnvironment,
  ) {
    if (env.AUTH_JWKS_URL) {
      this.jwks = new JwksKeys(env.AUTH_JWKS_URL, env.AUTH_JWKS_UNKNOWN_KID_SECONDS * 1000);
    }
  }

  async verify(token: string): Promise<AuthUser> {
    let payload: Record<string, unknown>;
    try {
      payload = await this.jwt.verifyAsync<Record<string, unknown>>(
        token,
        await this.keyOptions(token),
      );
    } catch {
      throw new UnauthorizedException('The bearer token is invalid or expired.');
    }
    this.checkLifetime(payload);
    return this.toUser(payload);
  }

  private async keyOptions(token: string) {
    const common = {
      issuer: this.env.AUTH_JWT_ISSUER,
      audience: this.env.AUTH_JWT_AUDIENCE,
    };
    if (this.jwks) {
      const decoded = this.jwt.decode<{ header?: { kid?: unknown } } | null>(token, {
        complete: true,
      });
      const kid = decoded?.header?.kid;
      const publicKey = await this.jwks.publicKey(typeof kid === 'string' ? kid : undefined);
      return {
        ...common,
        publicKey: this.key(publicKey, 'public'),
        algorithms: ['RS256' as const],
      };
    }
    if (this.env.AUTH_JWT_PUBLIC_KEY) {
      return {
        ...common,
        publicKey: this.key(this.env.AUTH_JWT_PUBLIC_KEY, 'public'),
        algorithms: ['RS256' as const],
      };
    }
    return {
      ...common,
      secret: this.key(this.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET, 'secret'),
      algorithms: ['HS256' as const],
    };
  }

  /**
   * The key as a KeyObject, made once. Given a string, jsonwebtoken parses it on every call, and
   * a shared secret first as a public key, which throws: a tenth of intake's CPU under load.
   * (@nestjs/jwt types the option as string | Buffer; jsonwebtoken takes a KeyObject as it is.)
   */
  private key(material: string, kind: 'secret' | 'public'): Buffer {
    const id = `${kind}:${material}`;
    let key = this.keys.get(id);
    if (!key) {
      key =
        kind === 'secret'
          ? createSecretKey(Buffer.from(material, 'utf8'))
          : createPublicKey(material);
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      this.keys.set(id, key);
    }
    return key as unknown as Buffer;
  }

  /** A stolen token is worth only as long as it lives: bound exp − iat, refuse iat in the future. */
  private checkLifetime({ iat, exp }: Record<string, unknown>): void {
    if (typeof exp !== 'number')
      throw new UnauthorizedException('The bearer token has no expiry (exp).');
    if (typeof iat !== 'number')
      throw new UnauthorizedException('The bearer token has no issue time (iat).');
    if (exp - iat > this.env.AUTH_JWT_MAX_LIFETIME_SECONDS) {
      throw new UnauthorizedException(
        `The bearer token lives longer than the ${this.env.AUTH_JWT_MAX_LIFETIME_SECONDS} s allowed.`,
      );
    }
    if (iat > Date.now() / 1000 + this.env.AUTH_JWT_CLOCK_SKEW_SECONDS) {
      throw new UnauthorizedException('The bearer token was issued in the future (iat).');
    }
  }

  private toUser(payload: Record<string, unknown>): AuthUser {
    const { sub, roles, consulateId } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
      throw new UnauthorizedException('The bearer token has no subject (sub).');
    }
    // The subject is written to the case file, the audit trail and events: well-formed NFC text.
    if (!isNormalizedText(sub) || CONTROL.test(sub)) {
      throw new UnauthorizedException(
        'The token subject (sub) must be NFC text without control characters.',
      );
    }
    if (!Array.isArray(roles) || !roles.every((r): r is Role => KNOWN_ROLES.includes(r as Role))) {
      throw new UnauthorizedException(
        `The token's roles must be a list of: ${KNOWN_ROLES.join(', ')}.`,
      );
    }
    const consulate =
      typeof consulateId === 'string' && consulateId.length > 0 ? consulateId : null;
    if (consulate !== null && !CONSULATE_ID_PATTERN.test(consulate)) {
      throw new UnauthorizedException(
        "The token's consulateId must be a consulate id such as RU-MOW (capitals, digits and dashes).",
      );
    }
    if (roles.some((r) => CONSULAR_ROLES.includes(r)) && !consulate) {
      throw new UnauthorizedException('Consular staff tokens must name their consulateId.');
    }
    return { sub, roles, consulateId: consulate };
  }
}
