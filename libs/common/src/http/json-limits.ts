/**
 * Limits on the shape of a JSON body, checked on the raw bytes before it is parsed: everything
 * after parsing (validation, transformation, the NUL scan) walks the value recursively, so a
 * body nested a few thousand levels deep would otherwise exhaust the stack. Far above what any
 * request of this API needs (its deepest body nests 3 levels, the widest has ~20 keys).
 */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_KEYS = 1000;

export type JsonLimitExceeded = 'depth' | 'keys';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/**
 * Which limit a UTF-8 JSON text exceeds, if any: nesting deeper than `maxDepth` arrays/objects,
 * or more than `maxKeys` object members in all. One pass, no allocation, no recursion. Bytes of
 * multi-byte UTF-8 sequences are all >= 0x80, so they never look like structural characters.
 * Malformed JSON is left to the parser.
 */
export function jsonLimitExceeded(
  body: Uint8Array,
  maxDepth = MAX_JSON_DEPTH,
  maxKeys = MAX_JSON_KEYS,
): JsonLimitExceeded | null {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (++depth > maxDepth) return 'depth';
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        depth--;
        break;
      case COLON:
        if (++keys > maxKeys) return 'keys';
        break;
    }
  }
  return null;
}
