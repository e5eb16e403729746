import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AuthUser,
  DomainProblem,
  decodeCursor,
  encodeCursor,
  DEFAULT_PAGE_SIZE,
} from '@casebridge/common';
import { Consulate } from '../directory/consulate.entity';
import { ConsulateNotFound } from '../directory/directory.service';
import {
  EscalationListResponse,
  EscalationRow,
  EscalationsQuery,
  toEscalationResponse,
} from './dto/escalation.dto';

/** SLA breaches of the cases an office holds now: what its consul must act on. */
@Injectable()
export class EscalationsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(user: AuthUser, query: EscalationsQuery): Promise<EscalationListResponse> {
    const consulateId = await this.scope(user, query.consulateId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor, ['serial'])[0];
    const rows = await this.dataSource.query<EscalationRow[]>(
      `SELECT b.id::text AS id, b.case_id, b.stage, b.cycle, b.due_at, b.breached_at,
              b.consulate_id AS breach_consulate_id, b.caseworker_id AS breach_caseworker_id,
              a.consulate_id, a.caseworker_id, a.state, a.priority, a.host_country, a.reason
       FROM sla_breach b JOIN assignment a ON a.case_id = b.case_id
       WHERE ($1::text IS NULL OR a.consulate_id = $1)
         AND ($2::text IS NULL OR b.stage = $2)
         AND ($3::bigint IS NULL OR b.id < $3)
       ORDER BY b.id DESC
       LIMIT $4`,
      [consulateId, query.stage ?? null, before, limit + 1],
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toEscalationResponse),
      nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
    };
  }

  private async scope(user: AuthUser, requested: string | undefined): Promise<string | null> {
    if (user.roles.includes('admin')) {
      if (requested === undefined) return null;
      if (!(await this.dataSource.manager.existsBy(Consulate, { id: requested })))
        throw new ConsulateNotFound(requested);
      return requested;
    }
    if (user.consulateId === null || (requested !== undefined && requested !== user.consulateId)) {
      throw new DomainProblem(
        403,
        'outside_consulate',
        'Forbidden',
        "You may only see your own consulate's escalations.",
      );
    }
    return user.consulateId;
  }
}
