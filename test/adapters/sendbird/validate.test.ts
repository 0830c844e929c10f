/**
 * Validation of a group-channel create (src/adapters/sendbird/validate.ts, docs/sendbird.md
 * §"Group channels"): every rule of the documented table with a valid and an invalid case, each
 * problem with its path and the Sendbird code it would cause, checked on `validateGroupChannel`
 * itself and on the request builder that throws them (so both say the same); every problem at
 * once; lengths in code points; the 100-users-per-request limit and `batch: false`; the error class
 * that carries the problems; the user ids a request names.
 */
import { describe, expect, test } from 'vitest';
import {
  requestUserIds,
  SendbirdCodes,
  SendbirdValidationError,
  validateGroupChannel,
  type SendbirdGroupChannelParams,
  type SendbirdProblem,
} from '../../../src/adapters/sendbird/validate.js';
import { createSendbirdGroupChannelRequest, InvalidInputError } from '../../helpers/kit.js';

const TOKEN = 'secret-api-token-4f1c2d9e8b7a';
const options = { applicationId: 'A1B2C3D4-E5F6-4789-ABCD-0123456789AB', apiToken: TOKEN };

/** The problems of a create, as the request builder throws them; they must be validateGroupChannel's. */
function problems(params: unknown, opts: object = options): SendbirdProblem[] {
  const direct = validateGroupChannel(params);
  try {
    createSendbirdGroupChannelRequest(params as SendbirdGroupChannelParams, opts as typeof options);
  } catch (e) {
    expect(e).toBeInstanceOf(SendbirdValidationError);
    expect(JSON.stringify(e) + String(e) + (e as Error).message).not.toContain(TOKEN);
    expect((e as SendbirdValidationError).code).toBe('ERR_SENDBIRD_REQUEST_INVALID');
    expect((e as SendbirdValidationError).problems).toEqual(direct);
    return [...(e as SendbirdValidationError).problems];
  }
  expect(direct).toEqual([]);
  return [];
}

const ok = (params: SendbirdGroupChannelParams) => expect(problems(params)).toEqual([]);
const refused = (params: unknown, path: string, code: number | null) =>
  expect(problems(params)).toContainEqual(expect.objectContaining({ path, sendbirdCode: code }));
const users = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

