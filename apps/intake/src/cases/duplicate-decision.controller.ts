import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { CASE_ETAG_HEADER, ifMatchVersion, withEtag } from './case-headers';
import { caseIdPipe } from './case-id.pipe';
import { DuplicateDecisionService } from './duplicate-decision.service';
import { CaseResponse } from './dto/case.response';
import { DuplicateDecisionDto } from './dto/duplicate-decision.dto';

@ApiTags('cases')
@Controller('v1/cases/:id/duplicate-decision')
export class DuplicateDecisionController {
  constructor(private readonly duplicates: DuplicateDecisionService) {}

  @Post()
  @HttpCode(200)
  @Roles('intake_officer', 'consul')
  @ApiOperation({
    summary: 'Confirm or dismiss a possible duplicate',
    description:
      'For a case flagged possibleDuplicateOf: intake officers for any case, a consul for cases their office holds whose ' +
      'earlier case they can see too. `confirm` (open cases only) closes the case (reason `duplicate`), links it both ' +
      'ways to the earlier case and takes it out of every statistic; `dismiss` records that it is a complaint of its own. ' +
      'Decided once; audited; publishes case.duplicate-decided (and case.status-changed when confirmed). A stale version ' +
      '(If-Match or body) is 409.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The case version you read, e.g. "3"',
  })
  @ApiOkResponse({ type: CaseResponse, headers: CASE_ETAG_HEADER })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json naming the field)' })
  @ApiForbiddenResponse({ description: 'A role that may not decide on duplicates' })
  @ApiNotFoundResponse({ description: 'No such case in your scope' })
  @ApiConflictResponse({
    description:
      'Not flagged as a possible duplicate (of a case you can see), already decided, the case is final (confirm), or stale version',
  })
  async decide(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: DuplicateDecisionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    return withEtag(res, await this.duplicates.decide(user, id, dto, ifMatchVersion(ifMatch)));
  }
}
