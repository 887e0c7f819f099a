// Merging from JS as the command line merges (one implementation, the core's): pull after a
// divergent push, conflicts shown, settled either way or aborted, revert and cherry-pick, and
// branch deletion that keeps unmerged commits unless forced.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CairnError, Repo } from '../src/node.js';

let clock = 1_700_000_000_000;
const as = (name) => ({ now: () => (clock += 1000), author: { name, email: `${name}@example.com` } });

async function fails(promise, code, hint) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof CairnError);
    assert.equal(e.code, code, e.message);
    if (hint) assert.match(e.message, hint);
    // Hints name the JS API, never the command line.
    assert.doesNotMatch(e.message, /cairn |--/);
    return true;
  });
}

const rows = async (repo) => (await repo.sql('select id, a, b from t order by id'))[0].rows;

/** Two clones of one remote whose table `t` has rows 1 and 2. */
async function twoClones(name) {
  const ada = await Repo.init(`mem://${name}-ada`, as('ada'));
  await ada.sql('create table t (id int primary key, a int, b int)');
  await ada.sql('insert into t values (1, 10, 100), (2, 20, 200)');
  await ada.commit({ message: 'rows', all: true });
  await ada.addRemote('origin', `mem://${name}-remote`);
  await ada.push('origin', 'main');
  const bob = await Repo.clone(`mem://${name}-remote`, `mem://${name}-bob`, as('bob'));
  return { ada, bob };
}

test('a pull after a divergent push merges cell by cell and makes a merge commit', async () => {
  const { ada, bob } = await twoClones('diverge');
  const upToDate = { name: 'origin/main', gone: false, ahead: 0, behind: 0 };
  assert.equal((await ada.status()).upstream, null, 'pushed without setUpstream');
  assert.deepEqual((await bob.status()).upstream, upToDate, 'a clone follows the remote');
  await bob.sql('update t set b = 201 where id = 2');
  await bob.commit({ message: 'bob: b', all: true });
  assert.deepEqual((await bob.status()).upstream, { ...upToDate, ahead: 1 });
  await bob.push('origin', 'main');
  assert.deepEqual((await bob.status()).upstream, upToDate);
  await ada.sql('update t set a = 21 where id = 2');
  await ada.sql('insert into t values (3, 30, 300)');
  await ada.commit({ message: 'ada: a', all: true });
  await fails(ada.push('origin', 'main'), 'NON_FAST_FORWARD', /pull/);
  await fails(ada.pull('origin', 'main', { fastForwardOnly: true }), 'DIVERGED', /fastForwardOnly/);

  const pulled = await ada.pull('origin', 'main');
  assert.equal(pulled.outcome, 'committed');
  assert.deepEqual(await rows(ada), [[1, 10, 100], [2, 21, 201], [3, 30, 300]]);
  const [merge] = await ada.log({ limit: 1 });
  assert.equal(merge.hash, pulled.commit);
  assert.equal(merge.parents.length, 2);
  assert.equal((await ada.push('origin', 'main')).updated, true);

  // Bob's pull is now a fast-forward to that merge; a second one has nothing to do.
  const ff = await bob.pull('origin');
  assert.deepEqual([ff.outcome, ff.commit], ['fastForward', pulled.commit]);
  assert.ok(ff.stats.chunks > 0, "its fetch copied ada's merge");
  assert.equal((await bob.pull('origin')).outcome, 'upToDate');
});

