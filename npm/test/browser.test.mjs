// The package's browser entry in headless Chromium: the conformance suite on IndexedDB, a
// ChunkStore round trip, and the Repo API on IndexedDB (persisted across a reload, backed up,
// restored, exported as a file that the native CLI restores). Serves the npm folder from
// 127.0.0.1 and drives Debian's chromium with playwright-core (see chromium.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, NO_CHROMIUM, page as newPage, serve } from './chromium.mjs';
import { allowCors, createBucket, nativeCairn, runIn, startServer, tempDir } from './helpers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Calls `fn(...args)` of the page module `module` (relative to test/browser/) in `page`;
 * resolves to its value, or rejects with the page's error, `code` kept.
 */
async function call(page, module, fn, ...args) {
  const result = await page.evaluate(
    async ([module, fn, args]) => {
      try {
        return { value: await (await import(module))[fn](...args) };
      } catch (e) {
        return { error: { code: e.code, message: `${e.code} ${e.stack}` } };
      }
    },
    [module, fn, args],
  );
  if (result.error) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value;
}

/** Chromium and the npm folder served, both closed when `t` ends. */
async function browser(t) {
  const server = await serve(ROOT);
  t.after(server.close);
  const chromium = await launch();
  t.after(chromium.close);
  return { base: server.url, context: chromium.context };
}

test(
  "browser: the package's entry is one module, the glues inside: the one script a page fetches, then only the core's wasm file",
  { skip: NO_CHROMIUM, timeout: 60_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/blank.html`);
    const { exports } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const entry = exports['.'].browser.default.slice(1);
    const fetched = await page.evaluate(async (entry) => {
      const { init } = await import(entry);
      await init();
      return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    }, entry);
    // The glues are in the entry (a level of imports less); the network clients' wasm file
    // waits for a store across the network.
    assert.deepEqual(fetched, [entry, '/dist/cairn_wasm_bg.wasm']);
    assert.deepEqual(problems, []);
  },
);

test(
  'browser: httpStore() answers an adapter at once, which loads the network module on its first call and rejects with what the client refused',
  { skip: NO_CHROMIUM, timeout: 60_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const page = await newPage(context, []);
    await page.goto(`${base}/test/browser/blank.html`);
    const outcome = await page.evaluate(async () => {
      const { httpStore, init } = await import('/src/browser.js');
      await init();
      // A header of the protocol's own: refused by the client, before any request.
      const adapter = httpStore('http://127.0.0.1:9/backup', { headers: { Range: 'bytes=0-1' } });
      const fetched = () => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/cairn_net_bg.wasm'));
      const before = fetched();
      const failure = await adapter.list().then(() => undefined, (e) => [e.code, e.message]);
      return { methods: Object.keys(adapter).sort(), before, failure, after: fetched() };
    });
    assert.deepEqual(outcome.methods, ['delete', 'get', 'getRange', 'list', 'put', 'readManifest', 'swapManifest']);
    assert.equal(outcome.before, false);
    assert.equal(outcome.failure[0], 'INVALID_ARGUMENT');
    assert.match(outcome.failure[1], /set by the client/);
    assert.equal(outcome.after, true);
  },
);

test(
  "browser: init's `network` option says where the network clients' module comes from, fetched on first use",
  { skip: NO_CHROMIUM, timeout: 60_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const page = await newPage(context, []);
    const asked = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await page.goto(`${base}/test/browser/blank.html`);
    await page.evaluate(async () => {
      const { init } = await import('/src/browser.js');
      await init(undefined, { network: '/moved/cairn_net_bg.wasm' });
    });
    assert.ok(!asked.some((p) => p.endsWith('cairn_net_bg.wasm')), `nothing fetched before a store needs it: ${asked}`);
    // A header of the protocol's own, which the client refuses once its module loads.
    const code = await page.evaluate(async () => {
      const { Repo } = await import('/src/browser.js');
      return Repo.backupSnapshots('http://127.0.0.1:9/backup', { headers: { Range: 'bytes=0-1' } }).then(() => 'opened', (e) => e.code);
    });
    assert.equal(code, 'INIT_FAILED'); // nothing is there
    assert.ok(asked.includes('/moved/cairn_net_bg.wasm'), `fetched from where init said: ${asked}`);
  },
);

test(
  'browser: IndexedDB conformance and a chunk store round trip',
  { skip: NO_CHROMIUM, timeout: 180_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/index.html`);
    const ready = await page
      .waitForFunction(() => window.cairnResults !== undefined, null, { timeout: 30_000 })
      .catch(() => false);
    assert.ok(ready, `the test page did not start: ${problems.join('; ') || 'no error reported'}`);
    const results = await page.evaluate(() => window.cairnResults);
    assert.equal(results.error, undefined, results.error);

    assert.equal(results.conformance.length, 11, results.conformance.join(', '));
    const trip = results.roundTrip;
    assert.ok(trip.tables >= 5, `${trip.tables} table files`);
    assert.ok(trip.rootMatches);
    assert.equal(trip.chunksBack, trip.chunks);
    assert.deepEqual(trip.verify.problems, []);
    assert.deepEqual(trip.verify.orphans, []);
    assert.equal(trip.verify.chunks, trip.chunks);
    assert.equal(trip.badHashCode, 'INVALID_ARGUMENT');
    assert.equal(results.hashAbc, 'cgrr7b1o8p8j7vtm7dqieekdml4cam26');
    assert.deepEqual(problems, []);
  },
);

