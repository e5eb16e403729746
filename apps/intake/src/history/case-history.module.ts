import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { NotesModule } from '../notes/notes.module';
import { CasePriorityModule } from '../priority/case-priority.module';
import { CaseHistoryController } from './case-history.controller';
import { CaseHistoryService } from './case-history.service';

/**
 * `GET /v1/cases/:id/history`: reads what the cases, notes, priority and audit features wrote, so
 * it sits above them all (in cases or audit it would make their modules import each other).
 */
@Module({
  imports: [CasesModule, NotesModule, CasePriorityModule, AuditModule],
  controllers: [CaseHistoryController],
  providers: [CaseHistoryService],
})
export class CaseHistoryModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(CaseHistoryController);
  }
}