test('conflicts are listed, settled with ours or theirs, and committed; or aborted', async () => {
  const { ada, bob } = await twoClones('conflict');
  await bob.sql('update t set a = 12 where id = 1');
  await bob.commit({ message: 'bob', all: true });
  await bob.push('origin', 'main');
  await ada.sql('update t set a = 11 where id = 1');
  await ada.commit({ message: 'ada', all: true });
  const head = await ada.resolve('HEAD');

  const pulled = await ada.pull('origin');
  assert.deepEqual([pulled.outcome, pulled.commit, pulled.conflicts], ['conflicts', null, ['t']]);
  assert.deepEqual((await ada.status()).merging, ['t']);
  const found = await ada.conflicts('t');
  assert.deepEqual(found, {
    kind: 'rows',
    columns: ['id', 'a', 'b'],
    rows: [{ base: [1, 10, 100], ours: [1, 11, 100], theirs: [1, 12, 100] }],
  });
  await fails(ada.commit({ message: 'too soon', all: true }), 'MERGE_CONFLICTS', /resolveConflicts\(table/);
  await fails(ada.merge('origin/main'), 'MERGE_IN_PROGRESS', /abortMerge\(\)/);

  // Aborted: back to ada's commit, no merge in progress.
  await ada.abortMerge();
  assert.equal((await ada.status()).merging, null);
  assert.equal(await ada.resolve('HEAD'), head);
  assert.deepEqual(await rows(ada), [[1, 11, 100], [2, 20, 200]]);
  await fails(ada.abortMerge(), 'NO_MERGE');

  // Theirs, then committed as a merge.
  assert.equal((await ada.merge('origin/main')).outcome, 'conflicts');
  await fails(ada.resolveConflicts('t', { ours: true, theirs: true }), 'INVALID_ARGUMENT');
  await ada.resolveConflicts('t', { theirs: true });
  assert.deepEqual((await ada.status()).merging, []);
  const merged = await ada.commit({ message: 'take theirs', all: true });
  assert.equal(merged.parents.length, 2);
  assert.deepEqual(await rows(ada), [[1, 12, 100], [2, 20, 200]]);

  // Ours, on bob's side of the same kind of conflict.
  await ada.sql('update t set b = 101 where id = 1');
  await ada.commit({ message: 'ada b', all: true });
  await ada.push('origin', 'main');
  await bob.sql('update t set b = 102 where id = 1');
  await bob.commit({ message: 'bob b', all: true });
  assert.equal((await bob.pull('origin')).outcome, 'conflicts');
  await bob.resolveConflicts('t', { ours: true });
  await bob.commit({ message: 'keep ours', all: true });
  assert.deepEqual(await rows(bob), [[1, 12, 102], [2, 20, 200]]);
});

test('merge modes, revert, cherry-pick, and branch deletion as Git does them', async () => {
  const repo = await Repo.init('mem://modes', as('ada'));
  await repo.sql('create table t (id int primary key, a int, b int)');
  await repo.sql('insert into t values (1, 1, 1)');
  await repo.commit({ message: 'base', all: true });
  await repo.checkout('dev', { create: true });
  await repo.sql('insert into t values (2, 2, 2)');
  const dev = await repo.commit({ message: 'two', all: true });
  await repo.sql('insert into t values (3, 3, 3)');
  const three = await repo.commit({ message: 'three', all: true });
  await repo.checkout('main');

  await fails(repo.deleteBranch('dev'), 'BRANCH_NOT_MERGED', /force: true/);
  assert.ok((await repo.branches()).some((b) => b.name === 'dev'), 'an unmerged branch stays');

  // No fast-forward: a merge commit even where the branch could move.
  const noFf = await repo.merge('dev~1', { fastForward: false, message: 'bring two' });
  assert.equal(noFf.outcome, 'committed');
  const [commit] = await repo.log({ limit: 1 });
  assert.deepEqual([commit.message, commit.parents.length], ['bring two', 2]);
  assert.deepEqual(await rows(repo), [[1, 1, 1], [2, 2, 2]]);

  const picked = await repo.cherryPick(three.hash);
  assert.equal(picked.outcome, 'committed');
  assert.deepEqual(await rows(repo), [[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
  const reverted = await repo.revert(dev.hash);
  assert.equal(reverted.outcome, 'committed');
  assert.deepEqual(await rows(repo), [[1, 1, 1], [3, 3, 3]]);
  assert.match((await repo.log({ limit: 1 }))[0].message, /^Revert "two"/);

  await fails(repo.merge('nope'), 'REF_NOT_FOUND');
  await repo.deleteBranch('dev', { force: true });
  assert.ok(!(await repo.branches()).some((b) => b.name === 'dev'));
});

test("a SQL script commits, branches and merges with Dolt's procedures, as the author option says", async () => {
  const repo = await Repo.init('mem://procedures', as('cy'));
  const results = await repo.sql(
    "create table t (id int primary key); insert into t values (1); call dolt_commit('-Am', 'from sql'); call dolt_checkout('-b', 'b2')",
  );
  assert.deepEqual(results[2].columns, ['hash']);
  const [head] = await repo.log({ limit: 1 });
  assert.equal(head.hash, results[2].rows[0][0]);
  assert.equal(head.author, 'cy');
  assert.equal(head.message, 'from sql');
  // The branch a call checks out is the Repo's, as checkout() would leave it.
  assert.equal(repo.currentBranch, 'b2');
  await repo.sql("insert into t values (2); call dolt_commit('-am', 'two'); call dolt_checkout('main')");
  const [merged] = await repo.sql("call dolt_merge('b2')", { rowMode: 'object' });
  assert.equal(merged.rows[0].fast_forward, 1);
  assert.equal((await repo.sql('select count(*) from t'))[0].rows[0][0], 2);
  // What SQL cannot reach is refused, saying what to do instead.
  await fails(repo.sql("call dolt_push('origin', 'main')"), 'SQL', /push outside SQL/);
});
