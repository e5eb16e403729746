import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { PassportSearchThrottleGuard } from '../cases/passport-search-throttle.guard';
import { NotesModule } from '../notes/notes.module';
import { CasePriorityModule } from '../priority/case-priority.module';
import { PassportLookupThrottleGuard } from './passport-lookup-throttle.guard';
import { PersonalDataExportController } from './personal-data-export.controller';
import { PersonalDataExportRepository } from './personal-data-export.repository';
import { PersonalDataExportService } from './personal-data-export.service';

/**
 * `POST /v1/personal-data/exports`: access requests. Reads what every case feature wrote, so, like
 * the history, it sits above them all.
 */
@Module({
  imports: [CasesModule, NotesModule, CasePriorityModule, AuditModule],
  controllers: [PersonalDataExportController],
  providers: [
    PersonalDataExportService,
    PersonalDataExportRepository,
    PassportSearchThrottleGuard,
    PassportLookupThrottleGuard,
  ],
})
export class DataExportModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(PersonalDataExportController);
  }
}
