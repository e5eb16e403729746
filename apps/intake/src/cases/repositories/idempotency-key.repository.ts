import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RowInsert } from '@casebridge/common';

/** What a caller's Idempotency-Key was first used for. */
export interface IdempotencyKeyRow {
  request_hash: string;
  case_id: string;
}

/** The idempotency_key table: (caller, key) → the request's hash and the case it created. */
@Injectable()
export class IdempotencyKeyRepository {
  async find(
    manager: EntityManager,
    caller: string,
    key: string,
  ): Promise<IdempotencyKeyRow | null> {
    const [stored] = await manager.query<IdempotencyKeyRow[]>(
      'SELECT request_hash, case_id FROM idempotency_key WHERE caller = $1 AND key = $2',
      [caller, key],
    );
    return stored ?? null;
  }

  /** The key's row, written in one statement with the case it created (see insertRows). */
  row(caller: string, key: string, requestHash: string, caseId: string): RowInsert {
    return {
      table: 'idempotency_key',
      columns: ['caller', 'key', 'request_hash', 'case_id'],
      values: [caller, key, requestHash, caseId],
    };
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
