import { errorCatalogue } from '@casebridge/common';

/** Every error the export route raises on purpose (field errors stay ValidationProblem). */
export enum DataExportErrorCode {
  NothingFound = 'personal_data_not_found',
}

export const dataExportErrors = errorCatalogue<DataExportErrorCode>({
  [DataExportErrorCode.NothingFound]: { status: 404, title: 'Not found' },
});

/** Names no lookup value: a passport number must never appear in an answer or a log. */
export function nothingFound() {
  return dataExportErrors.problem(
    DataExportErrorCode.NothingFound,
    'No case matches this lookup: intake holds no personal data found by it.',
  );
}
