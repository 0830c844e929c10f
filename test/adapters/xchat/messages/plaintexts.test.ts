/**
 * Our calls produce the SDK's recorded plaintexts (docs/xchat-messages.md §"1.7 Annotated hex dumps
 * (plaintext `MessageEntryHolder`, real SDK output)"), without the SDK at hand: text, entities,
 * each attachment kind from its snake_case descriptor, an edit (with and without entities, and
 * with an empty list), and both reactions.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { encryptAddReaction, encryptEdit, encryptMessage, encryptRemoveReaction } from '../../../helpers/kit.js';
import { hex, openSent } from '../../../helpers/messages.js';
import { makeMembers, senderOf, type Member } from '../../../helpers/members.js';

const KEY = new Uint8Array(32).fill(3);
let alice: Member;
beforeAll(async () => {
  [alice] = (await makeMembers(['111'])) as [Member];
});
const keys = () => ({ conversationKey: KEY, conversationKeyVersion: '1700000000500', sender: senderOf(alice) });
const target = { conversationId: 'g1', targetMessageSequenceId: '101' };
const plain = async (p: Promise<Parameters<typeof openSent>[0]>) => hex(openSent(await p, KEY).plaintext);

describe('the SDK plaintexts of §1.7, from our calls', () => {
  test('text, and two entities', async () => {
    expect(await plain(encryptMessage({ conversationId: 'g1', text: 'hi', ...keys() }))).toBe('0c00010c00010b0001000000026869000000');
    expect(
      await plain(
        encryptMessage({
          conversationId: 'g1',
          text: '@bob see https://x.co',
          entities: [
            [0, 4, 'mention'],
            [9, 21, 'url'],
          ],
          ...keys(),
        }),
      ),
    ).toBe(
      '0c00010c00010b00010000001540626f62207365652068747470733a2f2f782e636f0f00020c0000000208000100000000080002000000040c00030c000300000008000100000009080002000000150c00030c0004000000000000',
    );
  });

  test('a media attachment (type image by default, both dimensions)', async () => {
    const attachments = [
      { attachment_type: 'media' as const, media_hash_key: 'abc123', width: 640, height: 480, filesize_bytes: 12345, filename: 'p.jpg' },
    ];
    expect(await plain(encryptMessage({ conversationId: 'g1', text: 'photo', attachments, ...keys() }))).toBe(
      '0c00010c00010b00010000000570686f746f0f00030c000000010c00010b0001000000066162633132330c00020a000100000000000002800a000200000000000001e000080003000000010a000500000000000030390b000600000005702e6a70670000000000',
    );
    // With a type and a duration, field 4 comes between 3 and 5.
    const video = await plain(
      encryptMessage({
        conversationId: 'g1',
        text: 'photo',
        attachments: [{ ...attachments[0]!, media_type: 3, duration_millis: 15000 }],
        ...keys(),
      }),
    );
    expect(video).toContain('080003000000030a00040000000000003a980a0005');
  });

  test('a URL card with banner and favicon images', async () => {
    const attachments = [
      {
        attachment_type: 'url' as const,
        url: 'https://example.com',
        display_title: 'Example',
        banner_image: { media_hash_key: 'ban1', filesize_bytes: 2400, filename: 'b.jpg', width: 1200, height: 630 },
        favicon_image: { media_hash_key: 'fav1', filesize_bytes: 120, filename: 'f.ico' },
      },
    ];
    expect(await plain(encryptMessage({ conversationId: 'g1', text: 'https://example.com', attachments, ...keys() }))).toBe(
      '0c00010c00010b00010000001368747470733a2f2f6578616d706c652e636f6d0f00030c000000010c00030b00010000001368747470733a2f2f6578616d706c652e636f6d0c00020b00010000000462616e310a000200000000000009600b000300000005622e6a70670c00040a000100000000000004b00a0002000000000000027600000c00030b000100000004666176310a000200000000000000780b000300000005662e69636f000b0004000000074578616d706c650000000000',
    );
  });

  test('a post', async () => {
    const attachments = [{ attachment_type: 'post' as const, rest_id: '1234', post_url: 'https://x.com/a/status/1234' }];
    expect(await plain(encryptMessage({ conversationId: 'g1', text: 'p', attachments, ...keys() }))).toBe(
      '0c00010c00010b000100000001700f00030c000000010c00020b000100000004313233340b00020000001b68747470733a2f2f782e636f6d2f612f7374617475732f313233340000000000',
    );
  });

  test('an edit: without entities, with one, with an empty list', async () => {
    expect(await plain(encryptEdit({ updatedText: 'hello', ...target, ...keys() }))).toBe(
      '0c00010c00040b0001000000033130310b00020000000568656c6c6f000000',
    );
    expect(await plain(encryptEdit({ updatedText: 'hello', entities: [[0, 5, 'hashtag']], ...target, ...keys() }))).toContain(
      '0f00030c00000001080001000000000800020000000' + '50c00030c0001000000',
    );
    expect(await plain(encryptEdit({ updatedText: 'hello', entities: [], ...target, ...keys() }))).toContain('0f00030c00000000');
  });

  test('reactions added and removed', async () => {
    expect(await plain(encryptAddReaction({ emoji: '👍', ...target, ...keys() }))).toBe(
      '0c00010c00020b0001000000033130310b000200000004f09f918d000000',
    );
    expect(await plain(encryptRemoveReaction({ emoji: '👍', ...target, ...keys() }))).toBe(
      '0c00010c00030b0001000000033130310b000200000004f09f918d000000',
    );
  });
});
