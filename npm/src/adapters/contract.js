// What every built-in adapter shares: the object-name rule and the two failures the core
// tells apart by `code` (see StorageAdapter in index.d.ts).

import { CairnError } from '../errors.js';

// The same rule as cairn_core::io::check_name: table files are named by base32 hashes, so
// anything else that reaches an adapter is a bug or an attack (a path, a reserved name).
const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export function checkName(name) {
  if (typeof name !== 'string' || !NAME.test(name) || name.startsWith('.') || name === 'manifest' || name === 'manifests' || name === 'LOCK') {
    throw new CairnError('INVALID_NAME', `invalid object name ${JSON.stringify(name)}`);
  }
}

/** Throws OUT_OF_RANGE unless `length` bytes at `offset` lie inside an object of `size` bytes. */
export function checkRange(name, offset, length, size) {
  const valid = Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0;
  if (!valid || offset + length > size) {
    const message = `'${name}' is ${size} bytes long; cannot read ${length} bytes at offset ${offset}`;
    throw new CairnError('OUT_OF_RANGE', message, { size });
  }
}
