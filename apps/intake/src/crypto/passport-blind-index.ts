import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/**
 * Encrypts personal data at rest: AES-256-GCM, a fresh nonce per value, the owning row's id as
 * associated data (a ciphertext copied to another row does not decrypt), and the key id stored
 * in the value so that keys can rotate. Stored as `v1.<keyId>.<nonce>.<ciphertext+tag>` (base64).
 */
export class PersonalDataCipher {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly currentKeyId: string,
    currentKey: Buffer,
    previousKeys: Map<string, Buffer> = new Map(),
    private readonly blindIndexKey: Buffer,
  ) {
    if (currentKey.length !== 32 || blindIndexKey.length !== 32)
      throw new Error('keys must be 32 bytes');
    this.keys = new Map([...previousKeys, [currentKeyId, currentKey]]);
  }

  static fromConfig(
    keyId: string,
    keyB64: string,
    previous: string | undefined,
    blindIndexB64: string,
  ): PersonalDataCipher {
    const prev = new Map<string, Buffer>(
      (previous ?? '')
        .split(',')
        .filter(Boolean)
        .map((entry) => {
          const [id, key] = entry.split(':');
          return [id, Buffer.from(key, 'base64')];
        }),
    );
    return new PersonalDataCipher(
      keyId,
      Buffer.from(keyB64, 'base64'),
      prev,
      Buffer.from(blindIndexB64, 'base64'),
    );
  }

  encrypt(plaintext: string, associatedData: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId)!, nonce, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${FORMAT}.${this.currentKeyId}.${nonce.toString('base64')}.${body.toString('base64')}`;
  }

  decrypt(stored: string, associatedData: string): string {
    const [format, keyId, nonceB64, bodyB64] = stored.split('.');
    const key = this.keys.get(keyId);
    if (format !== FORMAT || !key || !nonceB64 || !bodyB64)
      throw new Error('unreadable ciphertext or unknown key id');
    const body = Buffer.from(bodyB64, 'base64');
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(nonceB64, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  encryptJson(value: unknown, associatedData: string): string {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  decryptJson<T>(stored: string, associatedData: string): T {
    return JSON.parse(this.decrypt(stored, associatedData)) as T;
  }

  /** Keyed blind index of a passport number: equal numbers match, the number is not revealed. */
  passportIndex(passportNumber: string): string {
    const normalised = passportNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return createHmac('sha256', this.blindIndexKey).update(`passport:${normalised}`).digest('hex');
  }
}
