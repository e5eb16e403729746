import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses, AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { caseIdPipe } from '../cases/case-id.pipe';
import { CreateNoteDto } from './dto/create-note.dto';
import { NoteResponse } from './dto/note.response';
import { NotesService } from './notes.service';

// operationIds are those the routes had inside CasesController: generated clients name by them.
@ApiTags('cases')
@Controller('v1/cases')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Post(':id/notes')
  @HttpCode(201)
  @Roles('caseworker', 'consul')
  @ApiOperation({
    operationId: 'CasesController_addNote',
    summary: 'Add a note to a case (kept encrypted)',
  })
  @ApiCreatedResponse({ type: NoteResponse })
  @ApiProblemResponses({ 404: 'No such case in your scope' })
  addNote(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
    @Body() dto: CreateNoteDto,
  ): Promise<NoteResponse> {
    return this.notes.add(user, id, dto);
  }

  @Get(':id/notes')
  @Roles('intake_officer', 'caseworker', 'consul')
  @ApiOperation({
    operationId: 'CasesController_listNotes',
    summary: 'Read a case’s notes, oldest first',
  })
  @ApiOkResponse({ type: [NoteResponse] })
  @ApiProblemResponses({ 404: 'No such case in your scope' })
  listNotes(
    @CurrentUser() user: AuthUser,
    @Param('id', caseIdPipe()) id: string,
  ): Promise<NoteResponse[]> {
    return this.notes.list(user, id);
  }
}
