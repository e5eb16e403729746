import { Transform } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { isWellFormedText, normalizeText, textLength } from '@casebridge/contracts';

export function isTextOfLength(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string') return false;
  const length = textLength(value);
  return length >= min && length <= max;
}

/**
 * A string of `min`–`max` characters, counted as everywhere else in Casebridge: code points after
 * NFC normalisation (see `textLength` in the contracts). Use it for every length check of text
 * instead of `@Length`/`@MaxLength`, which count differently (UTF-16 units, and validator.js
 * skips variation selectors), so that a value that passes here also passes the event schemas.
 *
 * The value is normalised to NFC on input: what is stored and published is the form whose
 * length was checked. Strings holding an unpaired surrogate are refused. With `each: true`,
 * applies to every element of an array.
 */
export function TextLength(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  const normalize = (value: unknown): unknown =>
    typeof value === 'string' ? normalizeText(value) : value;
  return (target: object, propertyName: string | symbol) => {
    Transform(({ value }: { value: unknown }) =>
      options?.each && Array.isArray(value) ? value.map(normalize) : normalize(value),
    )(target, propertyName);
    const property = String(propertyName);
    const name = options?.each ? `each value in ${property}` : property;
    registerDecorator({
      name: 'textLength',
      target: target.constructor,
      propertyName: property,
      constraints: [min, max],
      options: {
        message: (args) =>
          typeof args.value === 'string' && !isWellFormedText(args.value)
            ? `${name} must be valid Unicode text (no unpaired surrogates)`
            : min === max
              ? `${name} must be exactly ${min} characters`
              : `${name} must be ${min}–${max} characters`,
        ...options,
      },
      validator: { validate: (value: unknown) => isTextOfLength(value, min, max) },
    });
  };
}