test(
  "browser: the package loads under a CSP with 'wasm-unsafe-eval'; without it, the load is a catchable INIT_FAILED",
  { skip: NO_CHROMIUM, timeout: 120_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const results = {};
    for (const name of ['csp', 'csp-strict']) {
      const problems = [];
      const page = await newPage(context, problems);
      await page.goto(`${base}/test/browser/${name}.html`);
      await page.waitForFunction(() => window.cspResults !== undefined, null, { timeout: 30_000 });
      results[name] = { ...(await page.evaluate(() => window.cspResults)), problems };
    }
    assert.deepEqual(results.csp, { loaded: 'ok', repo: 'ok', hashed: 'ls9kjeflv6gqd8209nl3dn6996dsm9e9', problems: [] });
    // The page goes on: every call rejects (or throws) with a code, and nothing is uncaught.
    const refused = { loaded: 'INIT_FAILED', repo: 'INIT_FAILED', hashed: 'NOT_INITIALIZED', problems: [] };
    assert.deepEqual(results['csp-strict'], refused);
  },
);

test(
  'browser: a Repo on IndexedDB persists across a reload, backs up, restores and exports a file the native CLI restores',
  { skip: NO_CHROMIUM, timeout: 300_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/blank.html`);
    const name = `repo-${Date.now()}`;
    const step = (fn) =>
      page.evaluate(
        async ([fn, name]) => (await import('./repo.js'))[fn](name).catch((e) => ({ error: `${e.code} ${e.stack}` })),
        [fn, name],
      );
    const created = await step('create');
    assert.equal(created.error, undefined, created.error);
    assert.deepEqual(created.cloned, { tables: ['t'], status: true }, 'a clone has the commits, not the working set');
    assert.equal(created.missing, 'NOT_FOUND');
    assert.equal(created.notBackup, 'IS_A_BACKUP');
    assert.equal(created.badCloneLeft, 'NOT_A_DATABASE', 'a failed clone leaves nothing behind');

    await page.reload();
    const after = await step('reopen');
    assert.equal(after.error, undefined, after.error);
    for (const state of [after.persisted, after.restored]) {
      assert.deepEqual(state.rows, ['one', 'two']);
      assert.deepEqual(state.untracked, ['not_committed']);
      assert.deepEqual(state.tags, ['v1']);
      assert.deepEqual(state.log, ['first rows', 'Initialize data repository']);
    }
    assert.deepEqual(after.persisted.backups, [{ name: 'b', url: `idb://${name}-backup` }]);
    assert.deepEqual(after.restored.backups, []);
    assert.equal(after.snapshot, created.snapshot);
    assert.equal(after.exists, 'ALREADY_EXISTS');
    assert.ok(after.fileIsStream);
    assert.deepEqual(after.fromStream.rows, ['one', 'two']);

    // A backup file is unpacked in IndexedDB, not memory; one a closed tab left is deleted
    // first, one whose page lives is not, and nothing is left after.
    const unpacked = await step('unpack');
    assert.equal(unpacked.error, undefined, unpacked.error);
    assert.deepEqual(unpacked.rows, ['one', 'two']);
    const [live, abandoned] = ['cairn:#unpack-live', 'cairn:#unpack-abandoned'];
    const own = unpacked.during.filter((n) => n !== live && n !== abandoned);
    assert.equal(own.length, 1, `unpacked in a database of its own: ${unpacked.during}`);
    assert.ok(unpacked.during.includes(live), 'a live page keeps its unpack');
    assert.ok(!unpacked.during.includes(abandoned), 'an abandoned unpack is deleted first');
    assert.deepEqual(unpacked.after, [live]);
    assert.deepEqual(unpacked.withoutLocks, { rows: ['one', 'two'], left: [] });

    // The browser's backup file, restored by the native CLI.
    const dir = await tempDir(t);
    await writeFile(join(dir, 'browser.cairnbak'), Buffer.from(after.file, 'base64'));
    const restore = runIn(dir, [nativeCairn()], ['--quiet', 'backup', 'restore', 'browser.cairnbak', 'db']);
    assert.equal(restore.status, 0, restore.stderr);
    const status = runIn(join(dir, 'db'), [nativeCairn()], ['status']);
    assert.match(status.stdout, /new table: {6}not_committed/);
    const rows = runIn(join(dir, 'db'), [nativeCairn()], ['sql', '-q', 'select name from t', '-r', 'csv']);
    assert.equal(rows.stdout, 'name\none\ntwo\n');
    assert.deepEqual(problems, []);
  },
);

