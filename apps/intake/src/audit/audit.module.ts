import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CasesController } from '../cases/cases.controller';
import { AccessRefusalAuditMiddleware } from './access-refusal-audit.middleware';
import { AuditService } from './audit.service';

/** The audit trail, and the auditing of refused attempts at the case routes. */
@Module({ providers: [AuditService, AccessRefusalAuditMiddleware], exports: [AuditService] })
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessRefusalAuditMiddleware).forRoutes(CasesController);
  }
}
