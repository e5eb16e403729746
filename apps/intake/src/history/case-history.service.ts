import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { AuditEntryRepository } from '../audit/audit-entry.repository';
import { AuditService } from '../audit/audit.service';
import { CaseScope } from '../cases/case-scope.service';
import { CaseAssignmentChangeRepository } from '../cases/repositories/case-assignment-change.repository';
import { CaseStatusChangeRepository } from '../cases/repositories/case-status-change.repository';
import { CaseNoteRepository } from '../notes/case-note.repository';
import { CasePriorityChangeRepository } from '../priority/case-priority-change.repository';
import { HistoryEntryResponse } from './dto/history-entry.response';

/** A case's history, gathered from the tables of the features that wrote it. */
@Injectable()
export class CaseHistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly scope: CaseScope,
    private readonly statusChanges: CaseStatusChangeRepository,
    private readonly assignmentChanges: CaseAssignmentChangeRepository,
    private readonly notes: CaseNoteRepository,
    private readonly priorityChanges: CasePriorityChangeRepository,
    private readonly auditEntries: AuditEntryRepository,
  ) {}

  /** Status changes, re-triages, assignments, notes added and — for consuls — every read and write of the file. */
  async history(user: AuthUser, id: string): Promise<HistoryEntryResponse[]> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.find(manager, user, id);
      const entries: HistoryEntryResponse[] = [];
      for (const s of await this.statusChanges.findByCase(manager, c.id)) {
        entries.push({
          kind: 'status_changed',
          at: s.at.toISOString(),
          actor: s.actor_id,
          actorRole: s.actor_role,
          summary: `${s.from_status} → ${s.to_status}`,
          details: { action: s.action, reason: s.reason, outcome: s.outcome, version: s.version },
        });
      }
      for (const p of await this.priorityChanges.findByCase(manager, c.id)) {
        entries.push({
          kind: 'priority_changed',
          at: p.at.toISOString(),
          actor: p.actor_id,
          actorRole: p.actor_role,
          summary: `priority ${p.from_priority} → ${p.to_priority}`,
          details: {
            from: p.from_priority,
            to: p.to_priority,
            reason: p.reason,
            version: p.version,
          },
        });
      }
      for (const a of await this.assignmentChanges.findByCase(manager, c.id)) {
        entries.push({
          kind: 'assigned',
          at: a.at.toISOString(),
          actor: 'assignment',
          actorRole: null,
          summary: `assigned to ${a.consulate_id}${a.caseworker_id ? ` / ${a.caseworker_id}` : ' (office queue)'}`,
          details: {
            consulateId: a.consulate_id,
            caseworkerId: a.caseworker_id,
            reason: a.reason,
            sequence: a.sequence,
          },
        });
      }
      for (const n of await this.notes.findHeadersByCase(manager, c.id)) {
        entries.push({
          kind: 'note_added',
          at: n.created_at.toISOString(),
          actor: n.author_id,
          actorRole: n.author_role,
          summary: 'note added',
          details: { noteId: n.id },
        });
      }
      // The audit trail tells who read the file: the consul's to oversee, not a caseworker's.
      if (user.roles.includes('consul')) {
        for (const e of await this.auditEntries.findByCase(manager, c.id)) {
          entries.push({
            kind: 'audit',
            at: e.at.toISOString(),
            actor: e.actor_id,
            actorRole: e.actor_role,
            summary: e.action,
            details: { consulateId: e.consulate_id, requestId: e.request_id },
          });
        }
      }
      await this.audit.record(manager, user, 'case.history_read', c.id);
      // A stable sort: entries at the same instant keep the order above.
      return entries.sort((a, b) => a.at.localeCompare(b.at));
    });
  }
}
