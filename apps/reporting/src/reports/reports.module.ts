import { Module } from '@nestjs/common';
import { HostCountryReportsController } from './host-country-reports.controller';
import { HostCountryReportsService } from './host-country-reports.service';
import { PublishedReports } from './published-reports';

@Module({
  controllers: [HostCountryReportsController],
  providers: [HostCountryReportsService, PublishedReports],
})
export class ReportsModule {}