// The rule table and "every problem at once" moved from test/adapters/sendbird/channels.test.ts
// (now requests.test.ts), with the direct call added in `problems`.
describe('every rule, valid and invalid', () => {
  const base = { user_ids: ['alice', 'bob'] };
  test.each([
    ['no users', {}, 'user_ids', 400105],
    ['an empty user list', { user_ids: [] }, 'user_ids', 400105],
    ['user_ids and users together', { user_ids: ['a'], users: [{ user_id: 'a' }] }, 'users', 400920],
    ['user_ids not a list', { user_ids: 'alice' }, 'user_ids', 400102],
    ['a user id that is not a string', { user_ids: ['alice', 7] }, 'user_ids[1]', 400100],
    ['an empty user id', { user_ids: ['alice', ''] }, 'user_ids[1]', 400111],
    ['a duplicate user id', { user_ids: ['alice', 'bob', 'alice'] }, 'user_ids[2]', 400111],
    ['users without user_id', { users: [{ user_id: 'a' }, { id: 'b' }] }, 'users[1].user_id', 400100],
    ['more than 100 users in one request', { user_ids: users(101), is_super: true }, 'user_ids', 400203],
    ['more than 100 members without is_super', { user_ids: users(101) }, 'user_ids', 400203],
    ['a name of 192 characters', { ...base, name: 'n'.repeat(192) }, 'name', 400110],
    ['a name that is not a string', { ...base, name: 5 }, 'name', 400100],
    ['a channel_url of 3 characters', { ...base, channel_url: 'abc' }, 'channel_url', 400111],
    ['a channel_url of 101 characters', { ...base, channel_url: 'c'.repeat(101) }, 'channel_url', 400110],
    ['a channel_url with a hyphen', { ...base, channel_url: 'team-room' }, 'channel_url', 400151],
    ['a channel_url with a slash', { ...base, channel_url: 'team/room' }, 'channel_url', 400151],
    [
      'a channel_url of 60 emoji (60 code points, not allowed characters)',
      { ...base, channel_url: '😀'.repeat(60) },
      'channel_url',
      400151,
    ],
    ['a cover_url of 2,049 characters', { ...base, cover_url: `https://x/${'c'.repeat(2039)}` }, 'cover_url', 400110],
    ['a custom_type of 129 characters', { ...base, custom_type: 't'.repeat(129) }, 'custom_type', 400110],
    ['data that is not a string', { ...base, data: { a: 1 } }, 'data', 400100],
    ['is_distinct not a boolean', { ...base, is_distinct: 'yes' }, 'is_distinct', 400104],
    ['is_public not a boolean', { ...base, is_public: 1 }, 'is_public', 400104],
    ['is_super not a boolean', { ...base, is_super: 'true' }, 'is_super', 400104],
    ['is_ephemeral not a boolean', { ...base, is_ephemeral: null }, 'is_ephemeral', 400104],
    ['strict not a boolean', { ...base, strict: 0 }, 'strict', 400104],
    ['block_sdk_user_channel_join not a boolean', { ...base, block_sdk_user_channel_join: 'no' }, 'block_sdk_user_channel_join', 400104],
    ['is_super with is_distinct', { ...base, is_super: true, is_distinct: true }, 'is_distinct', 400111],
    ['is_public with is_distinct', { ...base, is_public: true, is_distinct: true }, 'is_distinct', 400920],
    ['access_code without is_public', { ...base, access_code: '1234' }, 'access_code', 400920],
    ['operator_ids not among the users', { ...base, operator_ids: ['alice', 'carol'] }, 'operator_ids[1]', 400111],
    ['operator_ids not a list', { ...base, operator_ids: 'alice' }, 'operator_ids', 400102],
    ['more than 100 operators', { user_ids: users(100), operator_ids: users(101), is_super: true }, 'operator_ids', 400203],
    ['inviter_id not among the users', { ...base, inviter_id: 'carol' }, 'inviter_id', 400111],
    ['invitation_status for a non-user', { ...base, invitation_status: { carol: 'joined' } }, 'invitation_status.carol', 400111],
    ['invitation_status with an unknown state', { ...base, invitation_status: { bob: 'pending' } }, 'invitation_status.bob', 400111],
    ['invitation_status not an object', { ...base, invitation_status: ['bob'] }, 'invitation_status', 400103],
    ['hidden_status with an unknown state', { ...base, hidden_status: { bob: 'hidden' } }, 'hidden_status.bob', 400111],
    ['hidden_status for a non-user', { ...base, hidden_status: { carol: 'unhidden' } }, 'hidden_status.carol', 400111],
    ['hidden_status not an object', { ...base, hidden_status: 'bob' }, 'hidden_status', 400103],
    ['an operator listed twice', { ...base, operator_ids: ['alice', 'alice'] }, 'operator_ids[1]', 400111],
    [
      'cover_url with cover_file',
      { ...base, cover_url: 'https://x/c.png', cover_file: { data: new Uint8Array(3), filename: 'c.png' } },
      'cover_file',
      400920,
    ],
    ['a cover_file that is not a file', { ...base, cover_file: 'c.png' }, 'cover_file', 400111],
    ['an unknown property (typo)', { ...base, is_publc: true }, 'is_publc', null],
  ])('refuses %s', (_n, params, path, code) => refused(params, path, code));

  test.each([
    ['user_ids', { user_ids: ['alice'] }],
    ['users as objects', { users: [{ user_id: 'alice' }, { user_id: 'bob' }] }],
    ['users as plain ids (older docs)', { users: ['alice', 'bob'] }],
    ['100 users without is_super', { user_ids: users(100) }],
    ['100 operators', { user_ids: users(100), operator_ids: users(100) }],
    ['a name of 191 characters (code points)', { ...base, name: '名'.repeat(191) }],
    ['channel_url of 4 and 100 characters', { ...base, channel_url: 'abcd' }],
    ['channel_url of 100 characters', { ...base, channel_url: 'A_1'.repeat(33) + 'x' }],
    ['cover_url of 2,048 characters', { ...base, cover_url: `https://x/${'c'.repeat(2038)}` }],
    ['custom_type of 128 characters', { ...base, custom_type: 't'.repeat(128) }],
    ['a public channel with an access code', { ...base, is_public: true, access_code: '1234' }],
    ['a distinct private channel', { ...base, is_distinct: true, custom_type: 'dm' }],
    ['a Supergroup', { ...base, is_super: true, is_ephemeral: true, strict: true, block_sdk_user_channel_join: true }],
    [
      'operators, inviter and statuses among the users',
      {
        ...base,
        operator_ids: ['alice'],
        inviter_id: 'alice',
        invitation_status: { bob: 'invited_by_friend' },
        hidden_status: { alice: 'hidden_allow_auto_unhide' },
      },
    ],
  ] as [string, SendbirdGroupChannelParams][])('accepts %s', (_n, params) => ok(params));

  test('every problem is reported at once, in one error', () => {
    const ps = problems({
      user_ids: ['a', 'a'],
      name: 'n'.repeat(200),
      channel_url: 'x-',
      is_super: true,
      is_distinct: true,
      colour: 'red',
    });
    expect(ps.map((p) => [p.path, p.sendbirdCode])).toEqual([
      ['colour', null],
      ['user_ids[1]', 400111],
      ['name', 400110],
      ['channel_url', 400111],
      ['is_distinct', 400111],
    ]);
  });
});

