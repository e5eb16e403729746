import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
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
import { Roles } from '@casebridge/common';
import { DirectoryService } from './directory.service';
import { CreateConsulateDto, ListConsulatesQuery, UpdateConsulateDto } from './dto/consulate.dto';
import { ConsulateResponse } from './dto/directory.response';

@ApiTags('directory')
@Controller('v1/consulates')
export class ConsulatesController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @Roles('admin', 'consul')
  @ApiOperation({
    summary: 'List consular offices',
    description:
      'Every office with the cities it covers. Consuls see the list too: they pick the target of a transfer from it.',
  })
  @ApiOkResponse({ type: ConsulateResponse, isArray: true })
  @ApiBadRequestResponse({ description: 'Invalid filter (problem+json)' })
  list(@Query() query: ListConsulatesQuery): Promise<ConsulateResponse[]> {
    return this.directory.listConsulates(query);
  }

  @Get(':id')
  @Roles('admin', 'consul')
  @ApiOperation({ summary: 'Read a consular office' })
  @ApiParam({ name: 'id', example: 'RU-MOW' })
  @ApiOkResponse({ type: ConsulateResponse })
  @ApiNotFoundResponse({ description: 'No such consulate' })
  get(@Param('id') id: string): Promise<ConsulateResponse> {
    return this.directory.getConsulate(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Add a consular office',
    description:
      "With isDefaultForCountry the office becomes the country's default (its embassy), replacing the previous default.",
  })
  @ApiCreatedResponse({ type: ConsulateResponse })
  @ApiBadRequestResponse({ description: 'Invalid fields (problem+json listing each field)' })
  @ApiConflictResponse({ description: 'A consulate with this id already exists' })
  @ApiForbiddenResponse({ description: 'Administrators only' })
  create(@Body() dto: CreateConsulateDto): Promise<ConsulateResponse> {
    return this.directory.createConsulate(dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change or deactivate a consular office',
    description:
      'Offices are never deleted: `active: false` takes one out of routing; the cases it holds stay with it. HQ cannot be deactivated.',
  })
  @ApiParam({ name: 'id', example: 'RU-KZN' })
  @ApiOkResponse({ type: ConsulateResponse })
  @ApiBadRequestResponse({ description: 'Invalid or no fields' })
  @ApiNotFoundResponse({ description: 'No such consulate' })
  @ApiConflictResponse({ description: 'HQ cannot be deactivated' })
  update(@Param('id') id: string, @Body() dto: UpdateConsulateDto): Promise<ConsulateResponse> {
    return this.directory.updateConsulate(id, dto);
  }
}
