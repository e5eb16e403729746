import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { AssignmentEventsConsumer } from './assignment-events.consumer';
import { AssignmentProjectionService } from './assignment-projection.service';
import { CaseIntakeService } from './case-intake.service';
import { CaseLifecycleService } from './case-lifecycle.service';
import { CaseQueriesService } from './case-queries.service';
import { CaseScope } from './case-scope.service';
import { CasePresenter } from './case.presenter';
import { CasesController } from './cases.controller';
import { DuplicateDecisionController } from './duplicate-decision.controller';
import { DuplicateDecisionService } from './duplicate-decision.service';
import { PassportSearchThrottleGuard } from './passport-search-throttle.guard';
import { CaseAssignmentChangeRepository } from './repositories/case-assignment-change.repository';
import { CaseFileRepository } from './repositories/case-file.repository';
import { CaseLinkRepository } from './repositories/case-link.repository';
import { CaseStatusChangeRepository } from './repositories/case-status-change.repository';
import { IdempotencyKeyExpiryJob } from './idempotency-key-expiry.job';
import { IdempotencyKeyRepository } from './repositories/idempotency-key.repository';

/**
 * The case file: intake (creation, idempotency), its lifecycle, duplicate decisions, reading and
 * listing, and the projection of `case.assigned`. Exports what the notes, priority and history
 * features build on: the scope check, the presenter and the case tables they read.
 */
@Module({
  imports: [AuditModule],
  controllers: [CasesController, DuplicateDecisionController, AssignmentEventsConsumer],
  providers: [
    CaseFileRepository,
    IdempotencyKeyRepository,
    IdempotencyKeyExpiryJob,
    CaseStatusChangeRepository,
    CaseAssignmentChangeRepository,
    CaseLinkRepository,
    CaseScope,
    CasePresenter,
    CaseIntakeService,
    CaseLifecycleService,
    CaseQueriesService,
    AssignmentProjectionService,
    DuplicateDecisionService,
    PassportSearchThrottleGuard,
  ],
  exports: [
    CaseScope,
    CasePresenter,
    CaseFileRepository,
    CaseStatusChangeRepository,
    CaseAssignmentChangeRepository,
    IdempotencyKeyRepository,
  ],
})
export class CasesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(AccessRefusalAuditMiddleware)
      .forRoutes(CasesController, DuplicateDecisionController);
  }
}
