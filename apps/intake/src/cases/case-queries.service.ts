import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE } from '@casebridge/common';
import { AuditService } from '../audit/audit.service';
import { consularScope } from './case-access';
import { CaseFile } from './case-file.entity';
import { CasePresenter } from './case.presenter';
import { CaseScope } from './case-scope.service';
import { CaseListResponse, CaseResponse } from './dto/case.response';
import { ListCasesQuery } from './dto/list-cases.query';
import { CaseFileRepository } from './repositories/case-file.repository';

/** Keyset cursor: the last row's (submitted_at, id); only what this API issued is accepted. */
function cursorOf(c: CaseFile): string {
  return encodeCursor([c.submittedAt.toISOString(), c.id]);
}

function parseCursor(raw: string): { submittedAt: string; id: string } {
  const [submittedAt, id] = decodeCursor(raw, ['timestamp', 'uuid']);
  return { submittedAt, id };
}

/** Reading case files: one file, or a page of the cases in the caller's scope. */
@Injectable()
export class CaseQueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly scope: CaseScope,
    private readonly caseFiles: CaseFileRepository,
    private readonly presenter: CasePresenter,
  ) {}

  async get(user: AuthUser, id: string): Promise<CaseResponse> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.scope.find(manager, user, id);
      await this.audit.record(manager, user, 'case.read', id);
      return this.presenter.file(manager, user, found);
    });
  }

  async list(user: AuthUser, q: ListCasesQuery): Promise<CaseListResponse> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const before = q.cursor ? parseCursor(q.cursor) : null;
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.caseFiles.list(
        manager,
        {
          scope: consularScope(user),
          consulateId: q.consulateId,
          status: q.status,
          hostCountry: q.hostCountry,
          category: q.category,
          priority: q.priority,
          caseworkerId: q.caseworkerId,
          submittedFrom: q.submittedFrom ? new Date(q.submittedFrom) : undefined,
          submittedTo: q.submittedTo ? new Date(q.submittedTo) : undefined,
          before,
        },
        // One row more than the page tells whether another page follows.
        limit + 1,
      );
      const items = rows.slice(0, limit);
      const summaries = await this.presenter.summaries(manager, user, items);
      await this.audit.record(manager, user, 'case.listed', null);
      return {
        items: summaries,
        nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null,
      };
    });
  }
}
