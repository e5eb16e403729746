import { InitialIntakeSchema1764201600000 } from './1764201600000-InitialIntakeSchema';
import { AuditEntryInsertOnly1765152000000 } from './1765152000000-AuditEntryInsertOnly';
import { OutboxNotify1767225600000 } from './1767225600000-OutboxNotify';
import { DuplicateDecisions1767312000000 } from './1767312000000-DuplicateDecisions';
import { CasePriorityChange1767571200000 } from './1767571200000-CasePriorityChange';
import { PersonalDataErasure1767830400000 } from './1767830400000-PersonalDataErasure';
import { PassportIndexKeyId1768003200000 } from './1768003200000-PassportIndexKeyId';
import { IdempotencyReplaySnapshot1768176000000 } from './1768176000000-IdempotencyReplaySnapshot';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const intakeMigrations = [
  InitialIntakeSchema1764201600000,
  AuditEntryInsertOnly1765152000000,
  OutboxNotify1767225600000,
  DuplicateDecisions1767312000000,
  CasePriorityChange1767571200000,
  PersonalDataErasure1767830400000,
  PassportIndexKeyId1768003200000,
  IdempotencyReplaySnapshot1768176000000,
];
