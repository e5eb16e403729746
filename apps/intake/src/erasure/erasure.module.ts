import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { ErasureController } from './erasure.controller';
import { PersonalDataErasureService } from './erasure.service';
import { LegalHoldController } from './legal-hold.controller';
import { LegalHoldService } from './legal-hold.service';
import { RetentionJob } from './retention.job';

/** Erasure of a case's personal data (issue 15): on request, by retention; legal holds. */
@Module({
  imports: [CasesModule, AuditModule],
  controllers: [ErasureController, LegalHoldController],
  providers: [PersonalDataErasureService, LegalHoldService, RetentionJob],
  exports: [PersonalDataErasureService],
})
export class ErasureModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(ErasureController, LegalHoldController);
  }
}
