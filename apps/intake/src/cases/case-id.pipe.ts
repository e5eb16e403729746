import { ParseUUIDPipe } from '@nestjs/common';
import { caseNotFound } from './cases.errors';

/** A case id in the path; anything but a UUID is a case that does not exist (404, not 400). */
export function caseIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => caseNotFound() });
}