describe('more boundaries', () => {
  const base = { user_ids: ['alice', 'bob'] };

  test('params that are not an object: one problem, 400103', () => {
    for (const v of [null, undefined, 'alice', ['alice'], 42])
      expect(validateGroupChannel(v)).toEqual([
        { path: '(params)', message: 'expected an object of Sendbird properties', sendbirdCode: 400103 },
      ]);
  });

  test('lengths are code points: 191 astral characters (382 UTF-16 units) are a valid name, 192 are not', () => {
    expect(validateGroupChannel({ ...base, name: '😀'.repeat(191) })).toEqual([]);
    expect(validateGroupChannel({ ...base, name: '😀'.repeat(192) })).toEqual([
      expect.objectContaining({ path: 'name', sendbirdCode: 400110, message: 'at most 191 characters, got 192' }),
    ]);
  });

  test('channel_url at its edges: 4 and 100 characters in, 3 and 101 out, a trailing newline out', () => {
    for (const u of ['abcd', 'a'.repeat(100), 'A_9z']) expect(validateGroupChannel({ ...base, channel_url: u })).toEqual([]);
    expect(validateGroupChannel({ ...base, channel_url: 'abc' })).toEqual([
      expect.objectContaining({ path: 'channel_url', sendbirdCode: 400111 }),
    ]);
    expect(validateGroupChannel({ ...base, channel_url: 'a'.repeat(101) })).toEqual([
      expect.objectContaining({ path: 'channel_url', sendbirdCode: 400110 }),
    ]);
    expect(validateGroupChannel({ ...base, channel_url: 'abcd\n' })).toEqual([
      expect.objectContaining({ path: 'channel_url', sendbirdCode: 400151 }),
    ]);
    expect(validateGroupChannel({ ...base, channel_url: 5 })).toEqual([
      expect.objectContaining({ path: 'channel_url', sendbirdCode: 400100 }),
    ]);
  });

  test('batch: false lifts the per-request limit only; a plain group still holds 100', () => {
    expect(validateGroupChannel({ user_ids: users(250), is_super: true }, { batch: false })).toEqual([]);
    expect(validateGroupChannel({ user_ids: users(101), is_super: true })).toEqual([
      expect.objectContaining({ path: 'user_ids', sendbirdCode: 400203 }),
    ]);
    expect(validateGroupChannel({ user_ids: users(101) }, { batch: false })).toEqual([
      expect.objectContaining({ path: 'user_ids', sendbirdCode: 400203, message: expect.stringContaining('Supergroup') }),
    ]);
  });

  test('cover files: a Blob, or bytes with a non-empty file name and an optional string type', () => {
    for (const f of [
      new Blob([Uint8Array.of(1)]),
      { data: Uint8Array.of(1), filename: 'c.png' },
      { data: Uint8Array.of(1), filename: 'c.png', type: 'image/png' },
    ])
      expect(validateGroupChannel({ ...base, cover_file: f })).toEqual([]);
    for (const f of [
      { data: Uint8Array.of(1), filename: '' },
      { data: [1], filename: 'c.png' },
      { data: Uint8Array.of(1), filename: 'c.png', type: 5 },
      new Uint8Array(1),
    ]) {
      expect(validateGroupChannel({ ...base, cover_file: f })).toEqual([
        expect.objectContaining({ path: 'cover_file', sendbirdCode: 400111 }),
      ]);
    }
  });

  test('undefined properties are absent, not unknown', () => {
    expect(validateGroupChannel({ ...base, name: undefined, colour: undefined })).toEqual([]);
  });

  test('SendbirdCodes are the codes of the documented table', () => {
    expect(SendbirdCodes).toEqual({
      NOT_STRING: 400100,
      NOT_NUMBER: 400101,
      NOT_LIST: 400102,
      NOT_JSON: 400103,
      NOT_BOOLEAN: 400104,
      MISSING: 400105,
      TOO_LONG: 400110,
      INVALID_VALUE: 400111,
      NOT_ALLOWED_CHARACTERS: 400151,
      TOO_MANY: 400203,
      INVALID_COMBINATION: 400920,
    });
    expect(Object.isFrozen(SendbirdCodes)).toBe(true);
  });
});

