import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ContentMode, StoredEvent } from './cloud-event-request';
import type { DeliveryStatus, WebhookDelivery } from './webhook-subscription';
import { NOTIFY_WEBHOOK_WORKERS } from './webhook-settings';

interface DeliveryRow {
  id: string;
  subscription_id: string;
  seq: string;
  event_id: string;
  event_type: string;
  case_id: string;
  event?: unknown;
  status: DeliveryStatus;
  attempts: number;
  replays: number;
  next_attempt_at: Date;
  in_flight: boolean;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  parked_at: Date | null;
  created_at: Date;
  held_behind: string | null;
}

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  seq: r.seq,
  eventId: r.event_id,
  eventType: r.event_type,
  caseId: r.case_id,
  event: r.event,
  status: r.status,
  attempts: r.attempts,
  replays: r.replays,
  nextAttemptAt: r.next_attempt_at,
  inFlight: r.in_flight,
  lastAttemptAt: r.last_attempt_at,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  parkedAt: r.parked_at,
  createdAt: r.created_at,
  heldBehind: r.held_behind,
});

/** A new delivery: one event for one subscription. */
export interface NewDelivery {
  subscriptionId: string;
  eventId: string;
  eventType: string;
  caseId: string;
  event: StoredEvent;
}

/** A delivery a worker holds under a lease, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  leaseToken: string;
  attempts: number;
  event: StoredEvent;
  url: string;
  secret: string;
  contentMode: ContentMode;
}

/** The result of one attempt, as the worker records it. */
export type AttemptRecord =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'retry'; statusCode: number | null; error: string; delayMs: number }
  | { outcome: 'parked'; statusCode: number | null; error: string };

const LOG_COLUMNS = `d.id, d.subscription_id, d.seq, d.event_id, d.event_type, d.case_id, d.status,
  d.attempts, d.replays, d.next_attempt_at, (d.status = 'pending' AND d.lease_until IS NOT NULL AND d.lease_until > now()) AS in_flight,
  d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at, d.parked_at, d.created_at,
  CASE WHEN d.status = 'delivered' THEN NULL ELSE (
    SELECT e.id FROM webhook_delivery e
    WHERE e.subscription_id = d.subscription_id AND e.case_id = d.case_id AND e.seq < d.seq
      AND e.status <> 'delivered'
    ORDER BY e.seq LIMIT 1) END AS held_behind`;

/** The earliest delivery of the same case that is not delivered yet comes first (docs/webhooks.md#ordering). */
const NOT_HELD_BACK = `NOT EXISTS (
  SELECT 1 FROM webhook_delivery e
  WHERE e.subscription_id = d.subscription_id AND e.case_id = d.case_id AND e.seq < d.seq
    AND e.status <> 'delivered')`;

