import { Module } from '@nestjs/common';
import { HostCountryReportsController } from './host-country-reports.controller';
import { HostCountryReportsService } from './host-country-reports.service';

@Module({
  controllers: [HostCountryReportsController],
  providers: [HostCountryReportsService],
})
export class ReportsModule {}
