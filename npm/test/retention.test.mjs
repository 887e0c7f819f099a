// Snapshot tags and messages, backupForget (restic's policy, in the core) and backupRestore's
// adopt, through the Repo API on file:// locations: the same core as the CLI, options only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CairnError, Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

const T0 = 1_700_000_000_000; // Tue Nov 14 2023 22:13:20 UTC
const DAY = 86_400_000;

/** A clock the test moves. */
function clock() {
  let now = T0;
  return { now: () => now, set: (t) => (now = t) };
}

async function fails(promise, code, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof CairnError);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** A database at `repo` with four daily snapshots in backup `nightly` (`b`), the first tagged. */
async function fourDays(root, time) {
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('repo'), { now: time.now });
  await repo.sql('create table t (id int primary key)');
  await repo.addBackup('nightly', 'file://../b');
  await repo.backupSync('nightly', { tags: ['keep-me'], message: 'the first' });
  for (let day = 1; day < 4; day++) {
    time.set(T0 + day * DAY);
    await repo.sql(`insert into t values (${day})`);
    await repo.backupSync('nightly');
  }
  return { repo, at };
}

test('tags and messages are stored with the snapshot and listed', async (t) => {
  const root = await tempDir(t);
  const time = clock();
  const { repo } = await fourDays(root, time);
  const snapshots = await repo.backupSnapshots('nightly');
  assert.equal(snapshots.length, 4);
  assert.deepEqual(snapshots[0].tags, ['keep-me']);
  assert.equal(snapshots[0].message, 'the first');
  assert.equal(snapshots[1].message, '');
  assert.ok(snapshots[0].added > 0);
  assert.equal(snapshots[0].adoptedBy, null);
  // Unchanged, but tagged: a snapshot all the same.
  const tagged = await repo.backupSync('nightly', { tags: ['b', 'a', 'a'] });
  assert.equal(tagged.synced, true);
  assert.deepEqual(tagged.snapshot.tags, ['a', 'b']);
  assert.equal(tagged.snapshot.added, 0);
  await fails(repo.backupSync('nightly', { tags: ['a,b'] }), 'INVALID_ARGUMENT', /is not a snapshot tag/);
  await fails(repo.backupSync('nightly', { tags: 'a' }), 'INVALID_ARGUMENT', /tags must be an array of strings/);
  assert.equal((await repo.backupSnapshots('nightly')).length, 5);
  await repo.close();
});

test('backupForget keeps what the policy keeps, says why, and never the writer’s snapshot', async (t) => {
  const root = await tempDir(t);
  const time = clock();
  const { repo, at } = await fourDays(root, time);
  const ids = (await repo.backupSnapshots('nightly')).map((s) => s.id);

  const dry = await repo.backupForget('nightly', { keepDaily: 2, keepTags: ['keep-me'] }, { dryRun: true });
  assert.deepEqual(
    dry.keep.map((k) => [k.snapshot.id, k.reasons]),
    [
      [ids[3], ['daily snapshot']],
      [ids[2], ['daily snapshot']],
      [ids[0], ['tag keep-me']],
    ],
  );
  assert.deepEqual(
    dry.remove.map((s) => s.id),
    [ids[1]],
  );
  assert.equal(dry.dryRun, true);
  assert.equal((await repo.backupSnapshots('nightly')).length, 4, 'a dry run changes nothing');

  // Only the tag would be kept: the snapshot written last stays, for the next sync.
  const done = await Repo.backupForget(at('b'), { keepTags: ['keep-me'] }, { prune: true, now: time.now });
  assert.deepEqual(done.keep[0].reasons, ['written last (the next sync continues from it)']);
  assert.equal(done.remove.length, 2);
  assert.ok(done.prune.tableFilesDeleted >= 0 && done.prune.bytesAfter <= done.prune.bytesBefore);
  assert.deepEqual(
    (await repo.backupSnapshots('nightly')).map((s) => s.id),
    [ids[0], ids[3]],
  );
  await repo.sql('insert into t values (10)');
  assert.equal((await repo.backupSync('nightly')).synced, true, 'the writer syncs on');

  await fails(repo.backupForget('nightly', {}), 'INVALID_ARGUMENT', /no retention policy given.*\(keepLast, /);
  await fails(repo.backupForget('nightly', { keepDayly: 2 }), 'INVALID_ARGUMENT', /unknown policy option 'keepDayly'/);
  await fails(repo.backupForget('nightly', { keepLast: 1.5 }), 'INVALID_ARGUMENT', /keepLast must be a whole number/);
  await fails(repo.backupForget('nightly', { keepWithin: '2w' }), 'INVALID_ARGUMENT', /cannot read duration "2w"/);
  assert.equal((await repo.backupSnapshots('nightly')).length, 3);
  await repo.close();
});

test('an adopted backup continues its history from the restored database', async (t) => {
  const root = await tempDir(t);
  const time = clock();
  const { repo: old, at } = await fourDays(root, time);
  const before = await old.backupSnapshots('nightly');

  // Without adopt, today's behaviour: the restored database may not sync there.
  const { repo: plain, remotes } = await Repo.backupRestore(at('b'), at('plain'), { now: time.now });
  assert.deepEqual(remotes, []);
  await plain.sql('insert into t values (50)');
  await fails(plain.backupSyncUrl(at('b')), 'OWNED_BY_OTHER');
  await plain.close();

  time.set(T0 + 4 * DAY);
  const { repo, adopted } = await Repo.backupRestore(at('b'), at('adopted'), { adopt: true, now: time.now });
  assert.equal(adopted.adoptedBy, repo.id);
  assert.equal(adopted.timeMs, T0 + 4 * DAY);
  const history = await repo.backupSnapshots(at('b'));
  assert.deepEqual(
    history.map((s) => s.id),
    [...before.map((s) => s.id), adopted.id],
  );
  await fails(old.backupSync('nightly'), 'OWNED_BY_OTHER');

  await repo.sql('insert into t values (99)');
  time.set(T0 + 5 * DAY);
  const synced = await repo.backupSyncUrl(at('b'), { message: 'after the disaster' });
  assert.equal(synced.synced, true);
  const { repo: again } = await Repo.backupRestore(at('b'), at('again'));
  assert.deepEqual((await again.sql('select id from t where id = 99'))[0].rows, [[99]]);
  assert.equal((await again.backupSnapshots(at('b'))).length, 6);
  await fails(Repo.backupRestoreFile(new Uint8Array(), at('nope'), { adopt: true }), 'INVALID_ARGUMENT', /cannot be adopted/);
  await Promise.all([old.close(), repo.close(), again.close()]);
});
