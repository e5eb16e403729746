import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { AuditService } from '../audit/audit.service';
import { actingRole } from '../cases/case-access';
import { CaseScope } from '../cases/case-scope.service';
import { cipherForWrite, personalDataErased } from '../cases/cases.errors';
import { CaseFileRepository } from '../cases/repositories/case-file.repository';
import { CaseKeys, CaseKeyUnavailableError } from '../keystore/case-keys.service';
import { CaseNoteRepository } from './case-note.repository';
import { CreateNoteDto } from './dto/create-note.dto';
import { NoteResponse } from './dto/note.response';

/** Notes on a case, encrypted at rest under the case's own key, each sealed to its row. */
@Injectable()
export class NotesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseKeys: CaseKeys,
    private readonly audit: AuditService,
    private readonly scope: CaseScope,
    private readonly caseFiles: CaseFileRepository,
    private readonly notes: CaseNoteRepository,
  ) {}

  async add(user: AuthUser, caseId: string, dto: CreateNoteDto): Promise<NoteResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.lock(manager, user, caseId);
      if (c.personalDataErasedAt) throw personalDataErased(c.personalDataErasedAt);
      const noteId = randomUUID();
      const now = new Date();
      const role = actingRole(user);
      const cipher = await cipherForWrite(() => this.caseKeys.forCase(c.id));
      await this.notes.insert(manager, {
        id: noteId,
        caseId: c.id,
        authorId: user.sub,
        authorRole: role,
        bodyEnc: cipher.encrypt(dto.body, 'case_note.body_enc', noteId),
        createdAt: now,
      });
      c.updatedAt = now;
      await this.caseFiles.save(manager, c);
      await this.audit.record(manager, user, 'case.note_added', c.id);
      return {
        id: noteId,
        caseId: c.id,
        authorId: user.sub,
        authorRole: role,
        body: dto.body,
        createdAt: now.toISOString(),
      };
    });
  }

  async list(user: AuthUser, caseId: string): Promise<NoteResponse[]> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.find(manager, user, caseId);
      const rows = await this.notes.findByCase(manager, c.id);
      await this.audit.record(manager, user, 'case.notes_read', c.id);
      // An erased case's notes keep their author and time; their bodies are gone with its key.
      // (Its key destroyed but the case not yet marked: an interrupted erasure, the same.)
      const cipher = c.personalDataErasedAt
        ? null
        : await this.caseKeys.forCase(c.id).catch((error: unknown) => {
            if (error instanceof CaseKeyUnavailableError) return null;
            throw error;
          });
      return rows.map((r) => ({
        id: r.id,
        caseId: c.id,
        authorId: r.author_id,
        authorRole: r.author_role,
        body:
          cipher && r.body_enc !== null
            ? cipher.decrypt(r.body_enc, 'case_note.body_enc', r.id)
            : null,
        createdAt: r.created_at.toISOString(),
      }));
    });
  }
}
