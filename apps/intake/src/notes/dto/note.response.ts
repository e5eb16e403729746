import { ApiProperty } from '@nestjs/swagger';

/** A note as the API shows it (decrypted). */
export class NoteResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() authorId!: string;
  @ApiProperty({ example: 'caseworker' }) authorRole!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null once the personal data of the case is erased',
  })
  body!: string | null;
  @ApiProperty() createdAt!: string;
}
