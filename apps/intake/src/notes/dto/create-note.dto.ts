import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { TextLength } from '@casebridge/common';

export class CreateNoteDto {
  @ApiProperty({
    example: 'Called the employer; they promised to pay by Friday.',
    minLength: 1,
    maxLength: 5000,
  })
  @IsString()
  @TextLength(1, 5000)
  body!: string;
}
