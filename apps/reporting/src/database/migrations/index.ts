import { InitialReportingSchema1764460800000 } from './1764460800000-InitialReportingSchema';
import { ReportedCities1767312000000 } from './1767312000000-ReportedCities';
import { ReportRollup1767398400000 } from './1767398400000-ReportRollup';
import { DuplicateCases1767484800000 } from './1767484800000-DuplicateCases';
import { PriorityVersion1767571200000 } from './1767571200000-PriorityVersion';
import { WebhookSubscriptions1767657600000 } from './1767657600000-WebhookSubscriptions';
import { ReportDelta1767744000000 } from './1767744000000-ReportDelta';
import { DropFactScanIndexes1767830400000 } from './1767830400000-DropFactScanIndexes';
import { DailyRollup1767916800000 } from './1767916800000-DailyRollup';
import { RollupWrittenAt1768003200000 } from './1768003200000-RollupWrittenAt';

/** Listed explicitly (no glob): the build is the single source of the migration set. */
export const reportingMigrations = [
  InitialReportingSchema1764460800000,
  ReportedCities1767312000000,
  ReportRollup1767398400000,
  DuplicateCases1767484800000,
  PriorityVersion1767571200000,
  WebhookSubscriptions1767657600000,
  ReportDelta1767744000000,
  DropFactScanIndexes1767830400000,
  DailyRollup1767916800000,
  RollupWrittenAt1768003200000,
];
