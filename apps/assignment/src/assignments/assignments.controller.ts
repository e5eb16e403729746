import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { assignmentNotFound } from './assignments.errors';
import { AssignmentsService } from './assignments.service';
import { AssignmentQueueQuery, ReassignDto, TransferDto } from './dto/assignment.dto';
import { AssignmentDetailResponse, AssignmentQueueResponse } from './dto/assignment.response';

function caseIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => assignmentNotFound() });
}

const CASE_ID_PARAM = {
  name: 'caseId',
  format: 'uuid',
  example: '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d',
};

@ApiTags('assignments')
@Controller('v1/assignments')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get()
  @Roles('admin', 'consul', 'caseworker')
  @ApiOperation({
    summary: 'A queue of assignments with counts by state',
    description:
      "Consuls see their own consulate's whole queue (consulateId defaults to it); admins any consulate, or all. " +
      "Caseworkers read only the office's unassigned cases (`unassigned=true`) and their own queue (`caseworkerId` = the " +
      'caseworker linked to their identity; see also GET /v1/me/assignments). Filter by caseworkerId or unassigned ' +
      '(`state` narrows the items, not the counts). Oldest first, keyset-paginated.',
  })
  @ApiOkResponse({ type: AssignmentQueueResponse })
  @ApiBadRequestResponse({
    description: 'Invalid filter or cursor (problem+json naming the field)',
  })
  @ApiForbiddenResponse({
    description:
      "Consular staff asking for another consulate's queue; a caseworker asking for the whole office queue or a colleague's (office_queue_for_consuls)",
  })
  @ApiNotFoundResponse({ description: 'Admin naming a consulate that does not exist' })
  queue(
    @CurrentUser() user: AuthUser,
    @Query() query: AssignmentQueueQuery,
  ): Promise<AssignmentQueueResponse> {
    return this.assignments.queue(user, query);
  }

  @Get(':caseId')
  @Roles('admin', 'intake_officer', 'consul', 'caseworker')
  @ApiOperation({
    summary: "A case's assignment, SLA clocks and holders",
    description:
      'Consular staff see only cases their consulate holds; any other case is 404 for them.',
  })
  @ApiParam(CASE_ID_PARAM)
  @ApiOkResponse({ type: AssignmentDetailResponse })
  @ApiNotFoundResponse({ description: 'Not routed yet, or not in your scope' })
  get(
    @CurrentUser() user: AuthUser,
    @Param('caseId', caseIdPipe()) caseId: string,
  ): Promise<AssignmentDetailResponse> {
    return this.assignments.get(user, caseId);
  }

  @Post(':caseId/claim')
  @HttpCode(200)
  @Roles('caseworker', 'consul')
  @ApiOperation({
    summary: "Take a case from the office's queue",
    description:
      'The caller must be linked to an active caseworker of the office holding the case (an administrator sets the ' +
      "caseworker's staffSubject to the caller's token `sub`), speak the complainant's language and be below their " +
      'maxOpenCases. Two claims at once: exactly one wins, the other gets 409. Publishes case.assigned (reason ' +
      '`reassigned`, previous caseworker null); the history entry says `via: claim`.',
  })
  @ApiParam(CASE_ID_PARAM)
  @ApiOkResponse({ type: AssignmentDetailResponse })
  @ApiForbiddenResponse({
    description: 'Not consular staff, or not linked to a caseworker of your consulate',
  })
  @ApiNotFoundResponse({ description: 'No such case in your scope' })
  @ApiConflictResponse({
    description:
      'Case not open, held by someone (you or another caseworker), caseworker inactive, at capacity, or not speaking the language',
  })
  claim(
    @CurrentUser() user: AuthUser,
    @Param('caseId', caseIdPipe()) caseId: string,
  ): Promise<AssignmentDetailResponse> {
    return this.assignments.claim(user, caseId);
  }

  @Post(':caseId/reassign')
  @HttpCode(200)
  @Roles('admin', 'consul')
  @ApiOperation({
    summary: 'Give a case to another caseworker of the same consulate',
    description:
      "Consuls within their own consulate, admins anywhere. The caseworker must be active at the case's consulate and below " +
      'their maxOpenCases. Publishes case.assigned (reason `reassigned`, with the previous holder).',
  })
  @ApiParam(CASE_ID_PARAM)
  @ApiOkResponse({ type: AssignmentDetailResponse })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  @ApiNotFoundResponse({
    description: 'No such case in your scope, or no such caseworker at its consulate',
  })
  @ApiConflictResponse({
    description: 'Case not open, caseworker inactive, at capacity or already holding it',
  })
  reassign(
    @CurrentUser() user: AuthUser,
    @Param('caseId', caseIdPipe()) caseId: string,
    @Body() dto: ReassignDto,
  ): Promise<AssignmentDetailResponse> {
    return this.assignments.reassign(user, caseId, dto);
  }

  @Post(':caseId/transfer')
  @HttpCode(200)
  @Roles('admin', 'consul')
  @ApiOperation({
    summary: 'Transfer a case to another consulate',
    description:
      'The consul of the holding consulate, or an admin. The receiving office picks its caseworker by the routing rules ' +
      '(language, fewest open cases, capacity), else the case waits in its queue. Publishes case.assigned (reason ' +
      '`transferred`, with the previous holder). The old office loses access to the case.',
  })
  @ApiParam(CASE_ID_PARAM)
  @ApiOkResponse({ type: AssignmentDetailResponse })
  @ApiBadRequestResponse({ description: 'Invalid body (reason must be one of the listed codes)' })
  @ApiNotFoundResponse({ description: 'No such case in your scope, or no such consulate' })
  @ApiConflictResponse({
    description: 'Case not open, consulate inactive, or already held by that consulate',
  })
  transfer(
    @CurrentUser() user: AuthUser,
    @Param('caseId', caseIdPipe()) caseId: string,
    @Body() dto: TransferDto,
  ): Promise<AssignmentDetailResponse> {
    return this.assignments.transfer(user, caseId, dto);
  }
}
