import type { BucketEntry } from './contributions';
import { encodeEntries } from './deltas';

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

  it('keeps each entry as the tuple the fold reads by position, values as exact decimal strings', () => {
    // ReadModelWriter.fold reads these positions in SQL (x ->> 0 … x ->> 7).
    expect(JSON.parse(encodeEntries(entries))).toEqual([
      [0, 'RU', '2025-03-01', 'unpaid_wages', '', '', 'claimed:RUB', '-185000.50'],
      [1, 'KZ', '2024-12-31', 'other', 'KZ-ALA', 'Almaty', 'resolved', '1'],
    ]);
    expect(encodeEntries([])).toBe('[]');
  });

  it('is compact: one tuple per entry, not one object with its field names', () => {
    const text = encodeEntries(entries);
    expect(text).not.toContain('hostCountry');
    expect(JSON.parse(text)).toHaveLength(2);
  });
});
