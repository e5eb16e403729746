/**
 * Unwrapped case keys held briefly in memory, so that reads do not reach the key store every
 * time: at most `capacity` keys (the least recently used leave first), each for `ttlMs`.
 */
export class CaseKeyCache {
  private readonly entries = new Map<string, { key: Buffer; expiresAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(caseId: string): Buffer | undefined {
    const entry = this.entries.get(caseId);
    if (!entry) return undefined;
    this.entries.delete(caseId);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(caseId, entry);
    return entry.key;
  }

  set(caseId: string, key: Buffer): void {
    if (this.capacity === 0 || this.ttlMs === 0) return;
    this.entries.delete(caseId);
    this.entries.set(caseId, { key, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forgets a case's key (once destroyed, it must not outlive the store's copy here). */
  delete(caseId: string): void {
    this.entries.delete(caseId);
  }

  get size(): number {
    return this.entries.size;
  }
}
