import { Module } from '@nestjs/common';
import { COMMON_ENV } from '@casebridge/common';
import { DirectoryModule } from '../directory/directory.module';
import { EscalationsController } from './escalations.controller';
import { EscalationsService } from './escalations.service';
import { SlaBreachAcknowledgementsRepository } from './sla-breach-acknowledgements.repository';
import { SlaBreachJob } from './sla-breach.job';
import { SlaBreachesRepository } from './sla-breaches.repository';
import { SLA_POLICY, slaPolicyFrom } from './sla-policy';
import { SlaTimersRepository } from './sla-timers.repository';

/**
 * SLA deadlines: the policy (exported: routing starts the clocks with it, status changes move
 * them), the breach job, the escalation list and its acknowledgements. Uses the directory to
 * check a named consulate.
 */
@Module({
  imports: [DirectoryModule],
  controllers: [EscalationsController],
  providers: [
    { provide: SLA_POLICY, useFactory: slaPolicyFrom, inject: [COMMON_ENV] },
    SlaTimersRepository,
    SlaBreachesRepository,
    SlaBreachAcknowledgementsRepository,
    EscalationsService,
    SlaBreachJob,
  ],
  exports: [SLA_POLICY],
})
export class SlaModule {}
