import { createHmac } from 'node:crypto';

/** Keyed blind index of passport numbers (duplicate matching): equal numbers match, none is revealed. */
export class PassportBlindIndex {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the blind-index key must be 32 bytes');
  }

  static fromConfig(keyB64: string): PassportBlindIndex {
    return new PassportBlindIndex(Buffer.from(keyB64, 'base64'));
  }

  passportIndex(passportNumber: string): string {
    const normalised = passportNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return createHmac('sha256', this.key).update(`passport:${normalised}`).digest('hex');
  }
}
