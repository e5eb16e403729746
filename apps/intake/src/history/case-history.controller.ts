import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses, AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { caseIdPipe } from '../cases/case-id.pipe';
import { CaseHistoryService } from './case-history.service';
import { HistoryEntryResponse } from './dto/history-entry.response';

@ApiTags('cases')
@Controller('v1/cases')
export class CaseHistoryController {
  constructor(private readonly caseHistory: CaseHistoryService) {}

  @Get(':id/history')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    // The operationId the route had inside CasesController: generated clients name by it.
    operationId: 'CasesController_history',
    summary: 'A case’s history',
    description:
      'Status changes, re-triages (priority changes), assignments and notes added, oldest first; for consuls also the audit trail (every read and write).',
  })
  @ApiOkResponse({ type: [HistoryEntryResponse] })
  @ApiProblemResponses({ 404: 'No such case in your scope' })
  history(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
  ): Promise<HistoryEntryResponse[]> {
    return this.caseHistory.history(user, id);
  }
}
