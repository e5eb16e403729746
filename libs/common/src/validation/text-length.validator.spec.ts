import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { textLength } from '@casebridge/contracts';
import { TextLength } from './text-length.validator';

class Named {
  @TextLength(1, 5)
  name!: string;

  @TextLength(1, 3, { each: true })
  cities: string[] = [];
}

function check(name: unknown, cities: unknown[] = []) {
  const value = plainToInstance(Named, { name, cities });
  return { value, errors: validateSync(value).map((e) => e.property) };
}

describe('text length: code points after NFC, the same count as the event schemas', () => {
  it('counts a base letter with its combining mark as the one character NFC makes of it', () => {
    expect(textLength('e\u0301'.repeat(5))).toBe(5);
    expect(check('e\u0301'.repeat(5)).errors).toEqual([]);
  });

  it('stores the NFC form, so what was counted is what is stored and published', () => {
    expect(check('e\u0301').value.name).toBe('\u00e9');
    expect(check('x', ['A\u030a']).value.cities).toEqual(['\u00c5']);
  });

  it('counts astral characters once and variation selectors and ZWJ as the code points they are', () => {
    expect(textLength('😀😀😀😀😀')).toBe(5);
    expect(check('😀😀😀😀😀').errors).toEqual([]);
    // validator.js (behind @Length) skips U+FE0F; JSON Schema's maxLength does not.
    expect(check('✔\ufe0f✔\ufe0f✔\ufe0f').errors).toEqual(['name']);
    expect(textLength('👩\u200d💻')).toBe(3);
  });

  it('refuses unpaired surrogates, empty and over-long strings and non-strings', () => {
    expect(check('\ud800').errors).toEqual(['name']);
    expect(check('ab\udc00').errors).toEqual(['name']);
    expect(check('').errors).toEqual(['name']);
    expect(check('abcdef').errors).toEqual(['name']);
    expect(check(12345).errors).toEqual(['name']);
    expect(check('ok', ['abcd']).errors).toEqual(['cities']);
  });

  it('names the field and the rule, never the value', () => {
    const [error] = validateSync(plainToInstance(Named, { name: 'secret value', cities: [] }));
    expect(Object.values(error.constraints ?? {})).toEqual(['name must be 1–5 characters']);
  });
});
