/**
 * The crypto backends the suite runs against: every backend available in this runtime, or the
 * comma-separated list in KEYKIT_BACKENDS. Suites that exercise primitives loop over these.
 */
import { resolveBackend, type BackendName, type CryptoBackend } from './kit.js';

const ALL: BackendName[] = ['noble', 'node', 'webcrypto'];

/** Names of the backends to test (available ones only). */
export async function testBackends(): Promise<{ name: BackendName; backend: CryptoBackend }[]> {
  const wanted =
    (process.env.KEYKIT_BACKENDS?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) as BackendName[] | undefined) ?? ALL;
  const out: { name: BackendName; backend: CryptoBackend }[] = [];
  for (const name of wanted) {
    try {
      out.push({ name, backend: await resolveBackend(name) });
    } catch {
      if (process.env.KEYKIT_BACKENDS) throw new Error(`backend ${name} was requested but is not available`);
    }
  }
  return out;
}
