// Errors raised on the JS side (URLs, locations), with the same `code` property as the
// core's (see ErrorCode in index.d.ts).

export function cairnError(code, message) {
  return Object.assign(new Error(message), { code });
}
