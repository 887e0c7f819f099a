// Errors from the JS API speak JS: the core says what went wrong, and the way out is worded
// with this API's methods and options, never a command-line flag.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Repo } from '../src/node.js';

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

test('hints name methods and options, not CLI flags', async () => {
  const repo = await Repo.init('mem://errors', { author: { name: 'Ada' }, now: () => 0 });
  const nothing = await rejection(repo.commit({ message: 'nothing' }));
  assert.equal(nothing.code, 'NOTHING_TO_COMMIT');
  assert.equal(nothing.message, 'no changes added to commit (call add() first, or commit({ all: true }))');

  await repo.addBackup('b', 'mem://errors-backup');
  await repo.backupSync('b');
  const prune = await rejection(repo.backupPrune('b', { keepLast: 0 }));
  assert.equal(prune.message, 'a prune must keep at least one snapshot (keepLast: 1 or more)');
  const empty = await rejection(Repo.backupRestore('mem://errors-empty', 'mem://errors-x'));
  for (const e of [nothing, prune, empty]) assert.doesNotMatch(e.message, /cairn |--/);
  repo.close();
});
