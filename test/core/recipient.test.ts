/**
 * The receiving member (src/core/recipient.ts), on a real key change: `checkRecipient` applies the
 * protocol's user-id rule (X digits or Sendbird strings), the version rule and the scalar range, and
 * hands back a private copy of the key; `entryOf` finds the member's own wrapped key by user id and,
 * when they name their identity-key version, that exact version (as the official SDK skips entries
 * labelled with another), refusing a missing member, a member listed twice, or another version,
 * each with its own class, code and field. The entry found opens to the conversation key.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { SENDBIRD_USER_ID } from '../../src/adapters/sendbird/rules.js';
import { X_USER_ID } from '../../src/adapters/xchat/rules.js';
import { checkRecipient, entryOf } from '../../src/core/recipient.js';
import {
  DecodeError,
  SecretBytes,
  unwrapConversationKey,
  VerificationError,
  prepareConversationKeyChange,
  type PreparedKeyChange,
} from '../helpers/kit.js';
import { makeMembers, senderOf, type Member } from '../helpers/members.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const scalar = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let m: Member[];
let change: PreparedKeyChange;
beforeAll(async () => {
  m = await makeMembers(['111', '222']);
  change = await prepareConversationKeyChange({ publicKeys: m.map((x) => x.publicKeyInput), sender: senderOf(m[0]!) });
});

describe('checkRecipient', () => {
  test('the user id by the protocol’s rule, the version when given, and a private copy of the key', () => {
    const key = m[1]!.identity.identityPrivateKey;
    const r = checkRecipient({ userId: '222', identityPrivateKey: key, keyVersion: '1700000000000' }, X_USER_ID, 'options.recipient');
    expect(r).toMatchObject({ userId: '222', keyVersion: '1700000000000' });
    expect(r.identityPrivateKey).toBeInstanceOf(SecretBytes);
    expect(hex(r.identityPrivateKey)).toBe(hex(key));
    expect(r.identityPrivateKey.buffer).not.toBe(key.buffer);
    expect(checkRecipient({ userId: '222', identityPrivateKey: key }, X_USER_ID, 'r').keyVersion).toBeUndefined();
    // Sendbird's rule takes any comma-free id; X's only digits.
    expect(checkRecipient({ userId: 'alice', identityPrivateKey: key }, SENDBIRD_USER_ID, 'options').userId).toBe('alice');
    expect(() => checkRecipient({ userId: 'alice', identityPrivateKey: key }, X_USER_ID, 'options.recipient')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_USER_ID', field: 'options.recipient.userId' }),
    );
    expect(() => checkRecipient({ userId: 'a,b', identityPrivateKey: key }, SENDBIRD_USER_ID, 'options')).toThrow(
      expect.objectContaining({ code: 'ERR_COMMA_IN_FIELD', field: 'options.userId' }),
    );
  });

  test('versions at their boundaries', () => {
    const key = m[1]!.identity.identityPrivateKey;
    for (const v of ['0', '18446744073709551615'])
      expect(checkRecipient({ userId: '222', identityPrivateKey: key, keyVersion: v }, X_USER_ID, 'r').keyVersion).toBe(v);
    for (const v of ['18446744073709551616', '01', '', 1]) {
      expect(() => checkRecipient({ userId: '222', identityPrivateKey: key, keyVersion: v }, X_USER_ID, 'options.recipient')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_VERSION', field: 'options.recipient.keyVersion' }),
      );
    }
  });

  test('the private key is a 32-byte scalar in [1, n − 1]', () => {
    const ok = (k: Uint8Array) => checkRecipient({ userId: '222', identityPrivateKey: k }, X_USER_ID, 'r');
    expect(hex(ok(scalar(1n)).identityPrivateKey)).toBe(hex(scalar(1n)));
    expect(hex(ok(scalar(N - 1n)).identityPrivateKey)).toBe(hex(scalar(N - 1n)));
    for (const k of [
      scalar(0n),
      scalar(N),
      scalar((1n << 256n) - 1n),
      new Uint8Array(31).fill(1),
      new Uint8Array(33).fill(1),
      'AAAA',
      undefined,
    ]) {
      expect(() => checkRecipient({ userId: '222', identityPrivateKey: k }, X_USER_ID, 'options.recipient')).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_KEY', field: 'options.recipient.identityPrivateKey' }),
      );
    }
  });

  test('not an object: ERR_INVALID_ARGUMENT naming the field', () => {
    for (const v of [undefined, null, '222', [m[1]]])
      expect(() => checkRecipient(v, X_USER_ID, 'options.recipient')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', field: 'options.recipient' }),
      );
  });
});

describe('entryOf', () => {
  test('the member’s own entry, and it opens to the conversation key', async () => {
    const recipient = checkRecipient(
      { userId: '222', identityPrivateKey: m[1]!.identity.identityPrivateKey, keyVersion: m[1]!.version },
      X_USER_ID,
      'r',
    );
    const { entry, index } = entryOf(change.participantKeys, recipient, 'participantKeys');
    expect(entry).toBe(change.participantKeys[index]);
    expect(entry.userId).toBe('222');
    expect(hex(await unwrapConversationKey(entry.encryptedKey, recipient.identityPrivateKey))).toBe(hex(change.conversationKey));
  });

  test('no version given: any label is theirs; a version given: exactly that string', () => {
    const keys = change.participantKeys;
    const at = keys.findIndex((k) => k.userId === '222');
    expect(entryOf(keys, { userId: '222', keyVersion: undefined }, 'k').index).toBe(at);
    for (const v of ['1700000000001', '01700000000000', '1700000000000.0']) {
      expect(() => entryOf(keys, { userId: '222', keyVersion: v }, 'participantKeys')).toThrow(
        expect.objectContaining({
          name: 'VerificationError',
          code: 'ERR_RECIPIENT_KEY_MISMATCH',
          field: `participantKeys[${at}].publicKeyVersion`,
        }),
      );
    }
  });

  test('not among the keys: VerificationError ERR_NOT_A_MEMBER', () => {
    for (const keys of [change.participantKeys, []]) {
      const e = (() => {
        try {
          entryOf(keys, { userId: '333', keyVersion: undefined }, 'channel.data.ckk.keys');
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(VerificationError);
      expect(e).toMatchObject({ code: 'ERR_NOT_A_MEMBER', field: 'channel.data.ckk.keys' });
    }
  });

  test('listed twice: DecodeError ERR_INVALID_ENVELOPE at the second entry, before any version check', () => {
    const [a, b] = change.participantKeys;
    const twice = [a!, b!, { ...a!, publicKeyVersion: '9' }];
    const e = (() => {
      try {
        entryOf(twice, { userId: a!.userId, keyVersion: a!.publicKeyVersion }, 'keys');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e).toMatchObject({ code: 'ERR_INVALID_ENVELOPE', field: 'keys[2]' });
    // Someone else listed twice does not concern this member.
    expect(entryOf(twice, { userId: b!.userId, keyVersion: undefined }, 'keys').index).toBe(1);
  });
});
