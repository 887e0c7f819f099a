// The web ReadableStream that `backupExport` gives in browsers (the platform's default, which
// the Node entry replaces): no piece is asked of the core before a read wants it, and the
// writer is freed once, at the end or on cancel. Runs without the Node entry, so that the
// default is the one in place.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { platform } from '../src/locations/index.js';

function source(pieces) {
  const log = { asked: 0, freed: 0 };
  const next = async () => {
    log.asked++;
    return pieces.shift();
  };
  return { log, stream: platform.toStream(next, () => log.freed++) };
}

test('a web stream asks for a piece only when read, and frees its writer once', async () => {
  const { log, stream } = source([new Uint8Array([1]), new Uint8Array([2, 3])]);
  assert.ok(stream instanceof ReadableStream);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(log.asked, 0, 'nothing is read ahead of the reader');
  const reader = stream.getReader();
  assert.deepEqual((await reader.read()).value, new Uint8Array([1]));
  assert.equal(log.asked, 1);
  assert.deepEqual((await reader.read()).value, new Uint8Array([2, 3]));
  assert.equal((await reader.read()).done, true);
  assert.deepEqual(log, { asked: 3, freed: 1 });

  const cancelled = source([new Uint8Array([1]), new Uint8Array([2])]);
  const early = cancelled.stream.getReader();
  await early.read();
  await early.cancel();
  assert.deepEqual(cancelled.log, { asked: 1, freed: 1 });
});

test('a failing piece errors the stream and frees the writer', async () => {
  let freed = 0;
  const stream = platform.toStream(
    async () => {
      throw new Error('damaged chunk');
    },
    () => freed++,
  );
  await assert.rejects(stream.getReader().read(), /damaged chunk/);
  assert.equal(freed, 1);
});
