import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { HandoverDto } from './dto/handover.dto';
import { HandoverResponse } from './dto/handover.response';
import { HandoverService } from './handover.service';

@ApiTags('assignments')
@Controller('v1/consulates/:id/caseworkers/:caseworkerId/handover')
export class HandoverController {
  constructor(private readonly handovers: HandoverService) {}

  @Post()
  @HttpCode(200)
  @Roles('admin', 'consul')
  @ApiOperation({
    summary: "Move all of a leaving caseworker's open cases, and deactivate them",
    description:
      'The consul of the office, or an admin. In one transaction, all or nothing: every open case the caseworker holds ' +
      'goes to the named colleague (mode `caseworker`: active, with room for all of them) or, soonest deadline first, ' +
      'by the routing rules within the office (mode `routing`: language, fewest open cases, capacity; else the office ' +
      'queue); one case.assigned per case (reason `reassigned`, history `via: handover`); the caseworker is deactivated ' +
      'unless `deactivate: false`. Answers with what moved. A retry with the same Idempotency-Key returns the first ' +
      'answer (`replayed: true`); without a key a retry moves only what is still theirs.',
  })
  @ApiParam({ name: 'id', example: 'RU-MOW' })
  @ApiParam({ name: 'caseworkerId', example: 'ru-mow-03' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '8–128 characters of [A-Za-z0-9._:-]; the same key and body return the same answer',
  })
  @ApiOkResponse({ type: HandoverResponse })
  @ApiBadRequestResponse({
    description: 'Invalid body or Idempotency-Key (problem+json naming the field)',
  })
  @ApiForbiddenResponse({ description: 'A consul of another office, or a role that may not' })
  @ApiNotFoundResponse({ description: 'No such consulate, or no such caseworker at it' })
  @ApiConflictResponse({
    description:
      'The named colleague is inactive or has no room for all the cases; Idempotency-Key reused with another body',
  })
  handover(
    @CurrentUser() user: AuthUser,
    @Param('id') consulateId: string,
    @Param('caseworkerId') caseworkerId: string,
    @Body() dto: HandoverDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<HandoverResponse> {
    return this.handovers.handover(user, consulateId, caseworkerId, dto, idempotencyKey);
  }
}
