import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * A finite number with at most `places` decimals. Replaces `@IsNumber({ maxDecimalPlaces })`,
 * which throws a TypeError (a 500) on numbers JavaScript prints in exponent form, such as 1e-7.
 */
export function hasMaxDecimalPlaces(value: unknown, places: number): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  return Number(value.toFixed(places)) === value;
}

export function MaxDecimalPlaces(places: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'maxDecimalPlaces',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [places],
      options: {
        message: `${String(propertyName)} must be a number with at most ${places} decimals`,
        ...options,
      },
      validator: { validate: (value: unknown) => hasMaxDecimalPlaces(value, places) },
    });
  };
}
