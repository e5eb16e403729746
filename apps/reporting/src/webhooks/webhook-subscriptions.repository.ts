import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventType } from '@casebridge/contracts';
import type { ContentMode } from './cloud-event-request';
import type { SubscriptionStatus, WebhookSubscription } from './webhook-subscription';
import { NOTIFY_WEBHOOK_WORKERS } from './webhook-settings';

interface SubscriptionRow {
  id: string;
  url: string;
  event_types: EventType[];
  host_country: string | null;
  consulate_id: string | null;
  content_mode: ContentMode;
  secret: string;
  status: SubscriptionStatus;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const toSubscription = (r: SubscriptionRow): WebhookSubscription => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  hostCountry: r.host_country,
  consulateId: r.consulate_id,
  contentMode: r.content_mode,
  secret: r.secret,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type SubscriptionChanges = Partial<
  Pick<
    WebhookSubscription,
    'url' | 'eventTypes' | 'hostCountry' | 'consulateId' | 'contentMode' | 'secret' | 'status'
  >
>;

const COLUMNS: Record<keyof SubscriptionChanges, string> = {
  url: 'url',
  eventTypes: 'event_types',
  hostCountry: 'host_country',
  consulateId: 'consulate_id',
  contentMode: 'content_mode',
  secret: 'secret',
  status: 'status',
};

/** The SQL of webhook subscriptions. */
@Injectable()
export class WebhookSubscriptionsRepository {
  constructor(private readonly db: DataSource) {}

  /** Registers a subscription; the commit wakes the other instances (they start dispatching). */
  async insert(
    s: Omit<WebhookSubscription, 'createdAt' | 'updatedAt'>,
  ): Promise<WebhookSubscription> {
    return this.db.transaction(async (m) => {
      const [row] = await m.query<SubscriptionRow[]>(
        `INSERT INTO webhook_subscription
         (id, url, event_types, host_country, consulate_id, content_mode, secret, status, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          s.id,
          s.url,
          s.eventTypes,
          s.hostCountry,
          s.consulateId,
          s.contentMode,
          s.secret,
          s.status,
          s.createdBy,
        ],
      );
      await m.query(NOTIFY_WEBHOOK_WORKERS);
      return toSubscription(row);
    });
  }

  async list(): Promise<WebhookSubscription[]> {
    const rows = await this.db.query<SubscriptionRow[]>(
      'SELECT * FROM webhook_subscription ORDER BY created_at, id',
    );
    return rows.map(toSubscription);
  }

  async find(id: string): Promise<WebhookSubscription | null> {
    const [row] = await this.db.query<SubscriptionRow[]>(
      'SELECT * FROM webhook_subscription WHERE id = $1',
      [id],
    );
    return row ? toSubscription(row) : null;
  }

  /** Changes a subscription; the commit wakes the workers (a resumed one has a queue to send). */
  async update(id: string, changes: SubscriptionChanges): Promise<WebhookSubscription | null> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [
      keyof SubscriptionChanges,
      unknown,
    ][];
    const sets = entries.map(([key], i) => `${COLUMNS[key]} = $${i + 2}`);
    return this.db.transaction(async (m) => {
      const [rows] = await m.query<[SubscriptionRow[], number]>(
        `UPDATE webhook_subscription SET ${[...sets, 'updated_at = now()'].join(', ')}
         WHERE id = $1 RETURNING *`,
        [id, ...entries.map(([, value]) => value)],
      );
      if (!rows[0]) return null;
      await m.query(NOTIFY_WEBHOOK_WORKERS);
      return toSubscription(rows[0]);
    });
  }

  /** Deletes the subscription with its queue and log; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown[], number]>(
      'DELETE FROM webhook_subscription WHERE id = $1',
      [id],
    );
    return count > 0;
  }

  async any(): Promise<boolean> {
    const [row] = await this.db.query<{ any: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM webhook_subscription) AS any',
    );
    return row.any;
  }

  /** Every subscription's filters, read inside the dispatcher's inbox transaction. */
  async filters(
    manager: EntityManager,
  ): Promise<
    Pick<WebhookSubscription, 'id' | 'eventTypes' | 'hostCountry' | 'consulateId' | 'createdAt'>[]
  > {
    const rows = await manager.query<SubscriptionRow[]>(
      'SELECT id, event_types, host_country, consulate_id, created_at FROM webhook_subscription',
    );
    return rows.map((r) => ({
      id: r.id,
      eventTypes: r.event_types,
      hostCountry: r.host_country,
      consulateId: r.consulate_id,
      createdAt: r.created_at,
    }));
  }
}
