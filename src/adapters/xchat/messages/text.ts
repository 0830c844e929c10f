/**
 * Text and rich-text entities of outgoing messages (docs/xchat-messages.md §"1.3 RichTextEntity and
 * the entity types"), checked and turned into their Thrift form.
 *
 * Stricter than the SDK, which drops unknown entity types silently and writes any i32 offsets: an
 * unknown type is refused, and offsets must satisfy `0 ≤ start ≤ end ≤` the UTF-8 byte length of
 * the text. That bound never refuses a valid entity: offsets counted in UTF-16 units (as some
 * first-party clients count them) are never larger than in UTF-8 bytes.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../../errors.js';
import { assertArray, typeName } from '../../../guards.js';
import type { Infer } from '../../../wire/thrift/index.js';
import type { RichTextContent, RichTextEntity } from '../../../wire/xchat/contents.js';

type Entity = Infer<typeof RichTextEntity>;
type EntityKind = Exclude<keyof Infer<typeof RichTextContent>, '$unknown'>;

const KINDS: Readonly<Record<string, EntityKind>> = Object.freeze({
  url: 'url',
  mention: 'mention',
  hashtag: 'hashtag',
  cashtag: 'cashtag',
  email: 'email',
  address: 'address',
  phone_number: 'phoneNumber',
  phoneNumber: 'phoneNumber',
});

const I32_MAX = 2147483647;

function fail(field: string, reason: string): never {
  throw new InvalidInputError(ErrorCodes.INVALID_ARGUMENT, reason, field);
}

const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Does `s` have a UTF-8 encoding (no lone UTF-16 surrogate)? */
function wellFormed(s: string): boolean {
  if (isWellFormed) return isWellFormed.call(s);
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * Asserts a string that has a UTF-8 encoding: a lone surrogate would be sent as U+FFFD (the SDK's
 * encoder replaces it), so the receiver would read another text than the sender wrote.
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT`
 */
export function assertText(value: unknown, field: string, { allowEmpty = true } = {}): string {
  if (typeof value !== 'string') fail(field, `expected a string, got ${typeName(value)}`);
  if (!allowEmpty && value.length === 0) fail(field, 'must not be empty');
  if (!wellFormed(value)) fail(field, 'contains a lone UTF-16 surrogate, which has no UTF-8 encoding');
  return value;
}

/** The UTF-8 length of a well-formed string, without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++; // the low surrogate (the string is well formed)
    } else n += 3;
  }
  return n;
}

function offset(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail(field, `expected an integer offset, got ${typeof value === 'number' ? String(value) : typeName(value)}`);
  if (value < 0 || value > I32_MAX) fail(field, `offset ${value} is outside 0 to ${I32_MAX}`);
  return value;
}

/**
 * Checks `[start, end, type]` entities against their text and converts them, in order.
 * @param value - the entity list (absent: undefined, kept absent; `[]` is written as an empty list)
 * @param text - the text they annotate (already checked); undefined when it is not known here
 * (a reply preview's entities without an explicit text): then only the i32 range is checked
 * @throws {InvalidInputError} `ERR_INVALID_ARGUMENT` naming the entry or its element (`params.entities[2][1]`)
 */
export function checkEntities(value: unknown, text: string | undefined, field: string): Entity[] | undefined {
  if (value === undefined || value === null) return undefined;
  const limit = text === undefined ? I32_MAX : utf8Length(text);
  return assertArray(value, field).map((item, i): Entity => {
    const f = `${field}[${i}]`;
    const tuple = assertArray(item, f);
    if (tuple.length !== 3) fail(f, `expected a [start, end, type] tuple, got ${tuple.length} elements`);
    const start = offset(tuple[0], `${f}[0]`);
    const end = offset(tuple[1], `${f}[1]`);
    if (start > end) fail(`${f}[1]`, `end ${end} is before start ${start}`);
    if (end > limit) fail(`${f}[1]`, `end ${end} is past the end of the text (${limit} UTF-8 bytes)`);
    const type = tuple[2];
    const kind = typeof type === 'string' && Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
    if (kind === undefined) {
      fail(
        `${f}[2]`,
        `unknown entity type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeName(type)} (expected one of ${Object.keys(KINDS).join(', ')})`,
      );
    }
    return { startIndex: start, endIndex: end, content: { [kind]: {} } };
  });
}
