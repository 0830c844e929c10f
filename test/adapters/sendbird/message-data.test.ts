/**
 * The message document (src/adapters/sendbird/message-data.ts): the exact text written, the
 * signed payload pinned component by component, and a reader that accepts that text only, every
 * field checked and named when refused.
 */
import { describe, expect, test } from 'vitest';
import { encodeBase64NoPad, MESSAGE_FIELD, MESSAGE_VERSION, parseMessageData, type SendbirdMessageDocument } from '../../helpers/kit.js';
import { MAX_MESSAGE_DATA_LENGTH, MESSAGE_PAYLOAD_NAME, messageData, messagePayload } from '../../../src/adapters/sendbird/message-data.js';

const ct = encodeBase64NoPad(new Uint8Array(60).fill(3));
const sig = encodeBase64NoPad(new Uint8Array(64).fill(4));
const doc: SendbirdMessageDocument = {
  v: 1,
  kind: 'text',
  ch: 'team_room',
  sender: 'alice',
  skv: '1700000000000',
  ckv: '1795357034165',
  mid: '00000000-0000-4000-8000-000000000001',
  ct,
  sig,
};
const edit: SendbirdMessageDocument = { ...doc, kind: 'edit', target: '9001' };

describe('the message document', () => {
  test('written as {"ckm":{…}} with its members in order, read back to the same value', () => {
    expect([MESSAGE_FIELD, MESSAGE_VERSION, MESSAGE_PAYLOAD_NAME]).toEqual(['ckm', 1, 'chat-keykit.SendbirdMessage']);
    const text = messageData(doc);
    expect(text).toBe(
      `{"ckm":{"v":1,"kind":"text","ch":"team_room","sender":"alice","skv":"1700000000000","ckv":"1795357034165","mid":"00000000-0000-4000-8000-000000000001","ct":"${ct}","sig":"${sig}"}}`,
    );
    expect(parseMessageData(text)).toEqual(doc);
    expect(messageData(edit)).toContain('"mid":"00000000-0000-4000-8000-000000000001","target":"9001","ct":');
    expect(parseMessageData(messageData(edit))).toEqual(edit);
  });

  test('the signed payload: its own name, the version, channel, kind, sender, skv, ckv, mid, target (empty but for edits), ct', () => {
    const { sig: _s, ...unsigned } = doc;
    expect(messagePayload(unsigned)).toBe(
      `chat-keykit.SendbirdMessage,1,team_room,text,alice,1700000000000,1795357034165,00000000-0000-4000-8000-000000000001,,${ct}`,
    );
    const { sig: _e, ...unsignedEdit } = edit;
    expect(messagePayload(unsignedEdit)).toBe(
      `chat-keykit.SendbirdMessage,1,team_room,edit,alice,1700000000000,1795357034165,00000000-0000-4000-8000-000000000001,9001,${ct}`,
    );
    // Every component is comma-free by the reader's rules, so the payload splits back into exactly these ten.
    expect(messagePayload(unsignedEdit).split(',')).toHaveLength(10);
  });

  test('every field is checked and named', () => {
    const bad: [Record<string, unknown>, string, string?][] = [
      [{ kind: 'image' }, 'kind'],
      [{ kind: '' }, 'kind'],
      [{ ch: 'a-b' }, 'ch'],
      [{ ch: 'abc' }, 'ch'],
      [{ sender: 'a,b' }, 'sender'],
      [{ sender: 'x'.repeat(257) }, 'sender'],
      [{ sender: 7 }, 'sender'],
      [{ skv: '01' }, 'skv'],
      [{ ckv: '-1' }, 'ckv'],
      [{ ckv: '18446744073709551616' }, 'ckv'],
      [{ mid: 'a b' }, 'mid'],
      [{ mid: 'x'.repeat(65) }, 'mid'],
      [{ target: '1' }, 'target'],
      [{ ct: `${ct}=` }, 'ct'],
      [{ ct: encodeBase64NoPad(new Uint8Array(40)) }, 'ct'],
      [{ ct: `${ct.slice(0, -1)}!` }, 'ct'],
      [{ sig: encodeBase64NoPad(new Uint8Array(63)) }, 'sig'],
      [{ sig: `${sig}A` }, 'sig'],
    ];
    for (const [change, field] of bad) {
      const text = JSON.stringify({ ckm: { ...doc, ...change } });
      expect(() => parseMessageData(text), JSON.stringify(change)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE', field: `message.data.ckm.${field}`, name: 'DecodeError' }),
      );
    }
    const badEdits: [Record<string, unknown>, string][] = [
      [{ target: undefined }, 'target'],
      [{ target: '01' }, 'target'],
      [{ target: '9223372036854775808' }, 'target'],
      [{ target: 9001 }, 'target'],
    ];
    for (const [change, field] of badEdits)
      expect(() => parseMessageData(JSON.stringify({ ckm: { ...edit, ...change } }))).toThrow(
        expect.objectContaining({ field: `message.data.ckm.${field}` }),
      );
  });

  test('only the exact text: whitespace, order, escapes, extra members, duplicates, numbers for strings', () => {
    const text = messageData(doc);
    const variants = [
      ` ${text}`,
      text.replace('"v":1,', '"v":1.0,'),
      text.replace('"ckm"', '"\\u0063km"'),
      text.replace('"v":1,"kind":"text"', '"kind":"text","v":1'),
      text.replace('"sender":"alice"', '"sender":"alice","sender":"alice"'),
      JSON.stringify({ ckm: doc, app: 'x' }),
      JSON.stringify({ ckm: { ...doc, extra: 1 } }),
      JSON.stringify({ ckm: [doc] }),
      JSON.stringify([doc]),
      '{"ckm":',
      'null',
      '',
    ];
    for (const v of variants) expect(() => parseMessageData(v), v).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE' }));
    expect(() => parseMessageData(undefined)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ENVELOPE', field: 'message.data' }));
    expect(() => parseMessageData(JSON.stringify({ ckm: { ...doc, v: 2 } }))).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ENVELOPE_VERSION', name: 'UnsupportedVersionError', field: 'message.data.ckm.v' }),
    );
    expect(() => parseMessageData(' '.repeat(MAX_MESSAGE_DATA_LENGTH + 1))).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
    expect(() => parseMessageData(text, 'x.data')).not.toThrow();
    expect(() => parseMessageData('{}', 'x.file.data')).toThrow(expect.objectContaining({ field: 'x.file.data' }));
  });
});
