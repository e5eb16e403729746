import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HandoverResponse } from './dto/handover.response';

export interface HandoverRecord {
  caseworkerId: string;
  consulateId: string;
  mode: HandoverResponse['mode'];
  targetCaseworkerId: string | null;
  deactivated: boolean;
  /** The response, without id and replayed (they are the record's). */
  summary: Omit<HandoverResponse, 'id' | 'replayed'>;
  idempotencyKey: string | null;
  requestHash: string | null;
  actorId: string;
  actorRole: string;
  at: Date;
}

export interface StoredHandover {
  id: string;
  requestHash: string | null;
  summary: Omit<HandoverResponse, 'id' | 'replayed'>;
}

/** The SQL on caseworker_handover: one row per handover, with what it moved. */
@Injectable()
export class HandoverRepository {
  async insert(manager: EntityManager, r: HandoverRecord): Promise<string> {
    const [{ id }] = await manager.query<{ id: string }[]>(
      `INSERT INTO caseworker_handover (caseworker_id, consulate_id, mode, target_caseworker_id,
         deactivated, moved, summary, idempotency_key, request_hash, actor_id, actor_role, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12) RETURNING id::text AS id`,
      [
        r.caseworkerId,
        r.consulateId,
        r.mode,
        r.targetCaseworkerId,
        r.deactivated,
        r.summary.moved,
        JSON.stringify(r.summary),
        r.idempotencyKey,
        r.requestHash,
        r.actorId,
        r.actorRole,
        r.at,
      ],
    );
    return id;
  }

  /** A handover of this office's caseworker under this key (another office's is never answered). */
  async findByKey(
    manager: EntityManager,
    consulateId: string,
    caseworkerId: string,
    idempotencyKey: string,
  ): Promise<StoredHandover | null> {
    const [row] = await manager.query<
      { id: string; request_hash: string | null; summary: StoredHandover['summary'] }[]
    >(
      `SELECT id::text AS id, request_hash, summary FROM caseworker_handover
       WHERE caseworker_id = $1 AND idempotency_key = $2 AND consulate_id = $3`,
      [caseworkerId, idempotencyKey, consulateId],
    );
    return row ? { id: row.id, requestHash: row.request_hash, summary: row.summary } : null;
  }
}
