import { Module } from '@nestjs/common';
import { EscalationsController } from './escalations.controller';
import { EscalationsService } from './escalations.service';
import { SlaBreachJob } from './sla-breach.job';

@Module({
  controllers: [EscalationsController],
  providers: [EscalationsService, SlaBreachJob],
})
export class SlaModule {}