/** The SQL of the delivery queue and log. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Queues deliveries in the dispatcher's inbox transaction, in the order given (their `seq`);
   * one that exists already (the same event for the same subscription) is left as it is. The
   * commit wakes the workers of every instance.
   */
  async enqueue(manager: EntityManager, deliveries: NewDelivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const rows = await manager.query<unknown[]>(
      `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, case_id, event)
       SELECT e.id, e.sub, e.event_id, e.type, e.case_id, e.event
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::json[])
         WITH ORDINALITY AS e(id, sub, event_id, type, case_id, event, n)
       ORDER BY e.n
       ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      [
        deliveries.map(() => randomUUID()),
        deliveries.map((d) => d.subscriptionId),
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => d.caseId),
        deliveries.map((d) => JSON.stringify(d.event)),
      ],
    );
    if (rows.length > 0) await manager.query(NOTIFY_WEBHOOK_WORKERS);
    return rows.length;
  }

  /** The consulates cases were last assigned to, as far as the dispatcher has seen. */
  async caseConsulates(
    manager: EntityManager,
    caseIds: string[],
  ): Promise<Map<string, { consulateId: string; sequence: number }>> {
    const rows = await manager.query<{ case_id: string; consulate_id: string; sequence: number }[]>(
      'SELECT case_id, consulate_id, sequence FROM webhook_case_consulate WHERE case_id = ANY($1::uuid[])',
      [caseIds],
    );
    return new Map(
      rows.map((r) => [r.case_id, { consulateId: r.consulate_id, sequence: r.sequence }]),
    );
  }

  /** Keeps each case's latest assignment (the highest sequence wins, whatever the order). */
  async recordAssignments(
    manager: EntityManager,
    assignments: { caseId: string; consulateId: string; sequence: number }[],
  ): Promise<void> {
    if (assignments.length === 0) return;
    await manager.query(
      `INSERT INTO webhook_case_consulate (case_id, consulate_id, sequence)
       SELECT DISTINCT ON (a.case_id) a.case_id, a.consulate_id, a.sequence
       FROM unnest($1::uuid[], $2::text[], $3::int[]) AS a(case_id, consulate_id, sequence)
       ORDER BY a.case_id, a.sequence DESC
       ON CONFLICT (case_id) DO UPDATE SET consulate_id = EXCLUDED.consulate_id, sequence = EXCLUDED.sequence
       WHERE webhook_case_consulate.sequence < EXCLUDED.sequence`,
      [
        assignments.map((a) => a.caseId),
        assignments.map((a) => a.consulateId),
        assignments.map((a) => a.sequence),
      ],
    );
  }

  /**
   * Claims due deliveries for this instance, under a lease of `leaseMs`: at most `capacity` in
   * all and, per active subscription, as many as leave it `perSubscription` in flight across
   * every instance. Each subscription's row is locked while its deliveries are claimed (SKIP
   * LOCKED: instances claiming at once share the subscriptions out), which keeps the bound
   * exact; a delivery is claimed only when no earlier one of its case is undelivered.
   */
  async claim(
    capacity: number,
    perSubscription: number,
    leaseMs: number,
  ): Promise<ClaimedDelivery[]> {
    if (capacity <= 0) return [];
    return this.db.transaction(async (m) => {
      const subs = await m.query<{ id: string }[]>(
        `SELECT s.id FROM webhook_subscription s
         WHERE s.status = 'active' AND EXISTS (
           SELECT 1 FROM webhook_delivery d
           WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.next_attempt_at <= now()
             AND (d.lease_until IS NULL OR d.lease_until <= now()))
         ORDER BY random()
         FOR NO KEY UPDATE OF s SKIP LOCKED`,
      );
      if (subs.length === 0) return [];
      const inFlight = await m.query<{ subscription_id: string; n: number }[]>(
        `SELECT subscription_id, count(*)::int AS n FROM webhook_delivery
         WHERE subscription_id = ANY($1::uuid[]) AND status = 'pending' AND lease_until > now()
         GROUP BY subscription_id`,
        [subs.map((s) => s.id)],
      );
      const busy = new Map(inFlight.map((r) => [r.subscription_id, r.n]));
      // The capacity shared out one slot at a time, so that a busy subscription cannot take all.
      const slots = new Map<string, number>();
      let left = capacity;
      for (let round = 0; left > 0 && round < perSubscription; round++) {
        for (const { id } of subs) {
          if (left === 0) break;
          if ((busy.get(id) ?? 0) + (slots.get(id) ?? 0) < perSubscription) {
            slots.set(id, (slots.get(id) ?? 0) + 1);
            left--;
          }
        }
      }
      if (slots.size === 0) return [];
      const token = randomUUID();
      const [rows] = await m.query<
        [
          {
            id: string;
            subscription_id: string;
            attempts: number;
            event: StoredEvent;
            url: string;
            secret: string;
            content_mode: ContentMode;
          }[],
          number,
        ]
      >(
        `UPDATE webhook_delivery w
         SET lease_until = now() + make_interval(secs => $4::double precision / 1000),
             lease_token = $3
         FROM (
           SELECT c.id FROM unnest($1::uuid[], $2::int[]) AS s(id, slots)
           CROSS JOIN LATERAL (
             SELECT d.id FROM webhook_delivery d
             WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.next_attempt_at <= now()
               AND (d.lease_until IS NULL OR d.lease_until <= now())
               AND ${NOT_HELD_BACK}
             ORDER BY d.seq LIMIT s.slots
           ) c
         ) pick, webhook_subscription s
         WHERE w.id = pick.id AND s.id = w.subscription_id
         RETURNING w.id, w.subscription_id, w.attempts, w.event, s.url, s.secret, s.content_mode`,
        [[...slots.keys()], [...slots.values()], token, leaseMs],
      );
      return rows.map((r) => ({
        id: r.id,
        subscriptionId: r.subscription_id,
        leaseToken: token,
        attempts: r.attempts,
        event: r.event,
        url: r.url,
        secret: r.secret,
        contentMode: r.content_mode,
      }));
    });
  }

  /**
   * Records an attempt, if the lease is still this worker's (a worker whose lease ran out, e.g.
   * paused for longer than its lease, records nothing: another instance has the delivery).
   */
  async record(delivery: ClaimedDelivery, attempt: AttemptRecord): Promise<boolean> {
    const common = `attempts = attempts + 1, last_attempt_at = now(), last_status_code = $3,
      lease_until = NULL, lease_token = NULL`;
    const where = 'WHERE id = $1 AND lease_token = $2';
    const args = [delivery.id, delivery.leaseToken, attempt.statusCode];
    let result: [unknown[], number];
    switch (attempt.outcome) {
      case 'delivered':
        result = await this.db.query(
          `UPDATE webhook_delivery SET ${common}, status = 'delivered', delivered_at = now(),
             last_error = NULL ${where}`,
          args,
        );
        break;
      case 'retry':
        result = await this.db.query(
          `UPDATE webhook_delivery SET ${common}, last_error = $4,
             next_attempt_at = now() + make_interval(secs => $5::double precision / 1000) ${where}`,
          [...args, attempt.error, attempt.delayMs],
        );
        break;
      case 'parked':
        result = await this.db.query(
          `UPDATE webhook_delivery SET ${common}, last_error = $4, status = 'parked',
             parked_at = now() ${where}`,
          [...args, attempt.error],
        );
        break;
    }
    return result[1] > 0;
  }

  /** A subscription's log, newest first, from `beforeSeq` on. */
  async list(
    subscriptionId: string,
    filter: { status?: DeliveryStatus; beforeSeq?: string; limit: number },
  ): Promise<WebhookDelivery[]> {
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT ${LOG_COLUMNS} FROM webhook_delivery d
       WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)
         AND ($3::bigint IS NULL OR d.seq < $3)
       ORDER BY d.seq DESC LIMIT $4`,
      [subscriptionId, filter.status ?? null, filter.beforeSeq ?? null, filter.limit],
    );
    return rows.map(toDelivery);
  }

  async find(subscriptionId: string, id: string): Promise<WebhookDelivery | null> {
    const [row] = await this.db.query<DeliveryRow[]>(
      `SELECT ${LOG_COLUMNS}, d.event FROM webhook_delivery d
       WHERE d.subscription_id = $1 AND d.id = $2`,
      [subscriptionId, id],
    );
    return row ? toDelivery(row) : null;
  }

  /**
   * Queues a delivery again, due now, with a fresh count of attempts (its log keeps `replays`):
   * false when it is being sent at this moment.
   */
  async replay(subscriptionId: string, id: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [, count] = await m.query<[unknown[], number]>(
        `UPDATE webhook_delivery SET status = 'pending', attempts = 0, replays = replays + 1,
           next_attempt_at = now(), parked_at = NULL, lease_until = NULL, lease_token = NULL
         WHERE subscription_id = $1 AND id = $2
           AND NOT (status = 'pending' AND lease_until > now())`,
        [subscriptionId, id],
      );
      if (count > 0) await m.query(NOTIFY_WEBHOOK_WORKERS);
      return count > 0;
    });
  }

  /** Queues every parked delivery of a subscription again (they go in their original order). */
  async replayParked(subscriptionId: string): Promise<number> {
    return this.db.transaction(async (m) => {
      const [, count] = await m.query<[unknown[], number]>(
        `UPDATE webhook_delivery SET status = 'pending', attempts = 0, replays = replays + 1,
           next_attempt_at = now(), parked_at = NULL
         WHERE subscription_id = $1 AND status = 'parked'`,
        [subscriptionId],
      );
      if (count > 0) await m.query(NOTIFY_WEBHOOK_WORKERS);
      return count;
    });
  }

  /**
   * Milliseconds until the worker has something to do that no notification announces: the
   * earliest retry of an active subscription that is not held behind an earlier delivery of its
   * case, or the earliest lease to run out (its delivery is then claimed again, or the ones held
   * behind it become due). 0 or less: due now; null: nothing is pending.
   */
  async nextDueInMs(): Promise<number | null> {
    const [row] = await this.db.query<{ ms: number | null }[]>(
      `SELECT ceil(extract(epoch FROM min(t) - clock_timestamp()) * 1000)::float8 AS ms FROM (
         SELECT min(d.next_attempt_at) AS t FROM webhook_delivery d
         JOIN webhook_subscription s ON s.id = d.subscription_id AND s.status = 'active'
         WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= now())
           AND ${NOT_HELD_BACK}
         UNION ALL
         SELECT min(d.lease_until) FROM webhook_delivery d
         JOIN webhook_subscription s ON s.id = d.subscription_id AND s.status = 'active'
         WHERE d.status = 'pending' AND d.lease_until > now()
       ) due`,
    );
    return row?.ms ?? null;
  }

  /** Deletes delivered entries older than `days` from the log; returns how many. */
  async pruneDelivered(days: number, batch = 5000): Promise<number> {
    const [, count] = await this.db.query<[unknown[], number]>(
      `DELETE FROM webhook_delivery WHERE id IN (
         SELECT id FROM webhook_delivery
         WHERE status = 'delivered' AND delivered_at < now() - make_interval(days => $1)
         LIMIT $2)`,
      [days, batch],
    );
    return count;
  }
}
