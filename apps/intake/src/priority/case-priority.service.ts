import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventTypes } from '@casebridge/contracts';
import type { AuthUser } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { CasePresenter } from '../cases/case.presenter';
import { CaseScope } from '../cases/case-scope.service';
import { CaseResponse } from '../cases/dto/case.response';
import { CaseFileRepository } from '../cases/repositories/case-file.repository';
import { CasePriorityChangeRepository } from './case-priority-change.repository';
import { ChangePriorityDto } from './dto/change-priority.dto';
import { priorityChangeRefusal, retriageRole } from './priority-change';

/**
 * Re-triage (issue 14): staff change an open case's priority with a reason code, under
 * optimistic concurrency. The case, the change, its audit entry and its
 * casebridge.case.priority-changed event commit together (the outbox); assignment moves the SLA
 * deadlines and reporting recounts the case from that event.
 */
@Injectable()
export class CasePriorityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditService,
    private readonly scope: CaseScope,
    private readonly caseFiles: CaseFileRepository,
    private readonly priorityChanges: CasePriorityChangeRepository,
    private readonly presenter: CasePresenter,
  ) {}

  async change(
    user: AuthUser,
    id: string,
    dto: ChangePriorityDto,
    ifMatch?: number,
  ): Promise<CaseResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.lock(manager, user, id);
      const refusal = priorityChangeRefusal(c, dto.priority, dto.version ?? ifMatch);
      if (refusal) throw refusal;
      const from = c.priority;
      const now = new Date();
      const role = retriageRole(user, c.consulateId);
      c.priority = dto.priority;
      c.version += 1;
      c.updatedAt = now;
      await this.caseFiles.save(manager, c);
      await this.priorityChanges.insert(manager, {
        caseId: c.id,
        from,
        to: dto.priority,
        reason: dto.reason,
        actorId: user.sub,
        actorRole: role,
        version: c.version,
        at: now,
      });
      await this.outbox.add(manager, EventTypes.CasePriorityChanged, {
        caseId: c.id,
        hostCountry: c.hostCountry,
        from,
        to: dto.priority,
        reason: dto.reason,
        at: now.toISOString(),
        actor: { type: 'user', id: user.sub, role },
        version: c.version,
      });
      await this.audit.record(manager, user, 'case.priority_changed', c.id);
      return this.presenter.file(manager, user, c);
    });
  }
}
