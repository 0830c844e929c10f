/**
 * Splitting a wrap over workers, shared by the worker_threads pool (`workers.ts`) and the Web
 * Worker pool (`webworkers.ts`): contiguous runs of recipients, several per worker so that a slow
 * worker does not hold up the end, each job with its own packed copies of its public keys, scalars
 * and the key (made to be transferred, so that no copy stays behind); the results are unpacked in
 * recipient order.
 *
 * @module
 */
import { ErrorCodes, InternalError } from '../errors.js';

/** One worker job: `count` recipients starting at `start`, and the buffers it owns. */
export interface WrapJob {
  /** Job number, for spreading jobs over the pool. */
  index: number;
  count: number;
  /** The plaintext (the conversation key), a copy for this job. */
  key: Uint8Array;
  /** `count` packed 65-byte SEC1 keys. */
  publics: Uint8Array;
  /** `count` packed 32-byte ephemeral scalars, a copy for this job. */
  scalars: Uint8Array;
  /** Length of one `E ‖ ciphertext ‖ tag` blob. */
  outLength: number;
}

/**
 * Runs a wrap as worker jobs and returns one blob per recipient, in order.
 * @param run - sends a job to a worker; resolves to its packed blobs and may report progress
 */
export async function runWrapJobs(
  plaintext: Uint8Array,
  recipients: readonly Uint8Array[],
  scalars: Uint8Array,
  threads: number,
  onProgress: (done: number) => void,
  run: (job: WrapJob, progress: (count: number) => void) => Promise<Uint8Array>,
): Promise<Uint8Array[]> {
  const n = recipients.length;
  const outLength = 65 + plaintext.length + 16;
  const per = Math.ceil(n / Math.min(n, threads * 4));
  let done = 0;
  const progress = (count: number): void => {
    done += count;
    onProgress(done);
  };
  const parts: Promise<Uint8Array>[] = [];
  for (let index = 0, start = 0; start < n; index++, start += per) {
    const count = Math.min(per, n - start);
    const publics = new Uint8Array(count * 65);
    for (let i = 0; i < count; i++) publics.set(recipients[start + i] as Uint8Array, i * 65);
    const job = {
      index,
      count,
      key: Uint8Array.from(plaintext),
      publics,
      scalars: scalars.slice(start * 32, (start + count) * 32),
      outLength,
    };
    parts.push(run(job, progress));
  }
  const out: Uint8Array[] = [];
  for (const r of await Promise.all(parts)) for (let at = 0; at < r.length; at += outLength) out.push(r.subarray(at, at + outLength));
  if (out.length !== n) throw new InternalError(ErrorCodes.INTERNAL, `workers returned ${out.length} wrapped keys for ${n} recipients`);
  return out;
}
