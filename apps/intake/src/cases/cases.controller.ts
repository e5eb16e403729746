import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles, ValidationProblem } from '@casebridge/common';
import { CaseNotFound, CasesService } from './cases.service';
import {
  CaseListResponse,
  CaseResponse,
  HistoryEntryResponse,
  NoteResponse,
} from './dto/case.response';
import { CreateCaseDto } from './dto/create-case.dto';
import { ListCasesQuery } from './dto/list-cases.query';
import { CreateNoteDto, TransitionDto } from './dto/transition.dto';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

function caseIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new CaseNotFound() });
}

/** `If-Match: "3"` (or W/"3", or 3) → 3. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new ValidationProblem(
      [{ field: 'If-Match', message: 'must be the case version, e.g. "3"' }],
      'Invalid If-Match header.',
    );
  }
  return Number(match[1]);
}

function etag(res: Response, c: CaseResponse): CaseResponse {
  res.setHeader('ETag', `"${c.version}"`);
  return c;
}

@ApiTags('cases')
@Controller('v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @HttpCode(201)
  @Roles('intake_officer', 'caseworker', 'consul', 'integration')
  @ApiOperation({
    summary: 'Register a complaint',
    description:
      'Creates a case, triages its priority and flags a possible duplicate (same passport, host country and category within 90 days). ' +
      'With an Idempotency-Key the same key and body return the same case; the same key with another body is 409. Integrations must send one.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '8–128 characters [A-Za-z0-9._:-]',
  })
  @ApiCreatedResponse({ type: CaseResponse })
  @ApiBadRequestResponse({ description: 'Invalid fields (problem+json listing each field)' })
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body' })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateCaseDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationProblem(
        [{ field: 'Idempotency-Key', message: 'must be 8–128 characters of [A-Za-z0-9._:-]' }],
        'Invalid Idempotency-Key header.',
      );
    }
    if (idempotencyKey === undefined && user.roles.every((r) => r === 'integration')) {
      throw new ValidationProblem(
        [{ field: 'Idempotency-Key', message: 'is required for integration clients' }],
        'Integrations must send an Idempotency-Key header.',
      );
    }
    const result = await this.cases.create(user, dto, idempotencyKey);
    res.setHeader('Location', `/v1/cases/${result.case.id}`);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return etag(res, result.case);
  }

  @Get()
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'List cases, newest first',
    description:
      'Filters combine with AND. Consular staff see only their consulate’s cases. Keyset pagination: pass nextCursor as cursor. ' +
      'Rows carry classifications only; read a case for its file.',
  })
  @ApiOkResponse({ type: CaseListResponse })
  list(@CurrentUser() user: AuthUser, @Query() query: ListCasesQuery): Promise<CaseListResponse> {
    return this.cases.list(user, query);
  }

  @Get(':id')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'Read a case file',
    description: 'Consular staff see only cases their consulate holds; others are 404.',
  })
  @ApiOkResponse({ type: CaseResponse })
  @ApiNotFoundResponse({ description: 'No such case in your scope' })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    return etag(res, await this.cases.get(user, id));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('caseworker', 'consul')
  @ApiOperation({
    summary: 'Move a case through its lifecycle',
    description:
      'Actions: start (assigned → in_progress), await_third_party, resume, resolve (outcome required; wages_recovered needs the amount), ' +
      'close, reopen, withdraw and reject (reason code required). Any other move is 409 naming the allowed actions; a stale version ' +
      '(If-Match or body) is 409.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The case version you read, e.g. "3"',
  })
  @ApiOkResponse({ type: CaseResponse })
  @ApiConflictResponse({
    description: 'Transition not allowed from the current status, or stale version',
  })
  async transition(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: TransitionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    return etag(res, await this.cases.transition(user, id, dto, parseIfMatch(ifMatch)));
  }

  @Post(':id/notes')
  @HttpCode(201)
  @Roles('caseworker', 'consul')
  @ApiOperation({ summary: 'Add a note to a case (kept encrypted)' })
  @ApiCreatedResponse({ type: NoteResponse })
  addNote(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: CreateNoteDto,
  ): Promise<NoteResponse> {
    return this.cases.addNote(user, id, dto);
  }

  @Get(':id/notes')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({ summary: 'Read a case’s notes, oldest first' })
  @ApiOkResponse({ type: [NoteResponse] })
  listNotes(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
  ): Promise<NoteResponse[]> {
    return this.cases.listNotes(user, id);
  }

  @Get(':id/history')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'A case’s history',
    description:
      'Status changes, assignments and notes added, oldest first; for consuls also the audit trail (every read and write).',
  })
  @ApiOkResponse({ type: [HistoryEntryResponse] })
  history(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
  ): Promise<HistoryEntryResponse[]> {
    return this.cases.history(user, id);
  }
}
