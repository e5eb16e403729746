import { InitialAssignmentSchema1764374400000 } from './1764374400000-InitialAssignmentSchema';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const assignmentMigrations = [InitialAssignmentSchema1764374400000];
