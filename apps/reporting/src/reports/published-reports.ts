import { Inject, Injectable } from '@nestjs/common';
import { COMMON_ENV } from '@casebridge/common';
import type { ReportingEnvironment } from '../config/reporting.environment';
import type { HostCountryDetail, HostCountryReport } from './dto/host-country-report.response';
import type { ReportFilters } from './dto/report-query.dto';
import { HostCountryReportsService, Versioned } from './host-country-reports.service';
import { publishHostCountryDetail, publishHostCountryReport } from './small-cells';

/** How many published answers are kept (each a few tens of kB). */
export const PUBLISHED_CACHE_SIZE = 64;

/**
 * The reports as they may be published: read from the model and passed through small-cell
 * suppression (REPORT_MIN_CELL_SIZE), once per version of the read model and question. A
 * manager's dashboard asks the same questions again and again, and suppression costs more than
 * the reading (docs/reporting.md); until the next applied run the answer cannot change, so a
 * repeated question is answered from memory, with its lag measured anew. The version is read in
 * the report's own snapshot, so an answer is never kept under a version it was not read at.
 */
@Injectable()
export class PublishedReports {
  private readonly minCellSize: number;
  private readonly cache = new Map<string, { version: string; report: unknown }>();

  constructor(
    private readonly reports: HostCountryReportsService,
    @Inject(COMMON_ENV) env: ReportingEnvironment,
  ) {
    this.minCellSize = env.REPORT_MIN_CELL_SIZE;
  }

  list(filters: ReportFilters): Promise<HostCountryReport> {
    return this.answer(
      `list ${JSON.stringify(filters)}`,
      () => this.reports.list(filters),
      (report) => publishHostCountryReport(report, this.minCellSize),
    );
  }

  country(code: string, filters: ReportFilters): Promise<HostCountryDetail> {
    return this.answer(
      `country ${code} ${JSON.stringify(filters)}`,
      () => this.reports.country(code, filters),
      (detail) => publishHostCountryDetail(detail, this.minCellSize),
    );
  }

  private async answer<T extends { asOf: string | null; lagSeconds: number | null }>(
    question: string,
    read: () => Promise<Versioned<T>>,
    publish: (report: T) => T,
  ): Promise<T> {
    const kept = this.cache.get(question);
    if (kept !== undefined && kept.version === (await this.reports.version())) {
      // Most recently used last: the first entry is the one to drop.
      this.cache.delete(question);
      this.cache.set(question, kept);
      const report = kept.report as T;
      return { ...report, lagSeconds: await this.reports.lagSeconds(report.asOf) };
    }
    const { version, report } = await read();
    const published = publish(report);
    this.cache.delete(question);
    this.cache.set(question, { version, report: published });
    if (this.cache.size > PUBLISHED_CACHE_SIZE) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return published;
  }
}
