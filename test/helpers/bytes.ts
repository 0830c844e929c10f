/** Small byte helpers for tests. */

/** Flips bits of one byte in place (XOR with mask) and returns the array. */
export function flip(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  bytes[index] = (bytes[index] as number) ^ mask;
  return bytes;
}