test(
  'browser: two tabs on one idb:// database see each other and lose no row',
  { skip: NO_CHROMIUM, timeout: 300_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const tabs = [await newPage(context, problems), await newPage(context, problems)];
    for (const tab of tabs) await tab.goto(`${base}/test/browser/blank.html`);
    const [a, b] = tabs.map((tab) => (fn, ...args) => call(tab, './tabs.js', fn, ...args));
    const name = `tabs-${Date.now()}`;
    await a('create', name);
    await a('open', name);
    await b('open', name);

    await b('sql', "insert into t values (1, 'b')");
    const fromB = await b('commit', 'b: row 1');
    await a('sql', "insert into t values (2, 'a')");
    assert.deepEqual(await a('ids'), [1, 2], "A's insert went into B's state");
    assert.ok((await a('log')).includes(fromB), "B's commit is in A's log");
    assert.deepEqual(await b('ids'), [1, 2], "B sees A's uncommitted row");

    // A commits while B changes the working set, A starting ever later (in ms): A's commit
    // comes after B's change (and holds B's row), or first, or it loses the race, writes
    // nothing and is retried.
    const rows = [1, 2];
    let conflicts = 0;
    for (let round = 0; round < 12; round++) {
      const [ours, theirs] = [100 + round, 200 + round];
      await a('sql', `insert into t values (${ours}, 'a')`);
      const [written, committed] = await Promise.allSettled([
        b('sql', `insert into t values (${theirs}, 'b')`),
        a('commit', `a: round ${round}`, round * 3),
      ]);
      assert.equal(written.status, 'fulfilled', written.reason?.message);
      rows.push(ours, theirs);
      if (committed.status === 'rejected') {
        conflicts++;
        assert.equal(committed.reason.code, 'CONFLICT', committed.reason.message);
        assert.match(committed.reason.message, /another writer changed the working set of 'main'/);
        await a('commit', `a: round ${round}, again`);
        assert.deepEqual(await a('uncommitted'), [], 'the retry committed everything');
      } else {
        // Only B's row may be left uncommitted: it came after A's commit.
        for (const change of await a('uncommitted')) assert.deepEqual(change, { kind: 'added', row: [theirs, 'b'] });
      }
      assert.deepEqual(await a('ids'), rows.toSorted((x, y) => x - y));
      assert.deepEqual(await b('ids'), rows.toSorted((x, y) => x - y));
    }
    t.diagnostic(`${conflicts} of 12 commits lost the race and were retried`);
    await a('sql', 'insert into t values (999, null)');
    const last = await a('commit', 'a: the rest');
    assert.equal((await b('log'))[0], last, "A's commit is in B's log");
    assert.deepEqual(await b('uncommitted'), []);
    assert.deepEqual(problems, []);
  },
);

