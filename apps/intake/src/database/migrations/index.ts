import { InitialIntakeSchema1764201600000 } from './1764201600000-InitialIntakeSchema';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const intakeMigrations = [InitialIntakeSchema1764201600000];
