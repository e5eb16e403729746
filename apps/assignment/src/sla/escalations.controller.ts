import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { EscalationListResponse, EscalationsQuery } from './dto/escalation.dto';
import { EscalationsService } from './escalations.service';

@ApiTags('escalations')
@Controller('v1/escalations')
export class EscalationsController {
  constructor(private readonly escalations: EscalationsService) {}

  @Get()
  @Roles('consul', 'admin')
  @ApiOperation({
    summary: 'Missed SLA deadlines',
    description:
      'Each breach of the acceptance (assigned → in_progress) or resolution deadline, newest first. A consul sees those of ' +
      'cases their consulate holds now (a transferred case takes its escalations along); admins see all or one consulate.',
  })
  @ApiOkResponse({ type: EscalationListResponse })
  @ApiBadRequestResponse({ description: 'Invalid filter or cursor' })
  @ApiForbiddenResponse({ description: "A consul asking for another consulate's escalations" })
  @ApiNotFoundResponse({ description: 'Admin naming a consulate that does not exist' })
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: EscalationsQuery,
  ): Promise<EscalationListResponse> {
    return this.escalations.list(user, query);
  }
}
