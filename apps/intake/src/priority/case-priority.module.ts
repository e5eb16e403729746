import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { CasePriorityChangeRepository } from './case-priority-change.repository';
import { CasePriorityController } from './case-priority.controller';
import { CasePriorityService } from './case-priority.service';

/** Re-triage: a case's priority changed after intake. Exports its table for the case's history. */
@Module({
  imports: [CasesModule, AuditModule],
  controllers: [CasePriorityController],
  providers: [CasePriorityService, CasePriorityChangeRepository],
  exports: [CasePriorityChangeRepository],
})
export class CasePriorityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(CasePriorityController);
  }
}
