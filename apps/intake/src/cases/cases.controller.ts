import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
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
import { AuthUser, CurrentUser, DomainProblem, Roles } from '@casebridge/common';
import { CasesService } from './cases.service';
import { CaseResponse } from './dto/case.response';
import { CreateCaseDto } from './dto/create-case.dto';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

function caseIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new DomainProblem(
        404,
        'case_not_found',
        'Not found',
        'No case with this id exists in your scope.',
      ),
  });
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
      throw new DomainProblem(
        400,
        'invalid_idempotency_key',
        'Invalid request',
        'Idempotency-Key must be 8–128 characters of [A-Za-z0-9._:-].',
        {
          errors: [
            { field: 'Idempotency-Key', message: 'must be 8–128 characters of [A-Za-z0-9._:-]' },
          ],
        },
      );
    }
    if (
      idempotencyKey === undefined &&
      user.roles.length === 1 &&
      user.roles[0] === 'integration'
    ) {
      throw new DomainProblem(
        400,
        'idempotency_key_required',
        'Invalid request',
        'Integrations must send an Idempotency-Key header.',
        {
          errors: [{ field: 'Idempotency-Key', message: 'is required for integration clients' }],
        },
      );
    }
    const result = await this.cases.create(user, dto, idempotencyKey);
    res.setHeader('Location', `/v1/cases/${result.case.id}`);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.case;
  }

  @Get(':id')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    summary: 'Read a case file',
    description: 'Consular staff see only cases their consulate holds; others are 404.',
  })
  @ApiOkResponse({ type: CaseResponse })
  @ApiNotFoundResponse({ description: 'No such case in your scope' })
  get(@CurrentUser() user: AuthUser, @Param('id', caseIdPipe()) id: string): Promise<CaseResponse> {
    return this.cases.get(user, id);
  }
}
