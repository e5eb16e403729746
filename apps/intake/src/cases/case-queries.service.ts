import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE } from '@casebridge/common';
import { AuditService } from '../audit/audit.service';
import { PassportBlindIndex } from '../crypto/passport-blind-index';
import { consularScope } from './case-access';
import { CaseFile } from './case-file.entity';
import { CasePresenter } from './case.presenter';
import { CaseScope } from './case-scope.service';
import { CaseListResponse, CaseResponse } from './dto/case.response';
import { ListCasesQuery } from './dto/list-cases.query';
import { SearchCasesDto } from './dto/search-cases.dto';
import { CaseFileRepository, CaseListFilter } from './repositories/case-file.repository';

/** Keyset cursor: the last row's (submitted_at, id); only what this API issued is accepted. */
function cursorOf(c: CaseFile): string {
  return encodeCursor([c.submittedAt.toISOString(), c.id]);
}

function parseCursor(raw: string): { submittedAt: string; id: string } {
  const [submittedAt, id] = decodeCursor(raw, ['timestamp', 'uuid']);
  return { submittedAt, id };
}

/** The page size and keyset position a request asks for (a bad cursor is 400 before any query). */
function pageOf(q: { limit?: number; cursor?: string }): {
  limit: number;
  before: { submittedAt: string; id: string } | null;
} {
  return { limit: q.limit ?? DEFAULT_PAGE_SIZE, before: q.cursor ? parseCursor(q.cursor) : null };
}

/** Reading case files: one file, a page of the cases in the caller's scope, a passport's cases. */
@Injectable()
export class CaseQueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blindIndex: PassportBlindIndex,
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

  /** A page of the cases in the caller's scope; a `reference` filter is audited as a search. */
  async list(user: AuthUser, q: ListCasesQuery): Promise<CaseListResponse> {
    const { limit, before } = pageOf(q);
    return this.dataSource.transaction(async (manager) => {
      const page = await this.page(
        manager,
        user,
        {
          scope: consularScope(user),
          reference: q.reference,
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
        limit,
      );
      if (q.reference)
        await this.audit.recordFound(
          manager,
          user,
          'case.searched_by_reference',
          page.items.map((c) => c.id),
        );
      else await this.audit.record(manager, user, 'case.listed', null);
      return page;
    });
  }

  /**
   * The cases of a passport, matched by its blind index (the number itself is neither stored nor
   * logged nor audited), newest first, within the caller's scope. The route is intake officers'.
   */
  async searchByPassport(user: AuthUser, q: SearchCasesDto): Promise<CaseListResponse> {
    const { limit, before } = pageOf(q);
    // Under the former blind-index keys too, while a rotation re-indexes the cases.
    const passportIndexes = this.blindIndex.passportIndexes(q.passportNumber);
    return this.dataSource.transaction(async (manager) => {
      const page = await this.page(
        manager,
        user,
        { scope: consularScope(user), passportIndexes, before },
        limit,
      );
      await this.audit.recordFound(
        manager,
        user,
        'case.searched_by_passport',
        page.items.map((c) => c.id),
      );
      return page;
    });
  }

  private async page(
    manager: EntityManager,
    user: AuthUser,
    filter: CaseListFilter,
    limit: number,
  ): Promise<CaseListResponse> {
    // One row more than the page tells whether another page follows.
    const rows = await this.caseFiles.list(manager, filter, limit + 1);
    const items = rows.slice(0, limit);
    return {
      items: await this.presenter.summaries(manager, user, items),
      nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null,
    };
  }
}
