import { createHmac } from 'node:crypto';
import { parseKeyList } from './key-list';

/**
 * Keyed blind index of passport numbers (duplicate matching): equal numbers match, none is
 * revealed. New indexes use the current key (its id is stored beside each index); during a
 * rotation, lookups also compute the index under each former key, so that a case not yet
 * re-indexed by `npm run intake:rotate-keys` is still found.
 */
export class PassportBlindIndex {
  private readonly keys: Map<string, Buffer>;

  constructor(
    currentKey: Buffer,
    readonly currentKeyId = 'dev1',
    previousKeys: Map<string, Buffer> = new Map(),
  ) {
    for (const key of [currentKey, ...previousKeys.values()])
      if (key.length !== 32) throw new Error('the blind-index key must be 32 bytes');
    this.keys = new Map([[currentKeyId, currentKey], ...previousKeys]);
  }

  /** `INTAKE_BLIND_INDEX_KEY`, `INTAKE_BLIND_INDEX_KEY_ID` and `id:base64,…` former keys. */
  static fromConfig(keyB64: string, keyId?: string, previous?: string): PassportBlindIndex {
    return new PassportBlindIndex(Buffer.from(keyB64, 'base64'), keyId, parseKeyList(previous));
  }

  /** The index a case is stored with: under the current key. */
  passportIndex(passportNumber: string): string {
    return this.indexUnder(this.keys.get(this.currentKeyId)!, passportNumber);
  }

  /** Every index a stored case of this passport may have: under the current and former keys. */
  passportIndexes(passportNumber: string): string[] {
    return [...this.keys.values()].map((key) => this.indexUnder(key, passportNumber));
  }

  /** The ids of the former keys (INTAKE_PREVIOUS_BLIND_INDEX_KEYS). */
  formerKeyIds(): string[] {
    return [...this.keys.keys()].filter((id) => id !== this.currentKeyId);
  }

  private indexUnder(key: Buffer, passportNumber: string): string {
    const normalised = passportNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return createHmac('sha256', key).update(`passport:${normalised}`).digest('hex');
  }
}
