/**
 * What `GET /2/users/{id}/public_keys` serves after a registration: the listing entry of a
 * `POST /2/users/{id}/public_keys` body (as `chat-keykit keygen` prints it) at a key version.
 */
export function listedRecord(
  body: { public_key: { public_key: string; signing_public_key: string; identity_public_key_signature: string } },
  version: string,
): { data: Record<string, string>[] } {
  return {
    data: [
      {
        public_key: body.public_key.public_key,
        signing_public_key: body.public_key.signing_public_key,
        identity_public_key_signature: body.public_key.identity_public_key_signature,
        public_key_version: version,
      },
    ],
  };
}
