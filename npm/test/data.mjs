// Test data shared by the Node tests and the browser test page (so: no Node imports here).

/** `length` bytes that differ with `seed`, the same on every run and platform. */
export function data(seed, length) {
  const bytes = new Uint8Array(length);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** The root of a store with no commit yet. */
export const EMPTY_ROOT = '0'.repeat(32);

/** Chunks of 100 to 999 bytes: enough of them make several table files at a small target. */
export const chunkSet = (count) => Array.from({ length: count }, (_, i) => data(i, 100 + ((i * 37) % 900)));
