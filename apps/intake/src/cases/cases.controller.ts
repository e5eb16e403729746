import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { CASE_ETAG_HEADER, idempotencyKeyOf, ifMatchVersion, withEtag } from './case-headers';
import { caseIdPipe } from './case-id.pipe';
import { CaseIntakeService } from './case-intake.service';
import { CaseLifecycleService } from './case-lifecycle.service';
import { CaseQueriesService } from './case-queries.service';
import { CaseListResponse, CaseResponse } from './dto/case.response';
import { CreateCaseDto } from './dto/create-case.dto';
import { ListCasesQuery } from './dto/list-cases.query';
import { SearchCasesDto } from './dto/search-cases.dto';
import { TransitionDto } from './dto/transition.dto';
import { PassportSearchThrottleGuard } from './passport-search-throttle.guard';

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
};

@ApiTags('cases')
@Controller('v1/cases')
export class CasesController {
  constructor(
    private readonly intake: CaseIntakeService,
    private readonly queries: CaseQueriesService,
    private readonly lifecycle: CaseLifecycleService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('intake_officer', 'caseworker', 'consul', 'integration')
  @ApiOperation({
    summary: 'Register a complaint',
    description:
      'Creates a case, triages its priority and flags a possible duplicate (same passport, host country and category within 90 days). ' +
      'With an Idempotency-Key the same key and body return the first answer again (201, same Location and ETag, `Idempotent-Replayed: true`), ' +
      'whatever happened to the case since: as it was at creation, with only the personal data the body sent (null once erased). ' +
      'The same key with another body is 409 idempotency_key_reused. Keys are per client and kept INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS (7 days). ' +
      'Integrations must send one (docs/retries.md).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '8–128 characters [A-Za-z0-9._:-]; required for integrations',
  })
  @ApiCreatedResponse({
    type: CaseResponse,
    description:
      'The case registered, or, for a retry with an Idempotency-Key already used with this body, the first answer again (whatever happened to the case since: docs/retries.md)',
    headers: {
      Location: {
        description: 'The case file: /v1/cases/{id}',
        required: true,
        schema: { type: 'string', pattern: '^/v1/cases/[0-9a-f-]{36}$' },
      },
      'Idempotent-Replayed': {
        description:
          '"true" when the answer is the first answer of an earlier request with this Idempotency-Key',
        schema: { type: 'string', enum: ['true'] },
      },
      ...CASE_ETAG_HEADER,
    },
  })
  @ApiBadRequestResponse({ description: 'Invalid fields (problem+json listing each field)' })
  @ApiConflictResponse({
    description: 'Idempotency-Key reused with another body (idempotency_key_reused)',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateCaseDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    const result = await this.intake.create(user, dto, idempotencyKeyOf(user, idempotencyKey));
    res.setHeader('Location', `/v1/cases/${result.case.id}`);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return withEtag(res, result.case);
  }

  @Get()
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'List cases, newest first; find one by its reference',
    description:
      'Filters combine with AND. Consular staff see only their consulate’s cases. Keyset pagination: pass nextCursor as cursor. ' +
      'Rows carry classifications only; read a case for its file. `reference` finds one case by the reference it was given ' +
      '(e.g. CB-2026-000123): an empty list when no case in your scope has it, the same whether it exists elsewhere or not. ' +
      'A reference lookup is audited as a search (case.searched_by_reference).',
  })
  @ApiOkResponse({ type: CaseListResponse })
  @ApiBadRequestResponse({
    description: 'Invalid filter, unknown parameter or cursor (problem+json naming the field)',
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'Managers, admins and integrations read no case files' })
  @ApiTooManyRequestsResponse({ description: 'Rate limit exceeded', headers: RETRY_AFTER })
  list(@CurrentUser() user: AuthUser, @Query() query: ListCasesQuery): Promise<CaseListResponse> {
    return this.queries.list(user, query);
  }

  @Post('search')
  @HttpCode(200)
  @Roles('intake_officer')
  @UseGuards(PassportSearchThrottleGuard)
  @ApiOperation({
    summary: 'Find the cases of a passport number',
    description:
      'Intake officers only: is this complainant known already? Matches through the keyed blind index (case, spaces and dashes ' +
      'do not matter), newest first, keyset-paginated like the list. The number travels in the body so that it never appears in a ' +
      'URL or a log; it is not stored, logged or audited (the search is: case.searched_by_passport, one entry per case found). ' +
      'Rows carry classifications only. Limited to INTAKE_PASSPORT_SEARCH_PER_MINUTE searches per user a minute.',
  })
  @ApiOkResponse({ type: CaseListResponse })
  @ApiBadRequestResponse({
    description:
      'Malformed JSON, unknown field, or invalid passportNumber, limit or cursor (problem+json naming the field)',
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'Only intake officers search by passport' })
  @ApiTooManyRequestsResponse({
    description: 'Too many passport searches (or requests) in the last minute',
    headers: RETRY_AFTER,
  })
  search(@CurrentUser() user: AuthUser, @Body() dto: SearchCasesDto): Promise<CaseListResponse> {
    return this.queries.searchByPassport(user, dto);
  }

  @Get(':id')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'Read a case file',
    description: 'Consular staff see only cases their consulate holds; others are 404.',
  })
  @ApiOkResponse({ type: CaseResponse, headers: CASE_ETAG_HEADER })
  @ApiNotFoundResponse({ description: 'No such case in your scope' })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    return withEtag(res, await this.queries.get(user, id));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'Move a case through its lifecycle',
    description:
      'Actions: start (assigned → in_progress), await_third_party, resume, resolve (outcome required; wages_recovered needs the amount), ' +
      'close, reopen, withdraw and reject (reason code required). Staff of the consulate holding the case take every action; ' +
      'intake officers may only withdraw or reject a case still submitted (not yet routed): once routed it belongs to its consulate. ' +
      'Any other move is 409 naming the actions you may take (allowedActions); a stale version (If-Match or body) is 409. ' +
      'Publishes case.status-changed.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The case version you read, e.g. "3"',
  })
  @ApiOkResponse({ type: CaseResponse, headers: CASE_ETAG_HEADER })
  @ApiBadRequestResponse({
    description:
      'Invalid body: unknown field, unknown action or reason, missing reason or outcome (problem+json naming the field)',
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'Managers, admins and integrations work no cases' })
  @ApiNotFoundResponse({ description: 'No such case in your scope' })
  @ApiConflictResponse({
    description:
      'Transition not allowed from the current status or not to you (invalid_transition, with allowedActions), or stale version (stale_version, with currentVersion)',
  })
  async transition(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: TransitionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    return withEtag(res, await this.lifecycle.transition(user, id, dto, ifMatchVersion(ifMatch)));
  }
}
