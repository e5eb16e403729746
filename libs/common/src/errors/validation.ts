import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { isWellFormedText } from '@casebridge/contracts';
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

/** Paths of every string (value or key) for which `bad` holds. Bodies are depth-limited before parsing. */
function stringPaths(value: unknown, bad: (s: string) => boolean, path = ''): string[] {
  if (typeof value === 'string') return bad(value) ? [path || 'value'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, bad, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
      ...(bad(k) ? [path ? `${path}.${k}` : k] : []),
      ...stringPaths(v, bad, path ? `${path}.${k}` : k),
    ]);
  }
  return [];
}

const hasNul = (s: string) => s.includes('\u0000');
const notWellFormed = (s: string) => !isWellFormedText(s);

/** Paths of every string holding a NUL character, which PostgreSQL cannot store in text. */
export function nulCharacterPaths(value: unknown, path = ''): string[] {
  return stringPaths(value, hasNul, path);
}

/** Paths of every string holding an unpaired surrogate, which UTF-8 and jsonb cannot hold. */
export function unpairedSurrogatePaths(value: unknown, path = ''): string[] {
  return stringPaths(value, notWellFormed, path);
}

/**
 * The validation pipe, preceded by checks no class validator makes: no string anywhere (value
 * or key) holds a NUL or an unpaired surrogate, characters PostgreSQL cannot store.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Client input only: custom parameters (the authenticated user) are not the request's data.
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const root = metadata.type === 'param' ? (metadata.data ?? '') : '';
    const errors: FieldError[] = [
      ...nulCharacterPaths(value, root).map((field) => ({
        field,
        message: 'must not contain NUL (\\u0000) characters',
      })),
      ...unpairedSurrogatePaths(value, root).map((field) => ({
        field,
        message: 'must be valid Unicode text (no unpaired surrogates)',
      })),
    ];
    if (errors.length) {
      throw new ValidationProblem(
        errors,
        `Invalid fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`,
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
