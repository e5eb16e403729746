import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { PersonalDataExportRequestDto } from './dto/personal-data-export-request.dto';
import { PERSONAL_DATA_EXPORT_SCHEMA } from './dto/personal-data-export.schema';
import { PassportLookupThrottleGuard } from './passport-lookup-throttle.guard';
import type { PersonalDataExport } from './personal-data-export.document';
import { personalDataExportHtml } from './personal-data-export.html';
import { PersonalDataExportService } from './personal-data-export.service';

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html';

@ApiTags('personal data')
@Controller('v1/personal-data/exports')
export class PersonalDataExportController {
  constructor(private readonly exports: PersonalDataExportService) {}

  @Post()
  @HttpCode(200)
  @Roles('data_protection_officer')
  @UseGuards(PassportLookupThrottleGuard)
  @ApiOperation({
    summary: 'Export everything held about a complainant (access request)',
    description:
      'Data protection officers only. Exactly one of caseId, reference or passportNumber. A case id or reference exports that case ' +
      'and every other case with the same passport (blind index); a passport number every case with its index. Per case: the file ' +
      'with its personal data decrypted, classifications, status history with comments, re-triages, notes, assignments, duplicate ' +
      'links and the audit trail of who accessed it. A case whose key was destroyed (erased) is exported with its personal fields ' +
      'null and personalDataErased true. JSON by default; a readable HTML page with Accept: text/html. Each case exported is ' +
      'audited (case.personal_data_exported); the passport number is never stored, logged, audited or echoed. Passport lookups ' +
      'count against INTAKE_PASSPORT_SEARCH_PER_MINUTE like the passport search.',
  })
  @ApiProduces(JSON_TYPE, HTML_TYPE)
  @ApiOkResponse({
    description: 'The export: JSON (header and cases), or the same as one self-contained HTML page',
    headers: {
      'Cache-Control': {
        description: 'no-store',
        required: true,
        schema: { type: 'string', enum: ['no-store'] },
      },
      Vary: { description: 'Accept', required: true, schema: { type: 'string' } },
    },
    content: {
      [JSON_TYPE]: { schema: PERSONAL_DATA_EXPORT_SCHEMA },
      [HTML_TYPE]: {
        schema: {
          type: 'string',
          description: 'One self-contained page, every stored value escaped',
        },
      },
    },
  })
  @ApiBadRequestResponse({
    description:
      'Malformed JSON, unknown field, not exactly one lookup field, or an invalid caseId, reference or passportNumber (problem+json naming the field)',
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'Only data protection officers export personal data' })
  @ApiNotFoundResponse({ description: 'No case matches the lookup (personal_data_not_found)' })
  @ApiTooManyRequestsResponse({
    description: 'Too many passport lookups (or requests) in the last minute',
    headers: {
      'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
    },
  })
  async export(
    @CurrentUser() user: AuthUser,
    @Body() dto: PersonalDataExportRequestDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PersonalDataExport | string> {
    const doc = await this.exports.export(user, dto);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Vary', 'Accept');
    if (req.accepts([JSON_TYPE, HTML_TYPE]) !== HTML_TYPE) return doc;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    // The page has no script and loads nothing: should stored text ever slip past escaping, it cannot run.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return personalDataExportHtml(doc);
  }
}
