/**
 * Sendbird's identifier rules, each written once as a predicate and an assertion: channel URLs
 * (as Sendbird documents them) and user ids as chat-keykit signs them.
 *
 * @module
 */
import { ErrorCodes, InvalidInputError } from '../../errors.js';
import { typeName } from '../../guards.js';
import { ANY_USER_ID, type UserIdRule } from '../../rules.js';

/**
 * Is `url` a channel URL as Sendbird documents it: 4 to 100 letters, digits and underscores? (The
 * live API was seen accepting `-`; the documentation does not.)
 * @example
 * isChannelUrl('team_room'); // true
 * isChannelUrl('team-room'); // false: a hyphen is not in the documented alphabet
 */
export function isChannelUrl(url: unknown): url is string {
  return typeof url === 'string' && /^[A-Za-z0-9_]{4,100}$/.test(url);
}

/**
 * Asserts {@link isChannelUrl}.
 * @throws {InvalidInputError} `ERR_INVALID_CONVERSATION_ID`
 * @example
 * const channelUrl = assertChannelUrl(request.params.channel, 'channel'); // throws, naming `channel`, when it is not one
 */
export function assertChannelUrl(url: unknown, field: string): string {
  if (typeof url !== 'string')
    throw new InvalidInputError(ErrorCodes.INVALID_CONVERSATION_ID, `expected a channel URL string, got ${typeName(url)}`, field);
  if (!isChannelUrl(url))
    throw new InvalidInputError(
      ErrorCodes.INVALID_CONVERSATION_ID,
      'expected a Sendbird channel URL: 4 to 100 letters, digits and underscores',
      field,
    );
  return url;
}

/**
 * Sendbird user ids as chat-keykit signs them: Sendbird's ids are free-form strings; signed
 * payloads are comma-joined, so an id with a comma (or over 256 characters) is refused.
 */
export const SENDBIRD_USER_ID: UserIdRule = { ...ANY_USER_ID, name: 'Sendbird' };
