/**
 * X's identifier rules (src/adapters/xchat/rules.ts, docs/xchat-keys.md §"Identifiers"): user ids
 * (1 to 19 digits, no leading zero), group ids (`g` and 1 to 19 digits), one-to-one ids (`min:max`
 * of two different user ids, numeric order) and the signer-side canonical form of a conversation id,
 * which is checked against the official SDK itself: every spelling (`A:B`, `B:A`, the hyphen form,
 * a bare peer id, odd ones) rewritten exactly as the SDK rewrites it before signing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  assertGroupId,
  assertXUserId,
  canonicalConversationId,
  isGroupId,
  isXUserId,
  oneToOneId,
  oneToOneUsers,
  X_USER_ID,
} from '../../../src/adapters/xchat/rules.js';
import { RUNS } from '../../helpers/properties.js';
import { sdkMembers, type SdkMember } from '../../helpers/xdk.js';

const NOT_STRINGS = [undefined, null, 111, 111n, {}, ['111'], new Uint8Array(1)];
const refuses = (f: () => unknown, code: string, field: string) =>
  expect(f).toThrow(expect.objectContaining({ name: 'InvalidInputError', code, field }));

describe('X user ids', () => {
  test.each([
    ['1', true],
    ['9', true],
    ['111', true],
    ['1234567890123456789', true], // 19 digits
    ['9223372036854775807', true], // 2^63 − 1, the largest i64
    ['12345678901234567890', false], // 20 digits
    ['0', false], // a leading zero
    ['0111', false],
    ['00', false],
    ['', false],
    ['-1', false],
    ['+1', false],
    ['1e3', false],
    [' 111', false],
    ['111 ', false],
    ['١١١', false], // Arabic-Indic digits
    ['alice', false],
    ['g111', false],
  ])('%j is an X user id: %s', (id, ok) => {
    expect(isXUserId(id)).toBe(ok);
    expect(X_USER_ID.is(id)).toBe(ok);
    if (ok) expect(assertXUserId(id, 'senderId')).toBe(id);
    else refuses(() => X_USER_ID.assert(id, 'publicKeys[2].userId'), 'ERR_INVALID_USER_ID', 'publicKeys[2].userId');
  });

  test('non-strings: ERR_INVALID_USER_ID naming the field, never a TypeError', () => {
    for (const v of NOT_STRINGS) {
      expect(isXUserId(v)).toBe(false);
      refuses(() => assertXUserId(v, 'senderId'), 'ERR_INVALID_USER_ID', 'senderId');
    }
    expect(X_USER_ID.name).toBe('X');
  });

  test('property: exactly the canonical decimals of 1 to 10^19 − 1', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
          fc.string({ unit: fc.constantFrom('0', '1', '9', 'a', '-'), maxLength: 21 }),
        ),
        (id) => {
          expect(isXUserId(id)).toBe(/^[1-9][0-9]{0,18}$/.test(id));
        },
      ),
      { numRuns: RUNS * 3, seed: 81 },
    );
  });
});

describe('group ids', () => {
  test.each([
    ['g1', true],
    ['g123', true],
    [`g${'9'.repeat(19)}`, true],
    [`g${'9'.repeat(20)}`, false],
    ['g01', true], // the rule is "g and digits"; X mints them without leading zeros
    ['g', false],
    ['G1', false],
    ['g-1', false],
    ['g1 ', false],
    ['gg1', false],
    ['111', false],
    ['111:222', false],
    ['', false],
  ])('%j is a group id: %s', (id, ok) => {
    expect(isGroupId(id)).toBe(ok);
    if (ok) expect(assertGroupId(id, 'conversationId')).toBe(id);
    else refuses(() => assertGroupId(id, 'params.conversationId'), 'ERR_INVALID_CONVERSATION_ID', 'params.conversationId');
  });

  test('non-strings: ERR_INVALID_CONVERSATION_ID, never a TypeError', () => {
    for (const v of NOT_STRINGS) refuses(() => assertGroupId(v, 'conversationId'), 'ERR_INVALID_CONVERSATION_ID', 'conversationId');
  });
});

describe('one-to-one ids', () => {
  test('oneToOneId: min:max in numeric order (length first), whatever the argument order', () => {
    expect(oneToOneId('111', '222')).toBe('111:222');
    expect(oneToOneId('222', '111')).toBe('111:222');
    expect(oneToOneId('1000', '999')).toBe('999:1000'); // not string order
    expect(oneToOneId('9007199254740993', '9007199254740992')).toBe('9007199254740992:9007199254740993');
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 19n - 1n }), fc.bigInt({ min: 1n, max: 10n ** 19n - 1n }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(oneToOneId(String(a), String(b))).toBe(`${lo}:${hi}`);
      }),
      { numRuns: RUNS, seed: 82 },
    );
  });

  test.each([
    ['111:222', ['111', '222']],
    ['999:1000', ['999', '1000']],
    ['1:1234567890123456789', ['1', '1234567890123456789']],
    ['222:111', null], // reversed
    ['1000:999', null],
    ['111:111', null], // one user twice
    ['111-222', null], // the hyphen form is a spelling, not the id
    ['222', null], // a bare peer id
    ['111:222:333', null],
    ['0111:222', null],
    ['111:12345678901234567890', null],
    [':222', null],
    ['111:', null],
    ['g111', null],
    ['', null],
  ])('oneToOneUsers(%j) → %j', (id, users) => {
    expect(oneToOneUsers(id)).toEqual(users);
  });

  test('oneToOneUsers of a non-string is null', () => {
    for (const v of NOT_STRINGS) expect(oneToOneUsers(v)).toBeNull();
  });
});

describe('canonicalConversationId, against the official SDK', () => {
  let pair: SdkMember[];
  let numeric: SdkMember[];
  beforeAll(async () => {
    pair = await sdkMembers(['111', '222']);
    numeric = await sdkMembers(['1000', '999']);
  });
  /** The conversation id the SDK signs for `id`, prepared by the first member. */
  const sdk = (members: SdkMember[], id: string): string =>
    members[0]!.chat.prepareConversationKeyChange({ publicKeys: members.map((m) => m.publicKeyInput), conversationId: id }).conversationId;

  test.each([
    ['111:222', '111:222'],
    ['222:111', '111:222'], // reversed
    ['111-222', '111:222'], // the hyphen form
    ['222-111', '111:222'],
    ['222', '111:222'], // the peer's bare id, paired with the sender
    ['111', '111:111'], // the sender's own id: paired with itself (then refused by the prepare functions)
    ['g123', 'g123'], // a group id, unchanged
    ['111:abc', '111:abc'], // a half that is not all digits: unchanged
    [':222', ':222'], // an empty half: unchanged
    ['111:', '111:'],
    ['111:222:333', '111:222:333'], // split at the first separator; the rest is not all digits
    ['111-222:333', '111-222:333'],
    ['0222:111', '111:0222'], // leading zeros are digits: rewritten (then refused)
    ['222:0111', '222:0111'], // already min:max by length
    ['0222', '111:0222'],
    ['abc', 'abc'],
    ['12345678901234567890:111', '111:12345678901234567890'], // 20 digits: rewritten (then refused)
  ])('%j, sent by 111 → %j, as the SDK signs it', (id, expected) => {
    expect(canonicalConversationId(id, '111')).toBe(expected);
    expect(sdk(pair, id)).toBe(expected);
  });

  test('numeric order, not string order: 1000-999 and the bare 999 both become 999:1000', () => {
    for (const id of ['1000-999', '999-1000', '1000:999', '999']) {
      expect(canonicalConversationId(id, '1000')).toBe('999:1000');
      expect(sdk(numeric, id)).toBe('999:1000');
    }
  });

  test('a sender id that is not all digits is not paired with a bare id', () => {
    expect(canonicalConversationId('222', 'alice')).toBe('222');
    expect(canonicalConversationId('222', '')).toBe('222');
  });

  test('property: every spelling of a one-to-one of two users gives min:max, which oneToOneUsers reads back', () => {
    const id = fc.bigInt({ min: 1n, max: 10n ** 19n - 1n }).map(String);
    fc.assert(
      fc.property(id, id, fc.constantFrom('a:b', 'b:a', 'a-b', 'b-a', 'bare'), (a, b, form) => {
        fc.pre(a !== b);
        const spelled = form === 'bare' ? b : form.replace('a', a).replace('b', b);
        const canonical = canonicalConversationId(spelled, a);
        expect(canonical).toBe(oneToOneId(a, b));
        expect(oneToOneUsers(canonical)).toEqual(BigInt(a) < BigInt(b) ? [a, b] : [b, a]);
      }),
      { numRuns: RUNS, seed: 83 },
    );
  });
});
