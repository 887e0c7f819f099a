// Cancelling long operations from JS: an AbortSignal or a throw in onProgress stops a sync,
// a restore or a push at its next batch; it rejects with the signal's reason or the thrown
// error, both sides verify clean, and running it again succeeds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

const OPTIONS = { author: { name: 'Ada' }, now: () => 1_700_000_000_000 };

/** A file:// database of 20,000 rows, backed up and pushed once, then every row changed. */
async function changedDatabase(t) {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('db'), OPTIONS);
  t.after(() => repo.close());
  const rows = Array.from({ length: 20_000 }, (_, i) => `(${i}, 'row ${i}')`).join(',');
  await repo.sql(`create table t (id int primary key, v text); insert into t values ${rows}`);
  await repo.commit({ message: 'rows', all: true });
  await repo.addBackup('b', at('b'));
  await repo.backupSync('b');
  await repo.addRemote('origin', at('rem'));
  await repo.push('origin', 'main');
  await repo.sql("update t set v = 'changed'");
  await repo.commit({ message: 'changed', all: true });
  return { repo, at };
}

/** Aborts `controller` at the first progress event, and counts events. */
function abortAtFirst(controller) {
  const seen = { events: 0 };
  seen.onProgress = () => {
    seen.events += 1;
    controller.abort();
  };
  return seen;
}

async function clean(url) {
  const report = await Repo.verify(url);
  assert.deepEqual(report.problems, [], url);
}

test('an AbortSignal stops a sync, a restore and a push; a rerun succeeds', async (t) => {
  const { repo, at } = await changedDatabase(t);

  const sync = new AbortController();
  const syncSeen = abortAtFirst(sync);
  await assert.rejects(repo.backupSync('b', { signal: sync.signal, onProgress: syncSeen.onProgress }), { name: 'AbortError' });
  assert.equal(syncSeen.events, 1, 'stopped at the next batch');
  assert.equal((await repo.backupSnapshots('b')).length, 1, 'no snapshot was added');
  await clean(at('b'));
  await clean(at('db/.cairn/store'));
  assert.equal((await repo.backupSync('b')).synced, true);

  const restore = new AbortController();
  const restoreSeen = abortAtFirst(restore);
  const options = { ...OPTIONS, signal: restore.signal, onProgress: restoreSeen.onProgress };
  await assert.rejects(Repo.backupRestore(at('b'), at('restored'), options), { name: 'AbortError' });
  await assert.rejects(Repo.open(at('restored')), { code: 'NOT_A_DATABASE' });
  const restored = await Repo.backupRestore(at('b'), at('restored'), OPTIONS);
  assert.deepEqual((await restored.repo.sql('select count(*) from t'))[0].rows, [[20_000]]);
  await restored.repo.close();

  const push = new AbortController();
  const pushSeen = abortAtFirst(push);
  await assert.rejects(repo.push('origin', 'main', { signal: push.signal, onProgress: pushSeen.onProgress }), { name: 'AbortError' });
  await clean(at('rem'));
  const before = await Repo.clone(at('rem'), at('clone-before'), OPTIONS);
  assert.equal((await before.log({ limit: 1 }))[0].message, 'rows', 'the remote kept its branch');
  await before.close();
  assert.equal((await repo.push('origin', 'main')).updated, true);

  // An already aborted signal stops before anything is copied, with the caller's reason.
  const reason = new Error('not now');
  await assert.rejects(repo.backupSync('b', { signal: AbortSignal.abort(reason) }), (e) => e === reason);
});

test('a throw in onProgress stops the operation and rejects with what was thrown', async (t) => {
  const { repo, at } = await changedDatabase(t);
  const thrown = new Error('the progress bar broke');
  let calls = 0;
  const onProgress = () => {
    calls += 1;
    throw thrown;
  };
  await assert.rejects(repo.backupSync('b', { onProgress }), (e) => e === thrown);
  assert.equal(calls, 1, 'no callback after the throw');
  assert.equal((await repo.backupSnapshots('b')).length, 1);
  await clean(at('b'));
  assert.equal((await repo.backupSync('b')).synced, true);
});

test('Ctrl-C stops the Node bin mid-sync with exit 130 and both sides valid', async (t) => {
  const { spawn } = await import('node:child_process');
  const { NODE_CAIRN, runIn } = await import('./helpers.mjs');
  const { repo, at } = await changedDatabase(t);
  await repo.close();
  const dir = at('db').slice('file://'.length);
  let stopped = 0;
  // When the signal lands is timing: before Node has run the bin (the process dies of it),
  // while the sync works (exit 130), or after it finished (exit 0). The delays home in on the
  // middle: later after an early one, halfway back after a late one, whatever the machine's
  // speed (a fixed ladder of delays can miss the window on a machine faster than the first).
  let early = 0;
  let late = Infinity;
  let delay = 100;
  for (let round = 0; round < 24 && stopped === 0; round++) {
    const update = runIn(dir, NODE_CAIRN, ['sql', '-q', `update t set v = 'round ${round}'`]);
    assert.equal(update.status, 0, update.stderr);
    const [program, ...lead] = NODE_CAIRN;
    const child = spawn(program, [...lead, 'backup', 'sync', 'b', '--quiet'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    setTimeout(() => child.kill('SIGINT'), delay);
    const code = await exited;
    if (code === 130) {
      stopped += 1;
      assert.equal(stderr, 'error: interrupted; nothing was changed\n');
    } else if (code === null) {
      early = delay; // the signal came before Node ran any of the bin (it dies as any process would)
    } else {
      assert.equal(code, 0, `${stderr} (exit ${code})`);
      late = delay;
    }
    delay = late === Infinity ? delay * 2 : (early + late) / 2;
    await clean(at('b'));
    await clean(at('db/.cairn/store'));
  }
  assert.ok(stopped > 0, 'no sync was stopped by Ctrl-C');
  const again = runIn(dir, NODE_CAIRN, ['backup', 'sync', 'b', '--quiet']);
  assert.equal(again.status, 0, again.stderr);
});
