import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotAcceptableResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { COUNTRY_CODES } from '@casebridge/contracts';
import { DomainProblem, Roles, ValidationProblem } from '@casebridge/common';
import { HostCountryDetail, HostCountryReport } from './dto/host-country-report.response';
import { ReportQueryDto, toReportFilters } from './dto/report-query.dto';
import { hostCountryCsv } from './host-country-csv';
import { hostCountryWorkbook, XLSX_TYPE } from './host-country-workbook';
import { PublishedReports } from './published-reports';

const JSON_TYPE = 'application/json';
const CSV_TYPE = 'text/csv';

function negotiate(req: Request, offered: string[]): string {
  const chosen = req.accepts(offered);
  if (chosen === false) {
    throw new DomainProblem(
      406,
      'not_acceptable',
      'Not acceptable',
      `This resource is available as ${offered.join(' or ')}.`,
    );
  }
  return chosen;
}

function hostCountryCode(raw: string): string {
  const code = raw.toUpperCase();
  if (!COUNTRY_CODES.includes(code)) {
    throw new ValidationProblem(
      [
        {
          field: 'code',
          message: 'code must be an ISO 3166-1 alpha-2 code such as RU, KZ, KR, TR, DE',
        },
      ],
      'Invalid fields: code.',
    );
  }
  return code;
}

@ApiTags('reports')
@Controller('v1/reports/host-countries')
export class HostCountryReportsController {
  /** Every answer is suppressed there (REPORT_MIN_CELL_SIZE), once, before any format is written. */
  constructor(private readonly reports: PublishedReports) {}

  @Get()
  @Roles('manager', 'admin')
  @ApiOperation({
    summary: 'Statistics by host country',
    description:
      'One row per host country with cases submitted in the period (from/to are UTC days, inclusive), plus totals and a monthly series. ' +
      'With `Accept: text/csv` the rows, a TOTAL line and the freshness come as CSV with stable columns; with ' +
      `\`Accept: ${XLSX_TYPE}\` the same figures as an XLSX workbook (see docs/reporting.md). Any other Accept is 406. No personal data. ` +
      'Figures describing fewer than REPORT_MIN_CELL_SIZE cases (default 5) are null, with complements so that none can be worked out from the totals; countries with fewer are merged into one `(other)` row; `suppression` says what was done.',
  })
  @ApiProduces(JSON_TYPE, CSV_TYPE, XLSX_TYPE)
  @ApiExtraModels(HostCountryReport)
  @ApiOkResponse({
    description: 'The report: JSON, or a CSV or XLSX download of the same figures',
    content: {
      [JSON_TYPE]: { schema: { $ref: getSchemaPath(HostCountryReport) } },
      [CSV_TYPE]: { schema: { type: 'string' } },
      [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
    headers: {
      'Content-Disposition': {
        description:
          'CSV and XLSX only: attachment; filename="casebridge-host-countries-<asOf day>.csv" (or .xlsx)',
        schema: { type: 'string' },
      },
      Vary: { description: 'Accept', schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ description: 'Invalid filter (problem+json naming the field)' })
  @ApiForbiddenResponse({ description: 'Only managers and admins read reports' })
  @ApiNotAcceptableResponse({
    description: 'Accept names none of the three formats (problem+json)',
  })
  async list(
    @Query() query: ReportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HostCountryReport | string | StreamableFile> {
    const format = negotiate(req, [JSON_TYPE, CSV_TYPE, XLSX_TYPE]);
    const report = await this.reports.list(toReportFilters(query));
    res.vary('Accept');
    if (format === JSON_TYPE) return report;
    const day = (report.asOf ?? new Date().toISOString()).slice(0, 10);
    const disposition = (extension: string) =>
      `attachment; filename="casebridge-host-countries-${day}.${extension}"`;
    if (format === XLSX_TYPE) {
      return new StreamableFile(await hostCountryWorkbook(report), {
        type: XLSX_TYPE,
        disposition: disposition('xlsx'),
      });
    }
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', disposition('csv'));
    return hostCountryCsv(report);
  }

  @Get(':code')
  @Roles('manager', 'admin')
  @ApiOperation({
    summary: 'Statistics for one host country',
    description:
      'The same figures as a row of the list, a monthly series (received by submission month, resolved by resolution month) and breakdowns by city and by current consulate. ' +
      'Small cells are suppressed as in the list; cities and consulates with fewer than REPORT_MIN_CELL_SIZE cases are merged into one `(other)` row each.',
  })
  @ApiParam({ name: 'code', example: 'RU', description: 'ISO 3166-1 alpha-2' })
  @ApiOkResponse({ type: HostCountryDetail })
  @ApiBadRequestResponse({ description: 'Invalid country code or filter' })
  @ApiForbiddenResponse({ description: 'Only managers and admins read reports' })
  @ApiNotAcceptableResponse({ description: 'Accept does not allow JSON (problem+json)' })
  async country(
    @Param('code') code: string,
    @Query() query: ReportQueryDto,
    @Req() req: Request,
  ): Promise<HostCountryDetail> {
    negotiate(req, [JSON_TYPE]);
    return this.reports.country(hostCountryCode(code), toReportFilters(query));
  }
}