test(
  'browser: idb:// creates refuse stores, keep the old database until the new one is whole, and opens create nothing',
  { skip: NO_CHROMIUM, timeout: 300_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/blank.html`);
    const name = `create-${Date.now()}`;

    const missing = await call(page, './idb-create.js', 'missing', name);
    assert.deepEqual(missing, { opened: 'NOT_A_DATABASE', left: [] }, 'opening a missing name creates nothing');
    const unlisted = await call(page, './idb-create.js', 'missingUnlisted', `${name}-unlisted`);
    assert.deepEqual(unlisted, { opened: 'NOT_A_DATABASE', left: [] }, 'nor where the browser lists no databases');

    const r = await call(page, './idb-create.js', 'overwrite', name);
    assert.deepEqual(r.refused, Array(6).fill('ALREADY_EXISTS'), 'init, clone and restore over a backup or remote');
    assert.equal(r.badClone, 'IS_A_BACKUP');
    assert.equal(r.snapshots, 1, 'the backup is intact');
    assert.equal(r.failed, 'SNAPSHOT_NOT_FOUND');
    assert.deepEqual(r.kept, [1, 2], 'a failed forced restore leaves the database as it was');
    assert.deepEqual(r.restored, [1]);
    assert.deepEqual(r.seenByOpenHandle, [1], 'a handle held open sees the restored database');
    const expected = ['', '-backup', '-remote'].map((s) => `cairn:${name}${s}`);
    assert.deepEqual(r.left, expected, 'no staging database or failed clone is left');

    // The table files were the staging database's: they outlive it.
    await page.reload();
    assert.deepEqual(await call(page, './idb-create.js', 'reopen', name), { ids: [1], verify: [] });
    assert.deepEqual(problems, []);
  },
);

test(
  'browser: an IndexedDB database backs up to s3:// through fetch, and the native CLI restores it',
  { skip: NO_CHROMIUM, timeout: 300_000 },
  async (t) => {
    const ceph = await startServer('scripts/ceph.sh');
    t.after(ceph.stop);
    createBucket(ceph.env, 'browser-backups');
    createBucket(ceph.env, 'browser-no-cors');
    allowCors(ceph.env, 'browser-backups');
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/blank.html`);
    const url = `s3://browser-backups/tab/db?endpoint=${ceph.env.AWS_ENDPOINT_URL}&path-style=true`;
    // What an app hands the page: here the gateway's keys; in production, temporary ones.
    const settings = {
      AWS_ACCESS_KEY_ID: ceph.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: ceph.env.AWS_SECRET_ACCESS_KEY,
      AWS_REGION: 'us-east-1',
    };
    const name = `s3-${Date.now()}`;
    const r = await call(page, './bucket.js', 'backUp', name, url, settings).catch((e) => {
      throw new Error(`${e.message}; the page said: ${problems.join('; ')}`);
    });
    assert.deepEqual(r.rows, ['one', 'two', 'uncommitted']);
    assert.equal(r.again, false, 'an unchanged database is up to date');
    assert.deepEqual(r.problems, []);
    assert.ok(r.totalsTrue, 'progress totals are what was done');

    // The same backup restores natively.
    const dir = await tempDir(t);
    const restored = runIn(dir, [nativeCairn()], ['backup', 'restore', url, 'db'], ceph.env);
    assert.equal(restored.status, 0, restored.stderr);
    const rows = runIn(join(dir, 'db'), [nativeCairn()], ['sql', '-q', 'select name from t order by id'], ceph.env);
    assert.match(rows.stdout, /one[\s\S]*two[\s\S]*uncommitted/);

    // A bucket that does not allow the page's origin: a clear error, not a hang.
    const noCors = `s3://browser-no-cors/db?endpoint=${ceph.env.AWS_ENDPOINT_URL}&path-style=true`;
    const refused = await call(page, './bucket.js', 'failure', `${name}-x`, noCors, settings);
    assert.equal(refused.code, 'IO', refused.message);
    assert.match(refused.message, /cannot reach 127\.0\.0\.1:\d+ .*CORS rules/);
    // Ceph's 403 for a bad signature carries no CORS headers either, so the page sees the
    // same; what matters is that nothing was written.
    const other = `s3://browser-backups/wrong?endpoint=${ceph.env.AWS_ENDPOINT_URL}&path-style=true`;
    const wrong = await call(page, './bucket.js', 'failure', `${name}-y`, other, { ...settings, AWS_SECRET_ACCESS_KEY: 'wrong' });
    assert.equal(wrong.code, 'IO', wrong.message);
    const written = runIn(dir, [nativeCairn()], ['backup', 'snapshots', other], ceph.env);
    assert.match(written.stderr, /the backup is empty/);
    assert.deepEqual(problems.filter((p) => !/CORS|Failed to load|ERR_FAILED|net::/.test(p)), []);
  },
);

