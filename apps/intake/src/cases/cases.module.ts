import { Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AssignmentEventsConsumer } from './assignment-events.consumer';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

@Module({
  controllers: [CasesController],
  providers: [CasesService, AuditService, AssignmentEventsConsumer],
})
export class CasesModule {}
