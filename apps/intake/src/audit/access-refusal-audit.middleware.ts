import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { AuditService } from './audit.service';

const CASE_ID_IN_PATH =
  /\/cases\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?]|$)/i;

/**
 * Audits refused attempts at case files: a 403 (the caller's role may not use the route) or a 404
 * (no such case in the caller's scope, another consulate's case included) answered to an
 * authenticated caller on a case route. Written once the response is out, on a connection of its
 * own: the request's transaction, which a refusal rolls back, would take the entry with it.
 */
@Injectable()
export class AccessRefusalAuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  use(req: Request & { id?: string; user?: AuthUser }, res: Response, next: NextFunction): void {
    res.once('finish', () => {
      if ((res.statusCode !== 403 && res.statusCode !== 404) || !req.user) return;
      const caseId = CASE_ID_IN_PATH.exec(req.originalUrl)?.[1]?.toLowerCase() ?? null;
      this.audit
        .record(this.dataSource.manager, req.user, 'case.access_refused', caseId, req.id ?? null)
        .catch((error: { code?: string }) =>
          this.logger.error(`could not audit a refused access (${error.code ?? 'error'})`),
        );
    });
    next();
  }
}
