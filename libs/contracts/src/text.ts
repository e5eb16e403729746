/**
 * The one definition of a text's length, shared by request validation and the event schemas:
 * Unicode code points of the NFC form. A string with an unpaired surrogate is not text at all
 * (PostgreSQL's jsonb and UTF-8 cannot hold it), so it has no length and is refused.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when every surrogate in the string is part of a pair (ES2024 `isWellFormed`). */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** The form in which text is stored and published. */
export function normalizeText(value: string): string {
  return isWellFormedText(value) ? value.normalize('NFC') : value;
}

/** Code points of the NFC form; NaN for a string with an unpaired surrogate. */
export function textLength(value: string): number {
  if (!isWellFormedText(value)) return Number.NaN;
  // Spreading walks code points, as Ajv's maxLength (with `unicode: true`) counts them.
  return [...value.normalize('NFC')].length;
}

/** Well-formed and already NFC: what `format: "nfc-text"` accepts in the event schemas. */
export function isNormalizedText(value: string): boolean {
  return isWellFormedText(value) && value === value.normalize('NFC');
}

/** Name of the JSON Schema format of free text in events. */
export const NFC_TEXT_FORMAT = 'nfc-text';
