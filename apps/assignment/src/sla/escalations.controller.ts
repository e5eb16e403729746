import { Body, Controller, Get, HttpCode, Param, PipeTransform, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import {
  AcknowledgeEscalationDto,
  EscalationListResponse,
  EscalationResponse,
  EscalationsQuery,
} from './dto/escalation.dto';
import { ACKNOWLEDGEMENT_REASONS, parseBreachId } from './escalation-acknowledgement';
import { EscalationsService } from './escalations.service';
import { escalationNotFound } from './sla.errors';

/** An escalation id that cannot exist (not a canonical bigint) is a 404, like an unknown one. */
const breachIdPipe: PipeTransform<string, string> = {
  transform(value: string): string {
    const id = parseBreachId(value);
    if (id === null) throw escalationNotFound();
    return id;
  },
};

@ApiTags('escalations')
@Controller('v1/escalations')
@ApiUnauthorizedResponse({ description: 'No valid bearer token' })
export class EscalationsController {
  constructor(private readonly escalations: EscalationsService) {}

  @Get()
  @Roles('consul', 'admin')
  @ApiOperation({
    summary: 'Missed SLA deadlines',
    description:
      'Each breach of the acceptance (assigned → in_progress) or resolution deadline, newest first, with its acknowledgement ' +
      '(null while open). A consul sees those of cases their consulate holds now (a transferred case takes its escalations ' +
      'along); admins see all or one consulate. `acknowledged=false` lists the open ones, `true` the acknowledged ones.',
  })
  @ApiOkResponse({ type: EscalationListResponse })
  @ApiBadRequestResponse({ description: 'Invalid filter or cursor' })
  @ApiForbiddenResponse({
    description:
      "A role other than consul or admin, or a consul asking for another consulate's escalations",
  })
  @ApiNotFoundResponse({ description: 'Admin naming a consulate that does not exist' })
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: EscalationsQuery,
  ): Promise<EscalationListResponse> {
    return this.escalations.list(user, query);
  }

  @Post(':breachId/acknowledge')
  @HttpCode(200)
  @Roles('consul', 'admin')
  @ApiOperation({
    summary: 'Acknowledge a missed SLA deadline',
    description:
      'Records who (the token subject), when and why (a reason code) an escalation was acknowledged; the consul of the ' +
      'office holding the case now, or an admin. The first acknowledgement stands: the same person repeating it with the ' +
      'same reason gets it back unchanged (200); anyone else, or another reason, gets 409 naming it. Publishes no event.',
  })
  @ApiParam({
    name: 'breachId',
    description: 'The escalation id (`id` in the list)',
    example: '1042',
    schema: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
  })
  @ApiOkResponse({ type: EscalationResponse, description: 'The escalation, acknowledged' })
  @ApiBadRequestResponse({
    description: `Invalid body: reason must be one of ${ACKNOWLEDGEMENT_REASONS.join(', ')}; no other fields`,
  })
  @ApiForbiddenResponse({ description: 'A role other than consul or admin' })
  @ApiNotFoundResponse({
    description: 'No such escalation, or one of a case your consulate does not hold',
  })
  @ApiConflictResponse({
    description:
      'Already acknowledged by someone else or with another reason (problem+json `acknowledgement` names it)',
  })
  acknowledge(
    @CurrentUser() user: AuthUser,
    @Param('breachId', breachIdPipe) breachId: string,
    @Body() dto: AcknowledgeEscalationDto,
  ): Promise<EscalationResponse> {
    return this.escalations.acknowledge(user, breachId, dto);
  }
}
