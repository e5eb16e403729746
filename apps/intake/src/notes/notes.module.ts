import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { CaseNoteRepository } from './case-note.repository';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';

/** Notes on a case file. Exports the note table for the case's history. */
@Module({
  imports: [CasesModule, AuditModule],
  controllers: [NotesController],
  providers: [NotesService, CaseNoteRepository],
  exports: [CaseNoteRepository],
})
export class NotesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(NotesController);
  }
}
