import type { BucketEntry } from './contributions';
import { decodeEntries, encodeEntries } from './deltas';

describe('a run kept in the delta table', () => {
  const entries: BucketEntry[] = [
    {
      table: 'case',
      hostCountry: 'RU',
      day: '2025-03-01',
      category: 'unpaid_wages',
      consulateId: '',
      hostCity: '',
      metric: 'claimed:RUB',
      value: '-185000.50',
    },
    {
      table: 'resolution',
      hostCountry: 'KZ',
      day: '2024-12-31',
      category: 'other',
      consulateId: 'KZ-ALA',
      hostCity: 'Almaty',
      metric: 'resolved',
      value: '1',
    },
  ];

  it('decodes to the entries it was written from, values as exact decimal strings', () => {
    expect(decodeEntries(encodeEntries(entries))).toEqual(entries);
    expect(decodeEntries(encodeEntries([]))).toEqual([]);
  });

  it('is compact: one tuple per entry, not one object with its field names', () => {
    const text = encodeEntries(entries);
    expect(text).not.toContain('hostCountry');
    expect(JSON.parse(text)).toHaveLength(2);
  });
});
