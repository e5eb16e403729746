import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE } from '@casebridge/common';
import { DirectoryService } from '../directory/directory.service';
import {
  EscalationListResponse,
  EscalationsQuery,
  toEscalationResponse,
} from './dto/escalation.dto';
import { SlaBreachesRepository } from './sla-breaches.repository';
import { slaErrors, SlaErrorCode } from './sla.errors';

/** SLA breaches of the cases an office holds now: what its consul must act on. */
@Injectable()
export class EscalationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly breaches: SlaBreachesRepository,
    private readonly directory: DirectoryService,
  ) {}

  async list(user: AuthUser, query: EscalationsQuery): Promise<EscalationListResponse> {
    const consulateId = await this.scope(user, query.consulateId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor, ['serial'])[0];
    const rows = await this.breaches.escalations(
      this.dataSource.manager,
      { consulateId, stage: query.stage ?? null, beforeId: before ?? null },
      limit + 1,
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
      await this.directory.assertConsulateExists(requested);
      return requested;
    }
    if (user.consulateId === null || (requested !== undefined && requested !== user.consulateId)) {
      throw slaErrors.problem(
        SlaErrorCode.OutsideConsulate,
        "You may only see your own consulate's escalations.",
      );
    }
    return user.consulateId;
  }
}