test(
  'browser: an encrypted backup made natively restores in the page, and one made in the page natively',
  { skip: NO_CHROMIUM, timeout: 300_000 },
  async (t) => {
    const dir = await tempDir(t);
    const password = 'correct horse';
    const env = { CAIRN_PASSWORD: password, CAIRN_USER_NAME: 'Ada', CAIRN_USER_EMAIL: 'ada@example.com' };
    const native = (cwd, ...args) => {
      const out = runIn(cwd, [nativeCairn()], ['--quiet', ...args], env);
      assert.equal(out.status, 0, out.stderr);
      return out.stdout;
    };
    const db = join(dir, 'db');
    await mkdir(db);
    native(db, 'init');
    native(db, 'sql', '-q', "create table t (id int primary key, v text); insert into t values (1, 'native')");
    native(db, 'commit', '-a', '-m', 'rows');
    native(db, 'backup', 'sync-url', '--encrypt', 'file://../enc');
    native(db, 'backup', 'export', 'file://../enc', '../enc.cairnbak');
    const made = await readFile(join(dir, 'enc.cairnbak'));

    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/blank.html`);
    const name = `enc-${Date.now()}`;
    const restored = await call(page, './encrypted.js', 'restoreFile', `${name}-native`, [...made], password);
    assert.deepEqual(restored, { refused: 'PASSWORD_NEEDED', rows: ['native'], left: [] });

    const r = await call(page, './encrypted.js', 'backUp', name, password);
    assert.deepEqual(r.rows, ['from the page']);
    assert.equal(r.wrong, 'WRONG_PASSWORD');
    const file = Buffer.from(r.file);
    assert.equal(file.subarray(0, 8).toString(), 'CAIRNSBK');
    assert.equal(file.includes('from the page'), false);
    await writeFile(join(dir, 'page.cairnbak'), file);
    native(dir, 'backup', 'restore', 'page.cairnbak', 'from-page');
    assert.equal(native(join(dir, 'from-page'), 'sql', '-q', 'select v from t', '-r', 'csv'), 'v\nfrom the page\n');
    assert.deepEqual(problems, []);
  },
);
