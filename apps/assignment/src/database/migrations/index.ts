import { InitialAssignmentSchema1764374400000 } from './1764374400000-InitialAssignmentSchema';
import { OutboxNotify1767225600000 } from './1767225600000-OutboxNotify';
import { StaffQueues1767312000000 } from './1767312000000-StaffQueues';
import { EscalationAcknowledgements1767484800000 } from './1767484800000-EscalationAcknowledgements';
import { PriorityChanges1767571200000 } from './1767571200000-PriorityChanges';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const assignmentMigrations = [
  InitialAssignmentSchema1764374400000,
  OutboxNotify1767225600000,
  StaffQueues1767312000000,
  EscalationAcknowledgements1767484800000,
  PriorityChanges1767571200000,
];
