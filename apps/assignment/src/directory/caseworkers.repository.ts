import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { entitiesFrom } from '../database/rows';
import { Caseworker } from './caseworker.entity';

export type NewCaseworker = Omit<Caseworker, 'openCases' | 'createdAt' | 'updatedAt'>;

/**
 * The SQL on the caseworker table. Callers pass the manager of their transaction. Lock order,
 * to rule out deadlocks: an assignment row first (assignments take it), then caseworker rows in
 * id order.
 */
@Injectable()
export class CaseworkersRepository {
  listAt(manager: EntityManager, consulateId: string): Promise<Caseworker[]> {
    return manager.find(Caseworker, { where: { consulateId }, order: { id: 'ASC' } });
  }

  /** The caseworker linked to a staff identity (a token's `sub`), if any. */
  findByStaffSubject(manager: EntityManager, staffSubject: string): Promise<Caseworker | null> {
    return manager.findOneBy(Caseworker, { staffSubject });
  }

  existsAt(manager: EntityManager, id: string, consulateId: string): Promise<boolean> {
    return manager.existsBy(Caseworker, { id, consulateId });
  }

  exists(manager: EntityManager, id: string): Promise<boolean> {
    return manager.existsBy(Caseworker, { id });
  }

  /** The same row lock routing takes: a change never interleaves with a routing decision. */
  lockAt(manager: EntityManager, id: string, consulateId: string): Promise<Caseworker | null> {
    return manager.findOne(Caseworker, {
      where: { id, consulateId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Locks every caseworker of an office (plus any other ids named) in id order. Routing decides
   * on capacity only while it holds these locks, so concurrent decisions serialise per office
   * and never give a caseworker more than maxOpenCases.
   */
  async lockStaff(
    manager: EntityManager,
    consulateId: string | null,
    alsoIds: readonly string[] = [],
  ): Promise<Caseworker[]> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT * FROM caseworker WHERE consulate_id = $1 OR id = ANY($2::text[])
       ORDER BY id FOR UPDATE`,
      [consulateId, [...alsoIds]],
    );
    return entitiesFrom(manager, Caseworker, rows);
  }

  /** Changes a caseworker's count of open cases (never below 0); no caseworker, no change. */
  async adjustOpenCases(
    manager: EntityManager,
    caseworkerId: string | null,
    delta: number,
  ): Promise<void> {
    if (caseworkerId === null || delta === 0) return;
    await manager.query(
      'UPDATE caseworker SET open_cases = GREATEST(open_cases + $2, 0) WHERE id = $1',
      [caseworkerId, delta],
    );
  }

  /** Several workload changes in one statement (the rows are locked by the caller). */
  async adjustOpenCasesMany(
    manager: EntityManager,
    deltas: ReadonlyMap<string, number>,
  ): Promise<void> {
    const changed = [...deltas].filter(([, delta]) => delta !== 0);
    if (changed.length === 0) return;
    await manager.query(
      `UPDATE caseworker AS w SET open_cases = GREATEST(w.open_cases + d.delta, 0)
       FROM unnest($1::text[], $2::int[]) AS d(id, delta) WHERE w.id = d.id`,
      [changed.map(([id]) => id), changed.map(([, delta]) => delta)],
    );
  }

  async deactivate(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query('UPDATE caseworker SET active = false, updated_at = $2 WHERE id = $1', [
      id,
      at,
    ]);
  }

  async insert(manager: EntityManager, values: NewCaseworker, now: Date): Promise<Caseworker> {
    const entity = manager.create(Caseworker, {
      ...values,
      openCases: 0,
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(Caseworker, entity);
    return entity;
  }

  save(manager: EntityManager, caseworker: Caseworker): Promise<Caseworker> {
    return manager.save(caseworker);
  }
}
