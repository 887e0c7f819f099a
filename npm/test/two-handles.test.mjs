// Two Repo handles on one database, as two processes or tabs hold it: each operation starts
// from what the other wrote, and a write that raced the other's fails with CONFLICT (naming
// what changed) instead of overwriting it; no committed or working-set row is ever lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

const FIXED = { author: { name: 'Ada', email: 'ada@example.com' } };
// A's commit starts 0, 4, ..., 60 microtasks after B's write; either takes about 20.
const ROUNDS = 16;
const STEP = 4;

/** The ids in `t` of the handle's working set, sorted. */
async function ids(repo) {
  const [result] = await repo.sql('select id from t');
  return result.rows.map(([id]) => id).sort((x, y) => x - y);
}

/** Calls `f` after `n` microtasks. */
async function later(n, f) {
  for (let i = 0; i < n; i++) await null;
  return f();
}

/** The rows the working set has and HEAD lacks. */
async function uncommitted(repo) {
  return (await repo.diff({ ref: 'HEAD' })).flatMap((d) => d.rows);
}

async function twoHandles(t, location) {
  const setup = await Repo.init(location, FIXED);
  await setup.sql('create table t (id int primary key, who text)');
  await setup.commit({ message: 'table t', all: true });
  setup.close();
  const a = await Repo.open(location, FIXED);
  const b = await Repo.open(location, FIXED);
  t.after(() => [a, b].forEach((r) => r.close()));

  await b.sql("insert into t values (1, 'b')");
  const fromB = await b.commit({ message: 'b: row 1', all: true });
  await a.sql("insert into t values (2, 'a')");
  assert.deepEqual(await ids(a), [1, 2], "A's insert went into B's state");
  assert.ok((await a.log()).some((c) => c.hash === fromB.hash), "B's commit is in A's log");
  assert.deepEqual(await ids(b), [1, 2], "B sees A's uncommitted row");

  // A commits while B changes the working set: A's commit comes after B's change (and holds
  // B's row), or first, or it loses the race, writes nothing and is retried. A starts ever
  // later after B, in microtasks, so that in memory (no I/O to vary the timing) every case
  // comes up; on disk the timing varies as well.
  const rows = [1, 2];
  const outcomes = { committed: 0, conflicts: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const [ours, theirs] = [100 + round, 200 + round];
    await a.sql(`insert into t values (${ours}, 'a')`);
    const [written, committed] = await Promise.allSettled([
      b.sql(`insert into t values (${theirs}, 'b')`),
      later(round * STEP, () => a.commit({ message: `a: round ${round}`, all: true })),
    ]);
    assert.equal(written.status, 'fulfilled', written.reason?.message);
    rows.push(ours, theirs);
    if (committed.status === 'rejected') {
      outcomes.conflicts++;
      const e = committed.reason;
      assert.equal(e.code, 'CONFLICT', e.message);
      assert.match(e.message, /another writer changed the working set of 'main'/);
      await a.commit({ message: `a: round ${round}, again`, all: true });
      assert.deepEqual(await uncommitted(a), [], 'the retry committed everything');
    } else {
      outcomes.committed++;
      // Only B's row may be left uncommitted: it came after A's commit.
      for (const change of await uncommitted(a)) assert.deepEqual(change, { kind: 'added', row: [theirs, 'b'] });
    }
    assert.deepEqual(await ids(a), rows.toSorted((x, y) => x - y));
    assert.deepEqual(await ids(b), rows.toSorted((x, y) => x - y));
  }
  const last = await a.commit({ message: 'a: the rest', all: true, allowEmpty: true });
  assert.equal((await b.log({ limit: 1 }))[0].hash, last.hash, "A's commit is in B's log");
  assert.deepEqual(await uncommitted(b), []);
  assert.equal(await a.reload(), undefined);
  t.diagnostic(`${outcomes.conflicts} of ${ROUNDS} commits lost the race and were retried`);
  return outcomes;
}

test('two handles on one file:// database see each other and lose no row', async (t) => {
  await twoHandles(t, `file://${join(await tempDir(t), 'db')}`);
});

test('two handles on one mem:// database see each other and lose no row', async (t) => {
  const outcomes = await twoHandles(t, 'mem://two-handles');
  assert.ok(outcomes.committed > 0 && outcomes.conflicts > 0, `both outcomes: ${JSON.stringify(outcomes)}`);
});
