import { errorCatalogue } from '@casebridge/common';

/**
 * Every error the escalation routes raise themselves, with its problem+json status and title.
 * An unknown consulate is the directory's consulate_not_found (DirectoryService raises it).
 */
export enum SlaErrorCode {
  OutsideConsulate = 'outside_consulate',
}

export const slaErrors = errorCatalogue<SlaErrorCode>({
  [SlaErrorCode.OutsideConsulate]: { status: 403, title: 'Forbidden' },
});
