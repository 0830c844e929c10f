/**
 * `chat-keykit keygen`: a new identity, written to a file (mode 0600, never over an existing name
 * without --force); the registration body on stdout.
 *
 * @module
 */
import { buildKeyRegistration, generateIdentity, wipe } from '../index.js';
import { isXUserId } from '../adapters/xchat/rules.js';
import { SENDBIRD_USER_ID } from '../adapters/sendbird/rules.js';
import { UsageError } from './args.js';
import { backendFlag, backendOf, print, withFlagNames, type Command } from './common.js';
import { writeIdentityFile } from './identity-file.js';

/** The keygen command. */
export const keygen: Command = {
  spec: {
    name: 'keygen',
    summary: 'create an identity; writes the private keys to a file (mode 0600) and prints the registration body',
    flags: {
      'user-id': { kind: 'string', required: true, help: 'your X user id (with --sendbird, your Sendbird user id)', arg: 'ID' },
      sendbird: { kind: 'boolean', help: 'a Sendbird user: any user id of 1 to 256 characters without a comma' },
      out: { kind: 'string', help: 'identity file to write (default: identity-<user id>.json)', arg: 'FILE' },
      version: { kind: 'string', help: 'proposed key version (default: now in milliseconds)', arg: 'VERSION' },
      force: { kind: 'boolean', help: 'replace an existing identity file' },
      backend: backendFlag,
    },
    details:
      'Prints the body of POST /2/users/{id}/public_keys (for Sendbird: the registration your application publishes). The private keys are never printed.',
  },
  async run(args, io) {
    const userId = args.strings['user-id'] as string;
    if (args.booleans.sendbird === true ? !SENDBIRD_USER_ID.is(userId) : !isXUserId(userId)) {
      throw new UsageError(
        args.booleans.sendbird === true
          ? '--user-id must be 1 to 256 characters without a comma'
          : '--user-id must be an X user id (digits; --sendbird for a Sendbird user id)',
      );
    }
    const identity = await generateIdentity({ backend: backendOf(args) });
    try {
      const body = await withFlagNames({ version: '--version' }, () =>
        buildKeyRegistration(identity, { backend: backendOf(args), ...(args.strings.version ? { version: args.strings.version } : {}) }),
      );
      const path = args.strings.out ?? `identity-${userId}.json`;
      const written = await writeIdentityFile(
        io,
        path,
        { userId, signingKeyVersion: body.version, identity },
        args.booleans.force === true,
      );
      io.stderr.write(`wrote the private keys of user ${userId} to ${written} (mode 0600); keep it secret\n`);
      print(io, body);
      return 0;
    } finally {
      wipe(identity.identityPrivateKey, identity.signingPrivateKey);
    }
  },
};
