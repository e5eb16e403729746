import { ApiProperty } from '@nestjs/swagger';

/** One event in a case's history. */
export class HistoryEntryResponse {
  @ApiProperty({ enum: ['status_changed', 'priority_changed', 'assigned', 'note_added', 'audit'] })
  kind!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'Staff id or system component' }) actor!: string;
  @ApiProperty({ type: String, nullable: true }) actorRole!: string | null;
  @ApiProperty({
    description:
      'What happened, e.g. "in_progress → resolved", "priority normal → urgent" or "case.read"',
  })
  summary!: string;
  @ApiProperty({ type: Object, description: 'Structured details (codes and ids only)' })
  details!: Record<string, unknown>;
}
