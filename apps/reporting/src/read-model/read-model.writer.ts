import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseFact } from './case-fact';
import { AnyCasebridgeEvent, emptyFact, mergeEvent } from './case-fact';
import { BucketEntry, contributionDelta } from './contributions';
import type { ReadModelTables } from './read-model-tables';

interface CaseFactRow {
  case_id: string;
  host_country: string | null;
  host_city: string | null;
  category: CaseFact['category'];
  priority: CaseFact['priority'];
  risk_indicators: CaseFact['riskIndicators'];
  channel: CaseFact['channel'];
  submitted_at: Date | null;
  amount_claimed: string | null;
  amount_claimed_currency: string | null;
  status: CaseFact['status'];
  status_version: number;
  status_changed_at: Date | null;
  first_assigned_at: Date | null;
  first_action_at: Date | null;
  resolved_at: Date | null;
  resolution_version: number;
  outcome_type: CaseFact['outcomeType'];
  amount_recovered: string | null;
  amount_recovered_currency: string | null;
  consulate_id: string | null;
  caseworker_id: string | null;
  assignment_sequence: number;
  sla_acceptance_breaches: number;
  sla_resolution_breaches: number;
  last_event_at: Date | null;
}

function money(amount: string | null, currency: string | null): CaseFact['amountClaimed'] {
  return amount !== null && currency !== null ? { amount, currency } : null;
}

function toFact(row: CaseFactRow): CaseFact {
  return {
    caseId: row.case_id,
    hostCountry: row.host_country,
    hostCity: row.host_city,
    category: row.category,
    priority: row.priority,
    riskIndicators: row.risk_indicators,
    channel: row.channel,
    submittedAt: row.submitted_at,
    amountClaimed: money(row.amount_claimed, row.amount_claimed_currency),
    status: row.status,
    statusVersion: row.status_version,
    statusChangedAt: row.status_changed_at,
    firstAssignedAt: row.first_assigned_at,
    firstActionAt: row.first_action_at,
    resolvedAt: row.resolved_at,
    resolutionVersion: row.resolution_version,
    outcomeType: row.outcome_type,
    amountRecovered: money(row.amount_recovered, row.amount_recovered_currency),
    consulateId: row.consulate_id,
    caseworkerId: row.caseworker_id,
    assignmentSequence: row.assignment_sequence,
    slaAcceptanceBreaches: row.sla_acceptance_breaches,
    slaResolutionBreaches: row.sla_resolution_breaches,
    lastEventAt: row.last_event_at,
  };
}

/**
 * Applies events to the read model inside the caller's transaction (the inbox transaction of
 * the live consumer, or a rebuild's batch): the fact row, the buckets and the state change
 * together or not at all.
 */
@Injectable()
export class ReadModelWriter {
  async apply(
    event: AnyCasebridgeEvent,
    manager: EntityManager,
    tables: ReadModelTables,
  ): Promise<void> {
    const caseId = event.data.caseId;
    // Locking the fact row first serialises the events of one case across topics and partitions.
    await manager.query(`INSERT INTO ${tables.fact} (case_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
      caseId,
    ]);
    const [row] = await manager.query<CaseFactRow[]>(
      `SELECT * FROM ${tables.fact} WHERE case_id = $1 FOR UPDATE`,
      [caseId],
    );
    const before = row ? toFact(row) : emptyFact(caseId);
    const after = mergeEvent(before, event);
    await this.saveFact(manager, tables.fact, after);
    const delta = contributionDelta(before, after);
    await this.addToBuckets(
      manager,
      tables.caseBucket,
      delta.filter((e) => e.table === 'case'),
    );
    await this.addToBuckets(
      manager,
      tables.resolutionBucket,
      delta.filter((e) => e.table === 'resolution'),
    );
    await manager.query(
      `INSERT INTO ${tables.state} AS s (id, last_event_at, events_applied, updated_at)
       VALUES (1, $1, 1, clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET
         last_event_at = GREATEST(s.last_event_at, EXCLUDED.last_event_at),
         events_applied = s.events_applied + 1,
         updated_at = EXCLUDED.updated_at`,
      [new Date(event.time)],
    );
  }

  private async saveFact(manager: EntityManager, table: string, f: CaseFact): Promise<void> {
    await manager.query(
      `UPDATE ${table} SET
         host_country = $2, host_city = $3, category = $4, priority = $5, risk_indicators = $6,
         channel = $7, submitted_at = $8, amount_claimed = $9, amount_claimed_currency = $10,
         status = $11, status_version = $12, status_changed_at = $13, first_assigned_at = $14,
         first_action_at = $15, resolved_at = $16, resolution_version = $17, outcome_type = $18,
         amount_recovered = $19, amount_recovered_currency = $20, consulate_id = $21,
         caseworker_id = $22, assignment_sequence = $23, sla_acceptance_breaches = $24,
         sla_resolution_breaches = $25, last_event_at = $26
       WHERE case_id = $1`,
      [
        f.caseId,
        f.hostCountry,
        f.hostCity,
        f.category,
        f.priority,
        f.riskIndicators,
        f.channel,
        f.submittedAt,
        f.amountClaimed?.amount ?? null,
        f.amountClaimed?.currency ?? null,
        f.status,
        f.statusVersion,
        f.statusChangedAt,
        f.firstAssignedAt,
        f.firstActionAt,
        f.resolvedAt,
        f.resolutionVersion,
        f.outcomeType,
        f.amountRecovered?.amount ?? null,
        f.amountRecovered?.currency ?? null,
        f.consulateId,
        f.caseworkerId,
        f.assignmentSequence,
        f.slaAcceptanceBreaches,
        f.slaResolutionBreaches,
        f.lastEventAt,
      ],
    );
  }

  /**
   * Adds signed values to buckets, summed per key in SQL and in key order (a fixed lock order
   * between concurrent consumers). Buckets that fall to zero are deleted, so the tables hold
   * exactly what a rebuild from the log would produce.
   */
  private async addToBuckets(
    manager: EntityManager,
    table: string,
    entries: BucketEntry[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const columns = [
      entries.map((e) => e.hostCountry),
      entries.map((e) => e.day),
      entries.map((e) => e.category),
      entries.map((e) => e.consulateId),
      entries.map((e) => e.hostCity),
      entries.map((e) => e.metric),
      entries.map((e) => e.value),
    ];
    const input = `unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[])
      AS d(host_country, day, category, consulate_id, host_city, metric, value)`;
    await manager.query(
      `INSERT INTO ${table} AS b (host_country, day, category, consulate_id, host_city, metric, value)
       SELECT host_country, day, category, consulate_id, host_city, metric, sum(value)
       FROM ${input}
       GROUP BY host_country, day, category, consulate_id, host_city, metric
       HAVING sum(value) <> 0
       ORDER BY host_country, day, category, consulate_id, host_city, metric
       ON CONFLICT (host_country, day, category, consulate_id, host_city, metric)
       DO UPDATE SET value = b.value + EXCLUDED.value`,
      columns,
    );
    if (entries.some((e) => e.value.startsWith('-'))) {
      await manager.query(
        `DELETE FROM ${table} b USING ${input}
         WHERE b.host_country = d.host_country AND b.day = d.day AND b.category = d.category
           AND b.consulate_id = d.consulate_id AND b.host_city = d.host_city
           AND b.metric = d.metric AND b.value = 0`,
        columns,
      );
    }
  }
}
