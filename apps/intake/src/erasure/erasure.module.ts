import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccessRefusalAuditMiddleware } from '../audit/access-refusal-audit.middleware';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { ErasureController } from './erasure.controller';
import { PersonalDataErasureService } from './erasure.service';

/** Erasure of a case's personal data (issue 15): on request, and (later) by retention. */
@Module({
  imports: [CasesModule, AuditModule],
  controllers: [ErasureController],
  providers: [PersonalDataErasureService],
  exports: [PersonalDataErasureService],
})
export class ErasureModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(ErasureController);
  }
}
