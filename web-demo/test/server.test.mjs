// The demo's server panel in headless Chromium, with a real `cairn serve` beside the demo
// (`node web-demo/serve.mjs --with-cairn-serve`): the page backs its IndexedDB database up to
// the server and pushes to a remote there; the native CLI restores that backup and clones that
// remote; a commit the CLI pushes shows up in the page after a fetch.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cairnBinary } from '../cairn-serve.mjs';
import { withCairnServe } from '../serve.mjs';
import { driver, needsChromium, openDemo } from './page.mjs';

/** The native CLI in `cwd` with the server's token: its standard output; it must succeed. */
function cli(bin, cwd, token, args) {
  const out = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, CAIRN_TOKEN: token } });
  assert.equal(out.status, 0, `cairn ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

test('the server panel backs up and pushes to cairn serve, and the native CLI meets it there', { skip: needsChromium, timeout: 300_000 }, async (t) => {
  const bin = cairnBinary();
  const work = await mkdtemp(join(tmpdir(), 'cairn-demo-cli-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  let served;
  const { page, base, step, crashes, outside } = await openDemo(t, {
    viewport: { width: 1280, height: 800 },
    prepare: async (server) => {
      // In the test's folder, removed with it.
      const dir = join(work, 'served');
      await mkdir(dir);
      served = await withCairnServe(server, { bin, dir });
    },
  });
  const d = driver(page);
  const button = (name) => page.getByRole('button', { name, exact: true });
  const backupUrl = () => `${served.url}/demo/backup`;
  const remoteUrl = () => `${served.url}/demo/remote`;

  await step('the page finds the server and shows it empty', async () => {
    await page.goto(`${base}/`);
    await d.idle();
    assert.equal(await d.panel('server').isVisible(), true);
    assert.equal(await d.text('server-url'), served.url);
    assert.deepEqual(await d.items('server-snapshots'), ['no snapshots yet']);
    assert.deepEqual(await d.items('server-branches'), ['nothing pushed yet']);
    await d.fits('with the server panel');
  });

  await step('a database backs up to the server, uncommitted rows included, and pushes there', async () => {
    await d.click(button('Create'));
    await d.sql("CREATE TABLE people (id INT PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'Ada')");
    await d.click(d.form('commit').getByRole('button', { name: 'Commit all' }));
    await d.sql("INSERT INTO people VALUES (2, 'Grace')");
    assert.match(await d.click(button('Back up to server')), /^Snapshot \S+ of everything on the server/);
    assert.equal((await d.items('server-snapshots')).length, 1);
    assert.match(await d.click(button('Push to server')), /^Pushed main to the server/);
    assert.deepEqual((await d.items('server-branches')).map((l) => l.split(' ')[0]), ['main']);
  });

  await step('the native CLI restores the browser’s backup and clones its remote', async () => {
    cli(bin, work, served.token, ['backup', 'restore', backupUrl(), 'restored']);
    const rows = cli(bin, join(work, 'restored'), served.token, ['sql', '-q', 'select name from people order by id', '-r', 'csv']);
    assert.equal(rows, 'name\nAda\nGrace\n', 'the uncommitted row came along');
    cli(bin, work, served.token, ['clone', remoteUrl(), 'clone']);
    const pushed = cli(bin, join(work, 'clone'), served.token, ['sql', '-q', 'select name from people order by id', '-r', 'csv']);
    assert.equal(pushed, 'name\nAda\n', 'a remote holds commits only');
  });

  await step('a commit pushed by the CLI shows up in the page after a fetch', async () => {
    const clone = join(work, 'clone');
    cli(bin, clone, served.token, ['sql', '-q', "insert into people values (3, 'Edsger')"]);
    cli(bin, clone, served.token, ['commit', '-am', 'from the command line']);
    cli(bin, clone, served.token, ['push', 'origin', 'main']);
    const head = cli(bin, clone, served.token, ['log', '-n', '1']).match(/^commit (\S+)/)[1];
    const fetched = await d.click(button('Fetch from server'));
    assert.match(fetched, new RegExp(`server/main at ${head.slice(0, 8)}`), fetched);
    const branches = await d.items('db-branches');
    assert.ok(branches.some((b) => b.startsWith('server/main') && b.includes(head.slice(0, 8))), branches.join('\n'));
    assert.ok((await d.items('server-branches')).some((b) => b.includes(head.slice(0, 8))));
  });

  await step('the server logged who changed what', async () => {
    assert.match(served.log(), /manifest/);
  });

  assert.deepEqual(crashes, [], 'uncaught errors in the page');
  assert.deepEqual(outside, [], 'requests beyond localhost');
});
