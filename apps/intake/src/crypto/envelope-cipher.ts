import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyList } from './key-list';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Personal data under its case's own data key: `v2.<nonce>.<ciphertext+tag>` (base64). */
const FORMAT = 'v2';
/** The former format, under the master key itself: read until the rekey command converts it. */
const LEGACY_FORMAT = 'v1';

/** The tables and columns that hold personal data, each sealed to its own row. */
export type PersonalColumn =
  | 'case_file.complainant_enc'
  | 'case_file.employer_enc'
  | 'case_file.description_enc'
  | 'case_note.body_enc'
  | 'case_status_change.comment_enc';

/**
 * Associated data of a ciphertext: its table, column and row, so that a ciphertext copied to
 * another field or another row does not decrypt.
 */
export function fieldBinding(column: PersonalColumn, rowId: string): string {
  return `${column}.${rowId}`;
}

/** A case's data key as the key store keeps it: wrapped by a master key, named by its id. */
export interface WrappedCaseKey {
  wrappedKey: string;
  masterKeyId: string;
}

function seal(key: Buffer, plaintext: Buffer, associatedData: string): [Buffer, Buffer] {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return [nonce, Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])];
}

function open(key: Buffer, nonce: Buffer, body: Buffer, associatedData: string): Buffer {
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES)
    throw new Error('unreadable ciphertext');
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(body.subarray(0, body.length - TAG_BYTES)),
    decipher.final(),
  ]);
}

/**
 * The master keys (the configured current one and former ones still able to unwrap): they wrap
 * each case's data key with AES-256-GCM, bound to the case and the master key id, and never
 * encrypt personal data themselves.
 */
export class MasterKeyRing {
  private readonly keys: Map<string, Buffer>;

  constructor(
    readonly currentKeyId: string,
    currentKey: Buffer,
    previousKeys: Map<string, Buffer> = new Map(),
  ) {
    for (const key of [currentKey, ...previousKeys.values()])
      if (key.length !== KEY_BYTES) throw new Error('master keys must be 32 bytes');
    this.keys = new Map([...previousKeys, [currentKeyId, currentKey]]);
  }

  /** `INTAKE_ENCRYPTION_KEY_ID`, `INTAKE_ENCRYPTION_KEY` and `id:base64,…` former keys. */
  static fromConfig(keyId: string, keyB64: string, previous: string | undefined): MasterKeyRing {
    return new MasterKeyRing(keyId, Buffer.from(keyB64, 'base64'), parseKeyList(previous));
  }

  /** Whether a master key of this id is configured (current or former). */
  has(masterKeyId: string): boolean {
    return this.keys.has(masterKeyId);
  }

  /** The ids of the former master keys (INTAKE_PREVIOUS_ENCRYPTION_KEYS). */
  formerKeyIds(): string[] {
    return [...this.keys.keys()].filter((id) => id !== this.currentKeyId);
  }

  /** A fresh data key for a case (32 random bytes). */
  static newDataKey(): Buffer {
    return randomBytes(KEY_BYTES);
  }

  wrap(dataKey: Buffer, caseId: string): WrappedCaseKey {
    if (dataKey.length !== KEY_BYTES) throw new Error('data keys must be 32 bytes');
    const [nonce, body] = seal(
      this.keys.get(this.currentKeyId)!,
      dataKey,
      wrapBinding(caseId, this.currentKeyId),
    );
    return {
      wrappedKey: `${nonce.toString('base64')}.${body.toString('base64')}`,
      masterKeyId: this.currentKeyId,
    };
  }

  unwrap(wrapped: WrappedCaseKey, caseId: string): Buffer {
    const key = this.keys.get(wrapped.masterKeyId);
    const [nonceB64, bodyB64] = wrapped.wrappedKey.split('.');
    if (!key || !nonceB64 || !bodyB64) throw new Error('unknown master key id or unreadable key');
    return open(
      key,
      Buffer.from(nonceB64, 'base64'),
      Buffer.from(bodyB64, 'base64'),
      wrapBinding(caseId, wrapped.masterKeyId),
    );
  }

  /**
   * A value of the former format (`v1.<keyId>.<nonce>.<body>`, under a master key, bound to the
   * row id alone): kept only so that the rekey command can convert it.
   */
  decryptLegacy(stored: string, associatedData: string): string {
    const [format, keyId, nonceB64, bodyB64] = stored.split('.');
    const key = this.keys.get(keyId);
    if (format !== LEGACY_FORMAT || !key || !nonceB64 || !bodyB64)
      throw new Error('unreadable ciphertext or unknown key id');
    return open(
      key,
      Buffer.from(nonceB64, 'base64'),
      Buffer.from(bodyB64, 'base64'),
      associatedData,
    ).toString('utf8');
  }
}

function wrapBinding(caseId: string, masterKeyId: string): string {
  return `case_key.${caseId}.${masterKeyId}`;
}

/** Whether a stored value is already under a case key (the rekey command skips it). */
export function isCaseKeyCiphertext(stored: string): boolean {
  return stored.startsWith(`${FORMAT}.`);
}

/** The associated data a value of the former format was sealed with (see the rekey command). */
export function legacyBinding(column: PersonalColumn, caseId: string, rowId: string): string {
  return column === 'case_note.body_enc' ? `${caseId}/${rowId}` : caseId;
}

/** What a case's cipher needs to read values written before keys per case (until converted). */
export interface LegacyReader {
  masterKeys: MasterKeyRing;
  caseId: string;
}

/**
 * Encrypts and decrypts one case's personal data with that case's data key. Values of the
 * former format (under the master key, written before keys per case) stay readable until
 * `npm run intake:rekey-cases` converts them, so that an upgrade never makes a case unreadable.
 */
export class CaseDataCipher {
  constructor(
    private readonly dataKey: Buffer,
    private readonly legacy?: LegacyReader,
  ) {
    if (dataKey.length !== KEY_BYTES) throw new Error('data keys must be 32 bytes');
  }

  encrypt(plaintext: string, column: PersonalColumn, rowId: string): string {
    const [nonce, body] = seal(
      this.dataKey,
      Buffer.from(plaintext, 'utf8'),
      fieldBinding(column, rowId),
    );
    return `${FORMAT}.${nonce.toString('base64')}.${body.toString('base64')}`;
  }

  decrypt(stored: string, column: PersonalColumn, rowId: string): string {
    if (this.legacy && stored.startsWith(`${LEGACY_FORMAT}.`)) {
      const { masterKeys, caseId } = this.legacy;
      return masterKeys.decryptLegacy(stored, legacyBinding(column, caseId, rowId));
    }
    const [format, nonceB64, bodyB64] = stored.split('.');
    if (format !== FORMAT || !nonceB64 || !bodyB64) throw new Error('unreadable ciphertext');
    return open(
      this.dataKey,
      Buffer.from(nonceB64, 'base64'),
      Buffer.from(bodyB64, 'base64'),
      fieldBinding(column, rowId),
    ).toString('utf8');
  }

  encryptJson(value: unknown, column: PersonalColumn, rowId: string): string {
    return this.encrypt(JSON.stringify(value), column, rowId);
  }

  decryptJson<T>(stored: string, column: PersonalColumn, rowId: string): T {
    return JSON.parse(this.decrypt(stored, column, rowId)) as T;
  }
}
