/**
 * The error hierarchy (src/errors.ts): the classes and what an error carries (code, reason, field,
 * message, JSON form, renaming a field), the code table, and, read from the sources with the
 * TypeScript compiler, that every code is thrown by exactly one class: the one src/errors.ts
 * groups it under (or a subclass of it).
 */
import { describe, expect, test } from 'vitest';
import {
  DecodeError,
  ErrorCodes,
  InternalError,
  InvalidInputError,
  KeykitError,
  UnsupportedVersionError,
  VerificationError,
  type ErrorCode,
} from '../src/errors.js';
import { declaredOwners, errorSites, isSubclass } from './helpers/source.js';

const CLASSES = { InvalidInputError, DecodeError, VerificationError, UnsupportedVersionError, InternalError } as const;

describe('the classes', () => {
  test.each(Object.entries(CLASSES))('%s is a KeykitError and an Error, named after its class', (name, Cls) => {
    const e = new Cls(ErrorCodes.INTERNAL, 'expected 32 bytes, got 31', 'key');
    expect(e).toBeInstanceOf(Cls);
    expect(e).toBeInstanceOf(KeykitError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(Object.prototype.toString.call(e)).toBe('[object Error]');
    expect(e.stack).toContain(name);
    for (const Other of Object.values(CLASSES)) if (Other !== Cls) expect(e).not.toBeInstanceOf(Other);
  });

  test('the message joins field and reason; both stay apart', () => {
    const e = new InvalidInputError(ErrorCodes.INVALID_KEY, 'not a valid P-256 point', 'publicKeys[2].publicKey');
    expect(e.message).toBe('publicKeys[2].publicKey: not a valid P-256 point');
    expect(e).toMatchObject({ code: 'ERR_INVALID_KEY', reason: 'not a valid P-256 point', field: 'publicKeys[2].publicKey' });
    const bare = new DecodeError(ErrorCodes.INVALID_BASE64, 'not base64');
    expect(bare.message).toBe('not base64');
    expect(bare.field).toBeUndefined();
  });

  test('toJSON has name, code, reason, field and message, never the cause', () => {
    const secret = 'c2VjcmV0IGtleSBtYXRlcmlhbA';
    const e = new VerificationError(ErrorCodes.DECRYPT_FAILED, 'the tag does not verify', 'wrapped', { cause: new Error(secret) });
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.toJSON()).toEqual({
      name: 'VerificationError',
      code: 'ERR_DECRYPT_FAILED',
      reason: 'the tag does not verify',
      field: 'wrapped',
      message: 'wrapped: the tag does not verify',
    });
    expect(JSON.stringify(e)).not.toContain(secret);
    // No field: no "field" key at all (not "field": undefined).
    expect(Object.keys(new InternalError(ErrorCodes.INTERNAL, 'bug').toJSON())).toEqual(['name', 'code', 'reason', 'message']);
  });

  test('withField: the same class, code and reason under another field, caused by the original', () => {
    for (const [name, Cls] of Object.entries(CLASSES)) {
      const e = new Cls(ErrorCodes.INVALID_ARGUMENT, 'must not be empty', 'title');
      const renamed = e.withField('params.title');
      expect(renamed).toBeInstanceOf(Cls);
      expect(renamed.name).toBe(name);
      expect(renamed).toMatchObject({
        code: e.code,
        reason: e.reason,
        field: 'params.title',
        message: 'params.title: must not be empty',
        cause: e,
      });
      expect(e.field).toBe('title');
      expect(e.withField(undefined)).toMatchObject({ field: undefined, message: 'must not be empty' });
    }
  });

  test('KeykitError.is: any chat-keykit error, or one with the given code; nothing else', () => {
    const e: unknown = new DecodeError(ErrorCodes.INVALID_THRIFT, 'truncated');
    expect(KeykitError.is(e)).toBe(true);
    expect(KeykitError.is(e, ErrorCodes.INVALID_THRIFT)).toBe(true);
    expect(KeykitError.is(e, ErrorCodes.INVALID_BASE64)).toBe(false);
    // Look-alikes are not ours: a plain Error with the same code, an object with the same fields.
    const lookAlike = Object.assign(new Error('truncated'), { code: 'ERR_INVALID_THRIFT' });
    expect(KeykitError.is(lookAlike)).toBe(false);
    expect(KeykitError.is({ code: 'ERR_INVALID_THRIFT', reason: 'truncated' }, ErrorCodes.INVALID_THRIFT)).toBe(false);
    for (const v of [undefined, null, 'ERR_INVALID_THRIFT', 42]) expect(KeykitError.is(v)).toBe(false);
    if (KeykitError.is(e, ErrorCodes.INVALID_THRIFT)) {
      const narrowed: 'ERR_INVALID_THRIFT' = e.code;
      expect(narrowed).toBe('ERR_INVALID_THRIFT');
    }
  });
});

