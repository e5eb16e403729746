import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  EVENT_SCHEMAS,
  EventType,
  EventTypes,
  isNormalizedText,
  NFC_TEXT_FORMAT,
} from '@casebridge/contracts';

// Ajv's default `unicode: true`: maxLength counts code points, as request validation does.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
ajv.addFormat(NFC_TEXT_FORMAT, { type: 'string', validate: isNormalizedText });

const validators = new Map<string, ValidateFunction>(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]),
);

export function isKnownEventType(type: string): type is EventType {
  return (Object.values(EventTypes) as string[]).includes(type);
}

/** Returns the schema violations of an event's data (empty when valid). */
export function eventSchemaErrors(type: EventType, data: unknown): string[] {
  const validate = validators.get(type);
  if (!validate) return [`no schema for ${type}`];
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
  );
}
