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
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { PRIORITY_CHANGE_REASONS } from '@casebridge/contracts';
import { CASE_ETAG_HEADER, ifMatchVersion, withEtag } from '../cases/case-headers';
import { caseIdPipe } from '../cases/case-id.pipe';
import { CaseResponse } from '../cases/dto/case.response';
import { CasePriorityService } from './case-priority.service';
import { ChangePriorityDto } from './dto/change-priority.dto';

@ApiTags('cases')
@Controller('v1/cases')
export class CasePriorityController {
  constructor(private readonly priorities: CasePriorityService) {}

  @Post(':id/priority')
  @HttpCode(200)
  @Roles('intake_officer', 'consul')
  @ApiOperation({
    summary: 'Re-triage a case: change its priority, with a reason code',
    description:
      'Intake officers may re-triage any open case, consuls the open cases their consulate holds. ' +
      `Reasons: ${PRIORITY_CHANGE_REASONS.join(', ')}. Audited, shown in the case history and published as ` +
      'casebridge.case.priority-changed.v1: the assignment service moves the running SLA deadlines to the new ' +
      'priority and reports count the case under it. A stale version (If-Match or body) is 409.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The case version you read, e.g. "3"',
  })
  @ApiOkResponse({
    type: CaseResponse,
    description: 'The re-triaged case; its ETag is the new version',
    headers: CASE_ETAG_HEADER,
  })
  @ApiBadRequestResponse({
    description:
      'Invalid or unknown fields, or a malformed If-Match (problem+json listing each field)',
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'Only intake officers and consuls re-triage cases' })
  @ApiNotFoundResponse({ description: 'No such case in your scope (another consulate’s included)' })
  @ApiConflictResponse({
    description:
      'stale_version (read the case again), case_not_open (resolved, closed, withdrawn or rejected) or ' +
      'priority_unchanged (the case has that priority already)',
  })
  async change(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: ChangePriorityDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaseResponse> {
    return withEtag(res, await this.priorities.change(user, id, dto, ifMatchVersion(ifMatch)));
  }
}
