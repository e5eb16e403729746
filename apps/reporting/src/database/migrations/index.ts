import { InitialReportingSchema1764460800000 } from './1764460800000-InitialReportingSchema';
import { ReportedCities1767312000000 } from './1767312000000-ReportedCities';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const reportingMigrations = [
  InitialReportingSchema1764460800000,
  ReportedCities1767312000000,
];