describe('SendbirdValidationError', () => {
  const ps: SendbirdProblem[] = Array.from({ length: 7 }, (_, i) => ({
    path: `user_ids[${i}]`,
    message: 'a user id must not be empty',
    sendbirdCode: i === 6 ? null : 400111,
  }));

  test('an InvalidInputError with ERR_SENDBIRD_REQUEST_INVALID, every problem, the first five in the message', () => {
    const e = new SendbirdValidationError(ps);
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e).toMatchObject({ name: 'SendbirdValidationError', code: 'ERR_SENDBIRD_REQUEST_INVALID', field: undefined, problems: ps });
    expect(e.message).toBe(
      `7 problems: ${ps
        .slice(0, 5)
        .map((p) => `${p.path}: ${p.message} (Sendbird 400111)`)
        .join('; ')}; …`,
    );
    expect(new SendbirdValidationError(ps.slice(6)).message).toBe('1 problem: user_ids[6]: a user id must not be empty');
  });

  test('its JSON form carries the problems', () => {
    const json = new SendbirdValidationError(ps.slice(0, 2)).toJSON();
    expect(json).toEqual({
      name: 'SendbirdValidationError',
      code: 'ERR_SENDBIRD_REQUEST_INVALID',
      reason: expect.stringContaining('2 problems'),
      message: expect.any(String),
      problems: ps.slice(0, 2),
    });
  });
});

describe('requestUserIds', () => {
  test('from user_ids or users (objects or plain ids), skipping what is not an id', () => {
    expect(requestUserIds({ user_ids: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(requestUserIds({ users: [{ user_id: 'a' }, 'b', { id: 'c' }, 7, ''] })).toEqual(['a', 'b']);
    expect(requestUserIds({ user_ids: ['a', 5, null, 'b'] })).toEqual(['a', 'b']);
    expect(requestUserIds({ user_ids: ['x'], users: [{ user_id: 'y' }] })).toEqual(['x']);
    expect(requestUserIds({ user_ids: 'a' })).toEqual([]);
    expect(requestUserIds({})).toEqual([]);
  });
});