describe('the code table', () => {
  test('frozen; each value is ERR_ and its key; no two keys share a value', () => {
    expect(Object.isFrozen(ErrorCodes)).toBe(true);
    expect(() => {
      (ErrorCodes as Record<string, string>).INVALID_KEY = 'ERR_OTHER';
    }).toThrow(TypeError);
    for (const [key, value] of Object.entries(ErrorCodes)) expect(value).toBe(`ERR_${key}`);
    const values = Object.values(ErrorCodes);
    expect(new Set(values).size).toBe(values.length);
  });

  test('src/errors.ts groups every code under exactly one class comment', () => {
    const owners = declaredOwners();
    expect([...owners.keys()].sort()).toEqual(Object.values(ErrorCodes).sort());
    expect(new Set(owners.values())).toEqual(new Set(Object.keys(CLASSES)));
  });
});

describe('every code is thrown by exactly one class (read from the sources)', () => {
  const sites = errorSites(ErrorCodes);
  const owners = declaredOwners();
  const throwers = new Map<string, Set<string>>();
  for (const s of sites) for (const code of s.codes ?? []) throwers.set(code, (throwers.get(code) ?? new Set()).add(s.cls));

  test('the scan finds the sites (direct, through a helper, through a conditional, fixed by a subclass)', () => {
    const at = (file: string, code: ErrorCode, cls: string) =>
      sites.some((s) => s.where.startsWith(file) && s.cls === cls && s.codes?.includes(code));
    expect(at('src/wire/base64.ts', ErrorCodes.INVALID_BASE64, 'DecodeError')).toBe(true);
    expect(at('src/rules.ts', ErrorCodes.VERSION_IN_FUTURE, 'InvalidInputError')).toBe(true); // through fail(…, code)
    expect(at('src/adapters/xchat/receive.ts', ErrorCodes.KEY_BINDING_INVALID, 'VerificationError')).toBe(true); // a conditional
    expect(at('src/adapters/sendbird/requests.ts', ErrorCodes.SENDBIRD_REQUEST_INVALID, 'SendbirdValidationError')).toBe(true); // its constructor fixes the code
  });

  test('every site constructs its error with a code the scan can read', () => {
    expect(sites.filter((s) => s.codes === null).map((s) => `${s.where}: new ${s.cls}(…) with a code that is not ErrorCodes.X`)).toEqual(
      [],
    );
  });

  test('every code of ErrorCodes is thrown somewhere', () => {
    expect(
      Object.values(ErrorCodes)
        .filter((c) => !throwers.has(c))
        .map((c) => `${c}: nothing in src/ throws it`),
    ).toEqual([]);
  });

  test('by one class only, the one src/errors.ts groups it under or a subclass of it', () => {
    const problems: string[] = [];
    for (const [code, classes] of throwers) {
      const where = (cls: string) => sites.filter((s) => s.cls === cls && s.codes?.includes(code)).map((s) => s.where);
      if (classes.size > 1) problems.push(`${code} is thrown by ${[...classes].map((c) => `${c} (${where(c).join(', ')})`).join(' and ')}`);
      const declared = owners.get(code);
      for (const cls of classes)
        if (declared === undefined || !isSubclass(cls, declared))
          problems.push(`${code} is grouped under ${declared} but thrown by ${cls} (${where(cls).join(', ')})`);
    }
    expect(problems).toEqual([]);
  });
});
