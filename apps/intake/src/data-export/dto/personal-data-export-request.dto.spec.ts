import { lookupFieldErrors } from './personal-data-export-request.dto';

describe('lookupFieldErrors', () => {
  it('accepts exactly one lookup', () => {
    expect(lookupFieldErrors({ caseId: 'a' })).toEqual([]);
    expect(lookupFieldErrors({ passportNumber: 'AB12345' })).toEqual([]);
    expect(lookupFieldErrors({ reference: 'CB-2026-000001', caseId: null as never })).toEqual([]);
  });

  it('refuses none, a null one or several, naming the fields', () => {
    expect(lookupFieldErrors({})).toEqual([
      expect.objectContaining({ field: 'caseId,reference,passportNumber' }),
    ]);
    expect(lookupFieldErrors({ caseId: null as never })).toHaveLength(1);
    expect(lookupFieldErrors({ caseId: 'a', passportNumber: 'AB12345' })).toEqual([
      expect.objectContaining({ field: 'caseId,passportNumber' }),
    ]);
  });

  it('never echoes a value', () => {
    const [error] = lookupFieldErrors({ caseId: 'a', passportNumber: 'AB12345' });
    expect(JSON.stringify(error)).not.toContain('AB12345');
  });
});
