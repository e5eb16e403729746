import { InitialReportingSchema1764460800000 } from './1764460800000-InitialReportingSchema';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const reportingMigrations = [InitialReportingSchema1764460800000];
