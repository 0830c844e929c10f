/**
 * The plaintext structs of messages: the official SDK's own plaintexts (decrypted from its output,
 * recorded in docs/xchat-messages.md §"1.7 Annotated hex dumps (plaintext `MessageEntryHolder`, real
 * SDK output)") decode to what they say and re-encode to the same bytes.
 */
import { describe, expect, test } from 'vitest';
import { decodeStruct, encodeStruct } from '../../../src/wire/thrift/index.js';
import { MessageEntryHolder } from '../../../src/wire/xchat/contents.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const roundTrip = (h: string) => {
  const v = decodeStruct(MessageEntryHolder, hex(h));
  expect(Buffer.from(encodeStruct(MessageEntryHolder, v)).toString('hex')).toBe(h);
  return v.contents!;
};

describe('SDK plaintexts', () => {
  test('text "hi"', () => {
    expect(roundTrip('0c00010c00010b0001000000026869000000')).toEqual({ message: { messageText: 'hi' } });
  });

  test('two entities: a mention and a URL', () => {
    const c = roundTrip(
      '0c00010c00010b00010000001540626f62207365652068747470733a2f2f782e636f0f00020c0000000208000100000000080002000000040c00030c000300000008000100000009080002000000150c00030c0004000000000000',
    );
    expect(c.message).toEqual({
      messageText: '@bob see https://x.co',
      entities: [
        { startIndex: 0, endIndex: 4, content: { mention: {} } },
        { startIndex: 9, endIndex: 21, content: { url: {} } },
      ],
    });
  });

  test('a media attachment', () => {
    const c = roundTrip(
      '0c00010c00010b00010000000570686f746f0f00030c000000010c00010b0001000000066162633132330c00020a000100000000000002800a000200000000000001e000080003000000010a000500000000000030390b000600000005702e6a70670000000000',
    );
    expect(c.message?.attachments).toEqual([
      { media: { mediaHashKey: 'abc123', dimensions: { width: 640n, height: 480n }, type: 1, filesizeBytes: 12345n, filename: 'p.jpg' } },
    ]);
  });

  test('a URL card with banner and favicon images', () => {
    const c = roundTrip(
      '0c00010c00010b00010000001368747470733a2f2f6578616d706c652e636f6d0f00030c000000010c00030b00010000001368747470733a2f2f6578616d706c652e636f6d0c00020b00010000000462616e310a000200000000000009600b000300000005622e6a70670c00040a000100000000000004b00a0002000000000000027600000c00030b000100000004666176310a000200000000000000780b000300000005662e69636f000b0004000000074578616d706c650000000000',
    );
    expect(c.message?.attachments?.[0]).toEqual({
      url: {
        url: 'https://example.com',
        bannerImage: { mediaHashKey: 'ban1', filesizeBytes: 2400n, filename: 'b.jpg', dimensions: { width: 1200n, height: 630n } },
        faviconImage: { mediaHashKey: 'fav1', filesizeBytes: 120n, filename: 'f.ico' },
        displayTitle: 'Example',
      },
    });
  });

  test('a post attachment', () => {
    const c = roundTrip(
      '0c00010c00010b000100000001700f00030c000000010c00020b000100000004313233340b00020000001b68747470733a2f2f782e636f6d2f612f7374617475732f313233340000000000',
    );
    expect(c.message?.attachments).toEqual([{ post: { restId: '1234', postUrl: 'https://x.com/a/status/1234' } }]);
  });

  test('an edit, a reaction added and removed', () => {
    expect(roundTrip('0c00010c00040b0001000000033130310b00020000000568656c6c6f000000')).toEqual({
      messageEdit: { messageSequenceId: '101', updatedText: 'hello' },
    });
    expect(roundTrip('0c00010c00020b0001000000033130310b000200000004f09f918d000000')).toEqual({
      reactionAdd: { messageSequenceId: '101', emoji: '👍' },
    });
    expect(roundTrip('0c00010c00030b0001000000033130310b000200000004f09f918d000000')).toEqual({
      reactionRemove: { messageSequenceId: '101', emoji: '👍' },
    });
  });

  test('an unknown entry variant is kept raw, and the retired MessageContents field 5 is skipped as unknown', () => {
    const unknown = decodeStruct(MessageEntryHolder, hex('0c00010c0063000000')).contents!;
    expect(unknown.$unknown?.map((f) => f.id)).toEqual([99]);
    const retired = decodeStruct(MessageEntryHolder, hex('0c00010c00010b0001000000026869' + '0b000500000000' + '000000'));
    expect(retired.contents?.message?.messageText).toBe('hi');
    expect(retired.contents?.message?.$unknown?.map((f) => f.id)).toEqual([5]);
  });
});
