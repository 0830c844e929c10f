// The bundle-size page: a web app that creates groups imports just these three functions. It
// creates a three-member group once, so that the browser loads what such a page loads (the
// driver counts the JavaScript bytes served), and publishes `window.__keykit` when done.
import { generateIdentity, prepareGroupCreate, createGroupRequest } from 'chat-keykit';

async function run() {
  const ids = ['111', '222', '333'];
  const people = await Promise.all(ids.map(() => generateIdentity()));
  const prepared = await prepareGroupCreate({
    publicKeys: ids.map((userId, i) => ({ userId, publicKey: people[i].identityPublicKey, keyVersion: '1' })),
    sender: { userId: '111', signingKeyVersion: '1', signingPrivateKey: people[0].signingPrivateKey },
    conversationId: 'g1234567890123456789',
    memberIds: ids,
  });
  const body = createGroupRequest(prepared);
  return { members: body.group_members.length, wrapping: prepared.wrapping };
}

run().then(
  (result) => (globalThis.__keykit = { done: true, result }),
  (e) => (globalThis.__keykit = { done: true, fatal: { message: String(e && e.message), code: e && e.code } }),
);
