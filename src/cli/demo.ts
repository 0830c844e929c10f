/**
 * `npm start`: the main job on built-in defaults. Four users get identities and register their
 * keys; user 111 prepares an encrypted group create, assembles the body of
 * `POST /2/chat/conversations/group`, and member 222 verifies it the way a receiving member does.
 * Prints the body (stdout) and a short verdict (stderr). Exit code 0 when the body verifies.
 *
 * Nothing is sent anywhere: the "server" is the registration records we derive locally.
 *
 * @module
 */
import {
  buildKeyRegistration,
  constantTimeEqual,
  createGroupRequest,
  generateIdentity,
  keyRecordFromRegistration,
  prepareGroupCreate,
  verifyCreateGroupRequest,
} from '../index.js';
import { resolveBackend } from '../backends.js';

const USERS = ['111', '222', '333', '444'];
const KEY_VERSION = '1700000000000';
const GROUP_ID = 'g1234567890123456789';

async function main(): Promise<number> {
  const started = performance.now();
  const backend = await resolveBackend();
  // 1. Every user creates an identity and registers it (POST /2/users/{id}/public_keys).
  const users = await Promise.all(
    USERS.map(async (id) => {
      const identity = await generateIdentity();
      const registration = await buildKeyRegistration(identity, { version: KEY_VERSION });
      return { id, identity, ...keyRecordFromRegistration(id, registration) };
    }),
  );
  const [creator, member] = users as [(typeof users)[0], (typeof users)[0]];

  // 2. The creator prepares the group create with everyone's served public keys.
  const prepared = await prepareGroupCreate({
    publicKeys: users.map((u) => u.publicKeyInput),
    sender: { userId: creator.id, signingKeyVersion: KEY_VERSION, signingPrivateKey: creator.identity.signingPrivateKey },
    conversationId: GROUP_ID,
    memberIds: USERS,
    adminIds: [creator.id],
    title: 'chat-keykit demo',
    ttlMsec: 86_400_000,
  });

  // 3. The body of POST /2/chat/conversations/group.
  const body = createGroupRequest(prepared);
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);

  // 4. Member 222 checks it as a receiving member: signatures, key binding, details, own key.
  const report = await verifyCreateGroupRequest(body, {
    senderId: creator.id,
    signingKeys: users.map((u) => u.signingKeyEntry),
    recipient: { userId: member.id, identityPrivateKey: member.identity.identityPrivateKey },
  });
  const sameKey = report.conversationKey !== undefined && constantTimeEqual(report.conversationKey, prepared.conversationKey);
  const ms = (performance.now() - started).toFixed(0);
  const lines = [
    `group ${GROUP_ID}: ${body.group_members.length} members, ${body.action_signatures.length} action signatures, key version ${body.conversation_key_version}`,
    report.valid && sameKey
      ? `verdict: VALID: member ${member.id} verified both signatures and unwrapped the conversation key (${backend.name} backend, ${ms} ms)`
      : `verdict: INVALID: ${report.problems.map((p) => `${p.code} at ${p.path}: ${p.message}`).join('; ') || 'key mismatch'}`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  return report.valid && sameKey ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
