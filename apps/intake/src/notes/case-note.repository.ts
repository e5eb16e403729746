import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NewCaseNote {
  id: string;
  caseId: string;
  authorId: string;
  authorRole: string;
  /** Ciphertext: a note is personal data. */
  bodyEnc: string;
  createdAt: Date;
}

export interface CaseNoteRow {
  id: string;
  author_id: string;
  author_role: string;
  /** null once the case's personal data is erased. */
  body_enc: string | null;
  created_at: Date;
}

/** That a note was added, without its body (a case's history). */
export type CaseNoteHeaderRow = Omit<CaseNoteRow, 'body_enc'>;

/** The case_note table. */
@Injectable()
export class CaseNoteRepository {
  async insert(manager: EntityManager, n: NewCaseNote): Promise<void> {
    await manager.query(
      'INSERT INTO case_note (id, case_id, author_id, author_role, body_enc, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [n.id, n.caseId, n.authorId, n.authorRole, n.bodyEnc, n.createdAt],
    );
  }

  /** A case's notes, oldest first. */
  findByCase(manager: EntityManager, caseId: string): Promise<CaseNoteRow[]> {
    return manager.query<CaseNoteRow[]>(
      'SELECT id, author_id, author_role, body_enc, created_at FROM case_note WHERE case_id = $1 ORDER BY created_at, id',
      [caseId],
    );
  }

  findHeadersByCase(manager: EntityManager, caseId: string): Promise<CaseNoteHeaderRow[]> {
    return manager.query<CaseNoteHeaderRow[]>(
      'SELECT id, author_id, author_role, created_at FROM case_note WHERE case_id = $1',
      [caseId],
    );
  }
}
