import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { LEGAL_HOLD_REASONS } from '@casebridge/contracts';
import { caseIdPipe } from '../cases/case-id.pipe';
import { LegalHoldResponse, SetLegalHoldDto } from './dto/legal-hold.dto';
import { LegalHoldService } from './legal-hold.service';

@ApiTags('personal data')
@Controller('v1/cases')
export class LegalHoldController {
  constructor(private readonly holds: LegalHoldService) {}

  @Put(':id/legal-hold')
  @HttpCode(200)
  @Roles('consul', 'admin')
  @ApiOperation({
    summary: 'Put a case under legal hold, with a reason code',
    description:
      'Consuls of the holding consulate, and admins on any case. Suspends retention and refuses erasure (409) ' +
      `while on. Reasons: ${LEGAL_HOLD_REASONS.join(', ')}. Audited. A held case keeps its first hold.`,
  })
  @ApiOkResponse({ type: LegalHoldResponse })
  @ApiBadRequestResponse({ description: 'A missing or unknown reason, or unknown fields' })
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiForbiddenResponse({ description: 'Neither consul nor admin' })
  @ApiNotFoundResponse({ description: 'No case with this id in your scope' })
  set(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: SetLegalHoldDto,
  ): Promise<LegalHoldResponse> {
    return this.holds.set(user, id, dto.reason);
  }

  @Delete(':id/legal-hold')
  @HttpCode(200)
  @Roles('consul', 'admin')
  @ApiOperation({ summary: 'Release a case’s legal hold (audited); retention runs again' })
  @ApiOkResponse({ type: LegalHoldResponse })
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiForbiddenResponse({ description: 'Neither consul nor admin' })
  @ApiNotFoundResponse({ description: 'No case with this id in your scope' })
  release(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
  ): Promise<LegalHoldResponse> {
    return this.holds.release(user, id);
  }
}
