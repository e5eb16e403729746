import { Module } from '@nestjs/common';
import { AuditEntryRepository } from './audit-entry.repository';
import { AuditService } from './audit.service';

/**
 * The audit trail. Each feature with case routes applies `AccessRefusalAuditMiddleware` to its
 * own controllers (in its module's `configure`), so this module knows no feature.
 */
@Module({
  providers: [AuditService, AuditEntryRepository],
  exports: [AuditService, AuditEntryRepository],
})
export class AuditModule {}
