import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@casebridge/common';
import { DirectoryService } from './directory.service';
import { CreateCaseworkerDto, UpdateCaseworkerDto } from './dto/caseworker.dto';
import { CaseworkerResponse } from './dto/directory.response';

@ApiTags('directory')
@Controller('v1/consulates/:id/caseworkers')
export class CaseworkersController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @Roles('admin', 'consul')
  @ApiOperation({
    summary: "List an office's caseworkers with their workload",
    description: 'Consuls see their own office only.',
  })
  @ApiParam({ name: 'id', example: 'RU-MOW' })
  @ApiOkResponse({ type: CaseworkerResponse, isArray: true })
  @ApiForbiddenResponse({ description: "A consul asking for another office's staff" })
  @ApiNotFoundResponse({ description: 'No such consulate' })
  list(
    @CurrentUser() user: AuthUser,
    @Param('id') consulateId: string,
  ): Promise<CaseworkerResponse[]> {
    return this.directory.listCaseworkers(user, consulateId);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a caseworker to an office' })
  @ApiParam({ name: 'id', example: 'RU-KZN' })
  @ApiCreatedResponse({ type: CaseworkerResponse })
  @ApiBadRequestResponse({ description: 'Invalid fields (problem+json listing each field)' })
  @ApiNotFoundResponse({ description: 'No such consulate' })
  @ApiConflictResponse({ description: 'A caseworker with this id already exists' })
  create(
    @Param('id') consulateId: string,
    @Body() dto: CreateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    return this.directory.createCaseworker(consulateId, dto);
  }

  @Patch(':caseworkerId')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change or deactivate a caseworker',
    description:
      'Caseworkers are never deleted: `active: false` takes them out of routing; a consul reassigns the cases they hold.',
  })
  @ApiParam({ name: 'id', example: 'RU-KZN' })
  @ApiParam({ name: 'caseworkerId', example: 'ru-kzn-01' })
  @ApiOkResponse({ type: CaseworkerResponse })
  @ApiBadRequestResponse({ description: 'Invalid or no fields' })
  @ApiNotFoundResponse({ description: 'No such consulate, or no such caseworker at it' })
  update(
    @Param('id') consulateId: string,
    @Param('caseworkerId') caseworkerId: string,
    @Body() dto: UpdateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    return this.directory.updateCaseworker(consulateId, caseworkerId, dto);
  }
}
