/**
 * Signed payload strings: components joined with commas, without escaping (docs/xchat-keys.md
 * §"Signed payloads"). Lists are flattened in place (an empty list contributes nothing). A
 * component that contains a comma is refused, since the same string would then split into two
 * different component lists.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../errors.js';

/** One payload component: its name (for errors) and a value, or a list flattened in place. */
export type Component = readonly [field: string, value: string | readonly string[]];

function commaError(field: string): InvalidInputError {
  return new InvalidInputError(
    ErrorCodes.COMMA_IN_FIELD,
    'must not contain a comma (signed payloads are comma-joined without escaping)',
    field,
  );
}

/**
 * Joins components with commas.
 * @throws {InvalidInputError} `ERR_COMMA_IN_FIELD` naming the component that contains a comma
 */
export function joinPayload(components: readonly Component[]): string {
  const out: string[] = [];
  for (const [field, value] of components) {
    if (typeof value === 'string') {
      if (value.includes(',')) throw commaError(field);
      out.push(value);
    } else {
      for (let i = 0; i < value.length; i++) {
        const v = value[i] as string;
        if (v.includes(',')) throw commaError(`${field}[${i}]`);
        out.push(v);
      }
    }
  }
  return out.join(',');
}
