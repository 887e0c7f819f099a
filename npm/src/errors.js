// CairnError, the one class every failure of the API rejects with (ErrorCode in index.d.ts
// lists the codes), and the conversion of the core's errors at the JS boundary: wasm-bindgen
// can only throw plain Errors, so those carry a `code` and are converted here.

// Every code the core (bindings/wasm/src/error.rs) and this package raise; the codes of
// other errors (Node's ENOENT) are not ours. test/exports.test.mjs checks it against the core
// and index.d.ts, through `errorCodes`.
const CODES = new Set([
  'IO',
  'CORRUPT',
  'MISSING',
  'CONFLICT',
  'BUSY',
  'INVALID_ARGUMENT',
  'UNSUPPORTED_VERSION',
  'CONFORMANCE',
  'NOT_A_DATABASE',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'BRANCH_NOT_FOUND',
  'TAG_NOT_FOUND',
  'REF_NOT_FOUND',
  'TABLE_NOT_FOUND',
  'REMOTE_NOT_FOUND',
  'BACKUP_NOT_FOUND',
  'ADDRESS_CONFLICT',
  'BRANCH_CHECKED_OUT',
  'NOTHING_TO_COMMIT',
  'UNCOMMITTED_CHANGES',
  'NON_FAST_FORWARD',
  'DIVERGED',
  'NO_COMMON_HISTORY',
  'MERGE_CONFLICTS',
  'MERGE_IN_PROGRESS',
  'TRANSACTION_OPEN',
  'NO_MERGE',
  'BRANCH_NOT_MERGED',
  'EMPTY_REMOTE',
  'IS_A_BACKUP',
  'NOT_A_BACKUP',
  'OWNED_BY_OTHER',
  'NO_SNAPSHOTS',
  'SNAPSHOT_NOT_FOUND',
  'PASSWORD_NEEDED',
  'WRONG_PASSWORD',
  'NOT_ENCRYPTED',
  'SQL',
  'INVALID_DATA',
  'ABORTED',
  'NOT_INITIALIZED',
  'INIT_FAILED',
  // From the built-in adapters' own methods (see StorageAdapter in index.d.ts).
  'INVALID_NAME',
  'OUT_OF_RANGE',
]);

export const errorCodes = () => [...CODES];

export class CairnError extends Error {
  /** `fields`: what a caller acts on without parsing the message (`expected`, `owner`...). */
  constructor(code, message, fields = {}) {
    const { cause, ...rest } = fields;
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    Object.assign(this, rest);
  }
}
CairnError.prototype.name = 'CairnError';

export function isCairnError(e, code) {
  return e instanceof CairnError && (code === undefined || e.code === code);
}

/**
 * `e` as a CairnError if it is one of the core's errors (a plain Error with a known `code`,
 * its extra properties kept); anything else, such as what an `onProgress` callback threw or
 * an AbortSignal's reason, stays as it is.
 */
export function toCairnError(e) {
  if (e instanceof CairnError || !(e instanceof Error) || !CODES.has(e.code)) return e;
  const { code, ...fields } = e;
  return new CairnError(code, e.message, fields);
}

/** Runs `fn`, converting what it throws or rejects with. */
export async function boundary(fn) {
  try {
    return await fn();
  } catch (e) {
    throw toCairnError(e);
  }
}
