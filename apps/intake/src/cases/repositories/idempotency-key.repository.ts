import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RowInsert } from '@casebridge/common';
import type { ReplaySnapshot } from '../idempotent-replay';

/** What a caller's Idempotency-Key was first used for. */
export interface IdempotencyKeyRow {
  /** Hash of the first body; null once the case's personal data is erased (it derived from it). */
  request_hash: string | null;
  case_id: string;
  /** The first answer without its personal fields. */
  response: ReplaySnapshot;
}

/**
 * The idempotency_key table: (caller, key) → the request's hash, the case it created and the
 * answer it was given (personal fields left out). Keys are kept INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS.
 */
@Injectable()
export class IdempotencyKeyRepository {
  async find(
    manager: EntityManager,
    caller: string,
    key: string,
  ): Promise<IdempotencyKeyRow | null> {
    const [stored] = await manager.query<IdempotencyKeyRow[]>(
      'SELECT request_hash, case_id, response FROM idempotency_key WHERE caller = $1 AND key = $2',
      [caller, key],
    );
    return stored ?? null;
  }

  /** The key's row, written in one statement with the case it created (see insertRows). */
  row(
    caller: string,
    key: string,
    requestHash: string,
    caseId: string,
    response: ReplaySnapshot,
  ): RowInsert {
    return {
      table: 'idempotency_key',
      columns: ['caller', 'key', 'request_hash', 'case_id', 'response'],
      values: [caller, key, requestHash, caseId, JSON.stringify(response)],
    };
  }

  /** Forgets the hashes of the bodies that created a case (its personal data is being erased). */
  async forgetRequestHashes(manager: EntityManager, caseId: string): Promise<void> {
    await manager.query(
      'UPDATE idempotency_key SET request_hash = NULL WHERE case_id = $1 AND request_hash IS NOT NULL',
      [caseId],
    );
  }

  /** Deletes up to `limit` keys older than `ttlSeconds`; answers how many. */
  async deleteExpired(manager: EntityManager, ttlSeconds: number, limit: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, row count].
    const [, deleted] = await manager.query<[unknown[], number]>(
      `DELETE FROM idempotency_key WHERE (caller, key) IN (
         SELECT caller, key FROM idempotency_key
         WHERE created_at <= now() - make_interval(secs => $1)
         LIMIT $2)`,
      [ttlSeconds, limit],
    );
    return deleted;
  }

  /** Whether `error` is another transaction having stored the same (caller, key) first. */
  isKeyTaken(error: unknown): boolean {
    const e = error as {
      code?: string;
      constraint?: string;
      driverError?: { constraint?: string };
    } | null;
    return (
      e?.code === '23505' && (e.constraint ?? e.driverError?.constraint) === 'idempotency_key_pkey'
    );
  }
}
