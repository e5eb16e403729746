import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE } from '@casebridge/common';
import { inTransaction } from '../database/transactions';
import { DirectoryService } from '../directory/directory.service';
import {
  AcknowledgeEscalationDto,
  EscalationListResponse,
  EscalationResponse,
  EscalationsQuery,
  toAcknowledgementResponse,
  toEscalationResponse,
} from './dto/escalation.dto';
import {
  Acknowledgement,
  AcknowledgementReason,
  canAcknowledge,
  repeatedAcknowledgement,
} from './escalation-acknowledgement';
import { SlaBreachAcknowledgementsRepository } from './sla-breach-acknowledgements.repository';
import { SlaBreachesRepository } from './sla-breaches.repository';
import { escalationNotFound, slaErrors, SlaErrorCode } from './sla.errors';

/** SLA breaches of the cases an office holds now: what its consul must act on, and acknowledges. */
@Injectable()
export class EscalationsService {
  private readonly logger = new Logger(EscalationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly breaches: SlaBreachesRepository,
    private readonly acknowledgements: SlaBreachAcknowledgementsRepository,
    private readonly directory: DirectoryService,
  ) {}

  async list(user: AuthUser, query: EscalationsQuery): Promise<EscalationListResponse> {
    const consulateId = await this.scope(user, query.consulateId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor, ['serial'])[0];
    const rows = await this.breaches.escalations(
      this.dataSource.manager,
      {
        consulateId,
        stage: query.stage ?? null,
        acknowledged: query.acknowledged ?? null,
        beforeId: before ?? null,
      },
      limit + 1,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toEscalationResponse),
      nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
    };
  }

  /**
   * Records who acknowledged a breach, why and when: the first acknowledgement stands. With the
   * breach locked, concurrent acknowledgements run one after the other; each later one finds the
   * first and is a retry (same person, same reason: answered with it) or a 409 naming it.
   */
  async acknowledge(
    user: AuthUser,
    breachId: string,
    dto: AcknowledgeEscalationDto,
  ): Promise<EscalationResponse> {
    return inTransaction(this.dataSource, async (manager) => {
      const breach = await this.breaches.lockForAcknowledgement(manager, breachId);
      if (!breach || !canAcknowledge(user, breach.consulate_id)) throw escalationNotFound();
      const existing = await this.acknowledgements.find(manager, breachId);
      if (existing) {
        this.assertRetry(breachId, existing, user, dto.reason);
      } else {
        await this.acknowledgements.record(manager, breachId, {
          reason: dto.reason,
          actorId: user.sub,
          actorRole: user.roles.join(','),
          consulateId: breach.consulate_id,
          at: new Date(),
        });
        this.logger.log(
          `Escalation ${breachId} (${breach.stage}, case ${breach.case_id}) acknowledged at ${breach.consulate_id}: ${dto.reason}`,
        );
      }
      const row = await this.breaches.escalation(manager, breachId);
      if (!row) throw escalationNotFound(); // locked above: cannot happen
      return toEscalationResponse(row);
    });
  }

  private assertRetry(
    breachId: string,
    existing: Acknowledgement,
    user: AuthUser,
    reason: AcknowledgementReason,
  ): void {
    if (repeatedAcknowledgement(existing, user, reason) === 'replay') return;
    throw slaErrors.problem(
      SlaErrorCode.AlreadyAcknowledged,
      `Escalation ${breachId} was already acknowledged by ${existing.actorId} at ` +
        `${existing.at.toISOString()} (reason ${existing.reason}).`,
      { acknowledgement: toAcknowledgementResponse(existing) },
    );
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
