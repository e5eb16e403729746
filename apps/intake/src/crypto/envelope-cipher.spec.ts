import { createCipheriv, randomBytes } from 'node:crypto';
import { CaseDataCipher, isCaseKeyCiphertext, MasterKeyRing } from './envelope-cipher';

/** A value of the former format, as the earlier PersonalDataCipher wrote it. */
function legacyEncrypt(keyId: string, key: Buffer, plaintext: string, aad: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `v1.${keyId}.${nonce.toString('base64')}.${body.toString('base64')}`;
}

describe('CaseDataCipher', () => {
  const cipher = new CaseDataCipher(MasterKeyRing.newDataKey());
  const caseId = '0b6f1a52-8d0e-4c37-9a51-6b1f4c1f0a01';

  it('round-trips a value and never stores the plaintext', () => {
    const stored = cipher.encrypt('Dilnoza Karimova', 'case_file.description_enc', caseId);
    expect(stored).not.toContain('Dilnoza');
    expect(isCaseKeyCiphertext(stored)).toBe(true);
    expect(cipher.decrypt(stored, 'case_file.description_enc', caseId)).toBe('Dilnoza Karimova');
  });

  it('uses a fresh nonce for every value', () => {
    expect(cipher.encrypt('same', 'case_note.body_enc', 'n1')).not.toBe(
      cipher.encrypt('same', 'case_note.body_enc', 'n1'),
    );
  });

  it('refuses a ciphertext moved to another row', () => {
    const stored = cipher.encrypt('secret', 'case_note.body_enc', 'note-1');
    expect(() => cipher.decrypt(stored, 'case_note.body_enc', 'note-2')).toThrow();
  });

  it('refuses a ciphertext moved to another column of the same row', () => {
    const stored = cipher.encryptJson({ name: 'Acme' }, 'case_file.employer_enc', caseId);
    expect(() => cipher.decrypt(stored, 'case_file.complainant_enc', caseId)).toThrow();
    expect(() => cipher.decrypt(stored, 'case_file.description_enc', caseId)).toThrow();
  });

  it('refuses a ciphertext under another case’s key', () => {
    const stored = cipher.encrypt('secret', 'case_file.description_enc', caseId);
    const other = new CaseDataCipher(MasterKeyRing.newDataKey());
    expect(() => other.decrypt(stored, 'case_file.description_enc', caseId)).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const stored = cipher.encrypt('secret value', 'case_file.description_enc', caseId);
    const [format, nonce, body] = stored.split('.');
    const bytes = Buffer.from(body, 'base64');
    bytes[0] ^= 1;
    const tampered = `${format}.${nonce}.${bytes.toString('base64')}`;
    expect(() => cipher.decrypt(tampered, 'case_file.description_enc', caseId)).toThrow();
  });
});

describe('MasterKeyRing', () => {
  const caseId = '0b6f1a52-8d0e-4c37-9a51-6b1f4c1f0a01';
  const masterKey = randomBytes(32);
  const ring = new MasterKeyRing('m1', masterKey);

  it('wraps a data key under the current master key id and unwraps it', () => {
    const dataKey = MasterKeyRing.newDataKey();
    const wrapped = ring.wrap(dataKey, caseId);
    expect(wrapped.masterKeyId).toBe('m1');
    expect(wrapped.wrappedKey).not.toContain(dataKey.toString('base64'));
    expect(ring.unwrap(wrapped, caseId).equals(dataKey)).toBe(true);
  });

  it('refuses a wrapped key moved to another case', () => {
    const wrapped = ring.wrap(MasterKeyRing.newDataKey(), caseId);
    expect(() => ring.unwrap(wrapped, '9d1f0c3e-0000-4000-8000-000000000000')).toThrow();
  });

  it('refuses a wrapped key under a wrong or unknown master key id', () => {
    const wrapped = ring.wrap(MasterKeyRing.newDataKey(), caseId);
    expect(() => ring.unwrap({ ...wrapped, masterKeyId: 'm0' }, caseId)).toThrow();
    // The same key bytes under another id: the id is bound into the wrap.
    const sameBytes = new MasterKeyRing('m2', masterKey);
    expect(() => sameBytes.unwrap({ ...wrapped, masterKeyId: 'm2' }, caseId)).toThrow();
  });

  it('refuses to unwrap with another master key', () => {
    const wrapped = ring.wrap(MasterKeyRing.newDataKey(), caseId);
    expect(() => new MasterKeyRing('m1', randomBytes(32)).unwrap(wrapped, caseId)).toThrow();
  });

  it('still unwraps keys wrapped under a former master key after rotation', () => {
    const dataKey = MasterKeyRing.newDataKey();
    const wrapped = ring.wrap(dataKey, caseId);
    const rotated = new MasterKeyRing('m2', randomBytes(32), new Map([['m1', masterKey]]));
    expect(rotated.unwrap(wrapped, caseId).equals(dataKey)).toBe(true);
    expect(rotated.wrap(dataKey, caseId).masterKeyId).toBe('m2');
  });

  it('reads values of the former format only with the master key that wrote them', () => {
    const stored = legacyEncrypt('m1', masterKey, 'AB1234567', caseId);
    expect(isCaseKeyCiphertext(stored)).toBe(false);
    expect(ring.decryptLegacy(stored, caseId)).toBe('AB1234567');
    expect(() => ring.decryptLegacy(stored, 'another-row')).toThrow();
    expect(() => new MasterKeyRing('m2', randomBytes(32)).decryptLegacy(stored, caseId)).toThrow();
  });

  it("keeps a case's values of the former format readable through its cipher until converted, each bound as it was written", () => {
    const noteId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
    const withLegacy = new CaseDataCipher(MasterKeyRing.newDataKey(), { masterKeys: ring, caseId });
    const description = legacyEncrypt('m1', masterKey, 'unpaid since March', caseId);
    const note = legacyEncrypt('m1', masterKey, 'called the employer', `${caseId}/${noteId}`);
    expect(withLegacy.decrypt(description, 'case_file.description_enc', caseId)).toBe(
      'unpaid since March',
    );
    expect(withLegacy.decrypt(note, 'case_note.body_enc', noteId)).toBe('called the employer');
    // Bound to its row as before: moved to another note, or read without the master key, it fails.
    expect(() => withLegacy.decrypt(note, 'case_note.body_enc', caseId)).toThrow();
    expect(() =>
      new CaseDataCipher(MasterKeyRing.newDataKey()).decrypt(
        description,
        'case_file.description_enc',
        caseId,
      ),
    ).toThrow();
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => new MasterKeyRing('m1', randomBytes(16))).toThrow();
    expect(() => new CaseDataCipher(randomBytes(31))).toThrow();
  });
});
