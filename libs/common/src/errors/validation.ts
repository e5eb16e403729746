import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationProblem } from './problem';

/** Flattens class-validator's tree into `path.to.field` errors with readable messages. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        field,
        message:
          rule === 'whitelistValidation' ? `unknown field '${field}' is not allowed` : message,
      });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** Paths of every string holding a NUL character, which PostgreSQL cannot store in text. */
export function nulCharacterPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path || 'value'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulCharacterPaths(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
      ...(k.includes('\u0000') ? [path ? `${path}.${k}` : k] : []),
      ...nulCharacterPaths(v, path ? `${path}.${k}` : k),
    ]);
  }
  return [];
}

/** The validation pipe, preceded by a check no class validator makes: no NUL in any string. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const paths = nulCharacterPaths(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    if (paths.length) {
      throw new ValidationProblem(
        paths.map((field) => ({ field, message: 'must not contain NUL (\\u0000) characters' })),
        `Invalid fields: ${paths.join(', ')}.`,
      );
    }
    return super.transform(value, metadata);
  }
}

/** Rejects unknown fields, converts types explicitly, and reports every invalid field. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      return new ValidationProblem(
        fieldErrors,
        `Invalid fields: ${[...new Set(fieldErrors.map((e) => e.field))].join(', ')}.`,
      );
    },
  });
}
