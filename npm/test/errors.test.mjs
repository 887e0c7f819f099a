// Errors from the JS API speak JS: the core says what went wrong, and the way out is worded
// with this API's methods and options, never a command-line flag. And every one is a
// CairnError, whichever side of the wasm boundary raised it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CairnError, ChunkStore, hash, isCairnError, MemoryAdapter, Repo, runConformance, verify } from '../src/node.js';
import { EMPTY_ROOT } from './data.mjs';

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
  await repo.sql('create table t (a int primary key)');
  const blank = await rejection(repo.commit({ all: true }));
  assert.equal(blank.code, 'INVALID_ARGUMENT');
  assert.equal(blank.message, 'aborting commit: the commit message is empty (give one with commit({ message }))');
  await repo.commit({ message: 'table t', all: true });

  await repo.addBackup('b', 'mem://errors-backup');
  await repo.backupSync('b');
  const prune = await rejection(repo.backupPrune('b', { keepLast: 0 }));
  assert.equal(prune.message, 'a prune must keep at least one snapshot (keepLast: 1 or more)');
  const empty = await rejection(Repo.backupRestore('mem://errors-empty', 'mem://errors-x'));
  for (const e of [nothing, blank, prune, empty]) assert.doesNotMatch(e.message, /cairn |--/);
  repo.close();
});

test('every failure is a CairnError, with the fields of its code', async () => {
  const repo = await Repo.init('mem://errors-class', { author: { name: 'Ada' }, now: () => 0 });
  const rejections = [
    await rejection(repo.checkout('nope')), // the core, through a Repo method
    await rejection(repo.backupPrune('nope', { keepLast: 1 })), // JS, through a Repo method
    await rejection(Repo.open('mem://errors-none')), // a static method
    await rejection(Repo.backupRestoreFile(new Uint8Array([1, 2, 3]), 'mem://errors-file')), // the core, statically
    await rejection(verify({})), // an adapter without methods
  ];
  assert.deepEqual(
    rejections.map((e) => e.code),
    ['BRANCH_NOT_FOUND', 'BACKUP_NOT_FOUND', 'NOT_A_DATABASE', 'NOT_A_BACKUP', 'INVALID_ARGUMENT'],
  );
  for (const e of rejections) {
    assert.ok(e instanceof CairnError && e instanceof Error && isCairnError(e) && isCairnError(e, e.code), e.message);
    assert.equal(e.name, 'CairnError');
    assert.match(e.stack, /^CairnError: /);
  }
  assert.equal(rejections[0].message, "branch 'nope' not found");
  assert.ok(!isCairnError(rejections[0], 'NOT_FOUND'));
  assert.ok(!isCairnError(Object.assign(new Error('look-alike'), { code: 'IO' })));

  const thrown = (() => {
    try {
      hash('not bytes');
    } catch (e) {
      return e;
    }
  })();
  assert.ok(isCairnError(thrown, 'INVALID_ARGUMENT'));

  // The fields: the roots of a lost commit, the owner of a backup, the failed check.
  const adapter = new MemoryAdapter();
  const [one, two] = [await ChunkStore.open(adapter), await ChunkStore.open(adapter.handle())];
  const first = await one.put(new Uint8Array([1]));
  await one.commit(EMPTY_ROOT, first);
  const conflict = await rejection(two.commit(EMPTY_ROOT, await two.put(new Uint8Array([2]))));
  assert.ok(isCairnError(conflict, 'CONFLICT'));
  assert.deepEqual([conflict.expected, conflict.actual], [EMPTY_ROOT, first]);

  await repo.backupSyncUrl('mem://errors-class-backup');
  const other = await Repo.init('mem://errors-class-other', { now: () => 0 });
  const owned = await rejection(other.backupSyncUrl('mem://errors-class-backup'));
  assert.ok(isCairnError(owned, 'OWNED_BY_OTHER'));
  assert.equal(owned.owner, repo.id);

  class Forgetful extends MemoryAdapter {
    async readManifest() {
      return undefined;
    }
  }
  const a = new Forgetful();
  const conformance = await rejection(runConformance(a, a.handle()));
  assert.ok(isCairnError(conformance, 'CONFORMANCE'));
  assert.equal(typeof conformance.check, 'string');

  // The adapters' own failures, for a caller of their methods.
  const memory = new MemoryAdapter();
  await memory.put('x', new Uint8Array(1));
  const range = await rejection(memory.getRange('x', 0, 99));
  assert.ok(isCairnError(range, 'OUT_OF_RANGE'));
  assert.equal(range.size, 1);
  assert.ok(isCairnError(await rejection(memory.get('../x')), 'INVALID_NAME'));
  await Promise.all([repo.close(), other.close()]);
});

test('a CairnError is constructible, keeps a cause, and is what a closed Repo rejects with', async () => {
  const cause = new Error('underneath');
  const e = new CairnError('IO', 'on top', { cause, size: 3 });
  assert.deepEqual([e.code, e.message, e.cause, e.size, String(e)], ['IO', 'on top', cause, 3, 'CairnError: on top']);
  const repo = await Repo.init('mem://errors-closed');
  await repo.close();
  const closed = await rejection(repo.status());
  assert.ok(isCairnError(closed, 'INVALID_ARGUMENT'));
  assert.equal(closed.message, 'the Repo at mem://errors-closed is closed');
});
