import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, PageQuery, Roles } from '@casebridge/common';
import { AssignmentsService } from './assignments.service';
import { OwnQueueResponse } from './dto/assignment.response';

/** The caller's own work: the open cases of the caseworker linked to their identity. */
@ApiTags('assignments')
@Controller('v1/me/assignments')
export class OwnQueueController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get()
  @Roles('caseworker', 'consul')
  @ApiOperation({
    summary: 'My queue: the open cases I hold, deadlines first',
    description:
      "The open cases of the directory caseworker linked to the caller's identity (an administrator sets its staffSubject " +
      "to the caller's token `sub`) at the caller's consulate. Cases whose SLA clock runs come first, the soonest " +
      'deadline (acceptance until started, then resolution) first; cases awaiting a third party (clock paused) last. ' +
      'Keyset-paginated.',
  })
  @ApiOkResponse({ type: OwnQueueResponse })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor (problem+json naming the field)' })
  @ApiForbiddenResponse({
    description:
      'Not consular staff, or not linked to a caseworker of your consulate (staff_not_linked)',
  })
  ownQueue(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<OwnQueueResponse> {
    return this.assignments.ownQueue(user, query);
  }
}
