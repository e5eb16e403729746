import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Consulate } from './consulate.entity';

export type ConsulateFilter = Partial<Pick<Consulate, 'hostCountry' | 'active'>>;

export type NewConsulate = Omit<Consulate, 'createdAt' | 'updatedAt'>;

/** The SQL on the consulate table. Callers pass the manager of their transaction. */
@Injectable()
export class ConsulatesRepository {
  list(manager: EntityManager, filter: ConsulateFilter): Promise<Consulate[]> {
    return manager.find(Consulate, { where: filter, order: { hostCountry: 'ASC', id: 'ASC' } });
  }

  findById(manager: EntityManager, id: string): Promise<Consulate | null> {
    return manager.findOneBy(Consulate, { id });
  }

  exists(manager: EntityManager, id: string): Promise<boolean> {
    return manager.existsBy(Consulate, { id });
  }

  lockById(manager: EntityManager, id: string): Promise<Consulate | null> {
    return manager.findOne(Consulate, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, values: NewConsulate, now: Date): Promise<Consulate> {
    const entity = manager.create(Consulate, { ...values, createdAt: now, updatedAt: now });
    await manager.insert(Consulate, entity);
    return entity;
  }

  save(manager: EntityManager, consulate: Consulate): Promise<Consulate> {
    return manager.save(consulate);
  }

  /** Demotes the country's default office, if any (only one default per country). */
  async clearCountryDefault(manager: EntityManager, hostCountry: string): Promise<void> {
    // Serialises default changes per country, so two at once cannot both keep their default.
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('consulate-default:' || $1))", [
      hostCountry,
    ]);
    await manager.query(
      'UPDATE consulate SET is_default_for_country = false, updated_at = now() WHERE host_country = $1 AND is_default_for_country',
      [hostCountry],
    );
  }
}
