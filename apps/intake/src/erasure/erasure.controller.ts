import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiProblemResponses, AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { ERASURE_REASONS } from '@casebridge/contracts';
import { caseIdPipe } from '../cases/case-id.pipe';
import { ErasePersonalDataDto, ErasureResponse } from './dto/erase-personal-data.dto';
import { PersonalDataErasureService } from './erasure.service';

@ApiTags('personal data')
@Controller('v1/cases')
export class ErasureController {
  constructor(private readonly erasure: PersonalDataErasureService) {}

  @Post(':id/personal-data-erasure')
  @HttpCode(200)
  @Roles('data_protection_officer', 'admin')
  @ApiOperation({
    summary: 'Erase the personal data of a case now (crypto-shredding), with a reason code',
    description:
      'For the data protection officer (and admins), on any case. Destroys the case’s data key, then empties its ' +
      'personal data, notes’ bodies, comments and passport blind index; classifications, status history and ' +
      `statistics remain. Reasons: ${ERASURE_REASONS.join(', ')}. Audited and published as ` +
      'casebridge.case.personal-data-erased.v1 (trigger `request`). Repeating it answers the first erasure again ' +
      '(200, same body, no second event).',
  })
  @ApiOkResponse({ type: ErasureResponse })
  @ApiBadRequestResponse({ description: 'A missing or unknown reason, or unknown fields' })
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiForbiddenResponse({ description: 'Neither data protection officer nor admin' })
  @ApiNotFoundResponse({ description: 'No case with this id' })
  @ApiProblemResponses({
    409: 'The case is under legal hold (legal_hold): release the hold first',
  })
  erase(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: ErasePersonalDataDto,
  ): Promise<ErasureResponse> {
    return this.erasure.erase(user, id, dto.reason, 'request');
  }
}
