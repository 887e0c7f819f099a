// New database ids: 20 random bytes in base32, as a chunk address is written (the native
// `new_id`); the core has no source of randomness in wasm, so ids are made here.

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  return out;
}
