import { errorCatalogue } from '@casebridge/common';

/** Every error the directory raises, with its problem+json status and title. */
export enum DirectoryErrorCode {
  ConsulateNotFound = 'consulate_not_found',
  CaseworkerNotFound = 'caseworker_not_found',
  ConsulateExists = 'consulate_exists',
  CaseworkerExists = 'caseworker_exists',
  HeadquartersRequired = 'headquarters_required',
  OutsideConsulate = 'outside_consulate',
  StaffSubjectTaken = 'staff_subject_taken',
}

export const directoryErrors = errorCatalogue<DirectoryErrorCode>({
  [DirectoryErrorCode.ConsulateNotFound]: { status: 404, title: 'Not found' },
  [DirectoryErrorCode.CaseworkerNotFound]: { status: 404, title: 'Not found' },
  [DirectoryErrorCode.ConsulateExists]: { status: 409, title: 'Conflict' },
  [DirectoryErrorCode.CaseworkerExists]: { status: 409, title: 'Conflict' },
  [DirectoryErrorCode.HeadquartersRequired]: { status: 409, title: 'Conflict' },
  [DirectoryErrorCode.OutsideConsulate]: { status: 403, title: 'Forbidden' },
  [DirectoryErrorCode.StaffSubjectTaken]: { status: 409, title: 'Conflict' },
});
