import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { AuditEntryRepository } from '../audit/audit-entry.repository';
import { AuditService } from '../audit/audit.service';
import { canAccessCase } from '../cases/case-access';
import { CaseScope } from '../cases/case-scope.service';
import { CaseFileRepository } from '../cases/repositories/case-file.repository';
import { CaseAssignmentChangeRepository } from '../cases/repositories/case-assignment-change.repository';
import { CaseStatusChangeRepository } from '../cases/repositories/case-status-change.repository';
import { CaseNoteRepository } from '../notes/case-note.repository';
import { CasePriorityChangeRepository } from '../priority/case-priority-change.repository';
import { HistoryEntryResponse } from './dto/history-entry.response';

/** The status change of a confirmed duplicate (DuplicateDecisionService). */
const CONFIRM = 'confirm_duplicate';

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
    private readonly caseFiles: CaseFileRepository,
  ) {}

  /** Status changes, re-triages, assignments, notes added and — for consuls — every read and write of the file. */
  async history(user: AuthUser, id: string): Promise<HistoryEntryResponse[]> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.find(manager, user, id);
      const entries: HistoryEntryResponse[] = [];
      const statusChanges = await this.statusChanges.findByCase(manager, c.id);
      // A confirmed duplicate says that the complainant has another case: to a caller who may
      // not see that case (possibleDuplicateOf is hidden from them too), it is a plain close.
      let duplicateShown = false;
      if (c.possibleDuplicateOf !== null && c.duplicateDecision !== null) {
        const holders = await this.caseFiles.holders(manager, [c.possibleDuplicateOf]);
        duplicateShown =
          holders.has(c.possibleDuplicateOf) &&
          canAccessCase(user, holders.get(c.possibleDuplicateOf) ?? null);
      }
      for (const s of statusChanges) {
        const hidden = s.action === CONFIRM && !duplicateShown;
        entries.push({
          kind: 'status_changed',
          at: s.at.toISOString(),
          actor: s.actor_id,
          actorRole: s.actor_role,
          summary: `${s.from_status} → ${s.to_status}`,
          details: {
            action: hidden ? 'close' : s.action,
            reason: hidden ? null : s.reason,
            outcome: s.outcome,
            version: s.version,
          },
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
            // As for the status change above: the decision is a transition to this reader.
            summary:
              e.action === 'case.duplicate_decided' && !duplicateShown
                ? 'case.transitioned'
                : e.action,
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
