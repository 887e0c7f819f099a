// The demo page in headless Chromium, driven through its controls like a newcomer would: the
// seed tutorial's story from creating a database to restoring it from a backup file. Each step
// checks what the page then shows. Screenshots the page after a restore: into a temporary
// folder, or over docs/demo.png with CAIRN_DEMO_SCREENSHOT=1 (how docs/demo.png is made).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = process.env.CAIRN_DEMO_SCREENSHOT
  ? join(ROOT, 'docs', 'demo.png')
  : join(tmpdir(), `cairn-demo-${process.pid}.png`);

/** Chromium as every browser test here drives it (npm/ holds the one pinned playwright-core). */
async function chromiumHelpers() {
  assert.ok(
    existsSync(join(ROOT, 'npm', 'node_modules', 'playwright-core')),
    'playwright-core is not installed: run `cd npm && npm ci`',
  );
  return import('../../npm/test/chromium.mjs');
}

/** The page, one control at a time, waiting after each for the page to finish and redraw. */
function driver(page) {
  const panel = (name) => page.getByTestId(`panel-${name}`);
  const form = (name) => page.locator(`form[data-form="${name}"]`);

  const idle = () => page.waitForFunction(() => document.body.dataset.ready && !document.body.hasAttribute('aria-busy'));
  const errorText = async () => ((await page.getByTestId('error').isVisible()) ? page.getByTestId('error-text').innerText() : '');

  return {
    panel,
    form,
    idle,
    text: (testId) => page.getByTestId(testId).innerText(),
    /** Lines of a list, one per item. */
    items: async (testId) => page.getByTestId(testId).locator('li').allInnerTexts(),
    /** A grid cell's value, by its column and row label ("row 2"). */
    cell: (column, row) => page.getByTestId('grid').getByLabel(`${column}, ${row}`, { exact: true }),

    /** Clicks a control; the action must succeed. */
    async click(locator) {
      await locator.click();
      await idle();
      const error = await errorText();
      assert.equal(error, '', `the page shows an error: ${error}`);
    },
    /** Clicks a control; the action must fail with a message on the page that matches. */
    async clickFails(locator, expected) {
      await locator.click();
      await idle();
      const error = await errorText();
      assert.match(error, expected, 'the page shows no error banner, or another error');
    },
    async sql(query) {
      await form('sql').getByLabel('SQL').fill(query);
      await this.click(form('sql').getByRole('button', { name: 'Run SQL' }));
    },
    async selectTable(name) {
      await this.click(page.getByTestId('db-tables').getByRole('tab', { name, exact: true }));
    },
    async gridColumn(column) {
      const values = [];
      for (let row = 1; ; row += 1) {
        const cell = this.cell(column, `row ${row}`);
        if ((await cell.count()) === 0) return values;
        values.push(await cell.inputValue());
      }
    },
  };
}

test(
  'web demo: the backup story, clicked through in Chromium',
  { skip: existsSync('/usr/bin/chromium') ? false : '/usr/bin/chromium is absent (apt-get install chromium)', timeout: 300_000 },
  async (t) => {
    assert.ok(
      existsSync(join(ROOT, 'npm', 'wasm', 'cairn_wasm_bg.wasm')),
      'the wasm build is missing: run `cd npm && npm ci && npm run build:wasm`',
    );
    const { launch } = await chromiumHelpers();
    const server = await serve(0);
    const base = `http://127.0.0.1:${server.address().port}`;
    const downloads = await mkdtemp(join(tmpdir(), 'cairn-demo-downloads-'));
    const browser = await launch({ acceptDownloads: true, viewport: { width: 1440, height: 1000 } });
    const { context } = browser;
    t.after(async () => {
      // The browser first: it holds the profile directory.
      await browser.close();
      await new Promise((done) => server.close(done));
      await rm(downloads, { recursive: true, force: true });
    });

    const page = await context.newPage();
    const crashes = [];
    page.on('pageerror', (error) => crashes.push(error.message));
    // Nothing but localhost: the page must work offline.
    const outside = [];
    await page.route(/.*/, (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'blob:' || url.protocol === 'data:') return route.continue();
      outside.push(url.href);
      return route.abort();
    });

    // One step after another: once a step fails, the ones after it would only fail confusingly.
    let failed = false;
    const step = (name, body) =>
      t.test(name, { skip: failed && 'an earlier step failed' }, async () => {
        try {
          await body();
        } catch (error) {
          failed = true;
          throw error;
        }
      });

    const d = driver(page);
    const db = d.panel('db');
    const button = (scope, name) => scope.getByRole('button', { name, exact: true });

    await step('the page loads with nothing in it', async () => {
      await page.goto(`${base}/`);
      await d.idle();
      assert.equal(await page.getByTestId('error').isVisible(), false, await d.text('error-text'));
      assert.equal(await d.text('db-where'), 'No database open.');
      assert.deepEqual(await d.items('remote-branches'), ['nothing pushed yet']);
      assert.deepEqual(await d.items('snapshots'), ['no snapshots yet']);
    });

    await step('create a database', async () => {
      await d.form('database').getByLabel('Name').fill('repo1');
      await d.click(button(db, 'Create'));
      assert.match(await d.text('db-where'), /idb:\/\/repo1 on branch main/);
      assert.deepEqual((await d.items('db-branches')).map((b) => b.split(' ')[0]), ['main']);
      assert.deepEqual(await d.items('db-status'), ['clean: nothing uncommitted']);
      assert.equal((await d.items('db-log')).length, 1);
    });

    await step('create a table with SQL and edit its rows in the grid', async () => {
      await d.sql("CREATE TABLE people (id INT PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace')");
      assert.match(await d.text('sql-result'), /2 row\(s\) affected/);
      await d.selectTable('people');
      assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace']);
      assert.deepEqual(await d.items('db-status'), ['untracked people (new table)']);

      // Edit a cell: the change event runs an UPDATE; the grid is redrawn from the store.
      await d.cell('name', 'row 2').fill('Grace Hopper');
      await d.cell('name', 'row 2').press('Tab');
      await d.idle();
      assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace Hopper']);

      for (const [id, name] of [['3', 'Katherine'], ['4', 'Typo']]) {
        await d.cell('id', 'new row').fill(id);
        await d.cell('name', 'new row').fill(name);
        await d.click(button(db, 'Add row'));
      }
      assert.deepEqual(await d.gridColumn('id'), ['1', '2', '3', '4']);
      await d.click(db.getByRole('button', { name: 'Delete row 4' }));
      assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace Hopper', 'Katherine']);
    });

    await step('a bad statement shows an error on the page', async () => {
      await d.form('sql').getByLabel('SQL').fill('SELEC name FROM people');
      await d.clickFails(button(d.form('sql'), 'Run SQL'), /\[SQL\].*syntax/i);
    });

    await step('commit, branch and tag', async () => {
      await d.form('commit').getByLabel('Message').fill('three people');
      await d.click(button(d.form('commit'), 'Commit all'));
      assert.deepEqual(await d.items('db-status'), ['clean: nothing uncommitted']);
      assert.match((await d.items('db-log'))[0], /three people \(HEAD -> main\)/);

      await d.form('branch').getByLabel('Branch').fill('feature');
      await d.click(button(d.form('branch'), 'Create branch'));
      await d.form('tag').getByLabel('Tag').fill('v1');
      await d.click(button(d.form('tag'), 'Create tag'));
      const branches = await d.items('db-branches');
      assert.deepEqual(branches.map((b) => b.split(' ')[0]), ['feature', 'main']);
      assert.match(branches[1], /\(current\)/);
      assert.deepEqual((await d.items('db-tags')).map((t) => t.split(' ')[0]), ['v1']);
    });

    await step('push main to the remote', async () => {
      await d.click(button(d.panel('remote'), 'Add remote'));
      await d.click(button(d.panel('remote'), 'Push current branch'));
      assert.deepEqual((await d.items('remote-branches')).map((b) => b.split(' ')[0]), ['main']);
      assert.match(await d.text('notice'), /^Pushed main to origin: [1-9]\d* chunks, [\d.]+ \w+\.$/);
      const branches = (await d.items('db-branches')).map((b) => b.split(' ')[0]);
      assert.ok(branches.includes('origin/main'), branches.join(', '));
    });

    await step('leave changes uncommitted: a new table and an edited row', async () => {
      await d.sql("CREATE TABLE not_committed (a INT PRIMARY KEY); INSERT INTO not_committed VALUES (42); UPDATE people SET name = 'Ada Lovelace' WHERE id = 1");
      assert.deepEqual(await d.items('db-status'), ['unstaged people (modified)', 'untracked not_committed (new table)']);
    });

    let firstSync;
    await step('add a backup and sync it, twice', async () => {
      const backup = d.panel('backup');
      await d.click(button(backup, 'Add backup'));
      await d.click(button(backup, 'Sync backup'));
      const progress = page.getByTestId('progress');
      assert.ok(Number(await progress.getAttribute('data-events')) > 0, 'no progress event reached the bar');
      assert.equal(await progress.evaluate((bar) => bar.value === bar.max), true, 'the bar is not full');
      assert.equal(await d.text('progress-label'), 'Backup sync: done');
      firstSync = await d.text('last-sync');
      const [, chunks] = firstSync.match(/^Backup sync moved (\d+) chunks in \d+ table files, [\d.]+ \w+, in \d+ ms\.$/) ?? [];
      assert.ok(Number(chunks) > 0, firstSync);
      assert.equal((await d.items('snapshots')).length, 1);

      // A second snapshot after one more uncommitted row copies only the chunks that changed.
      await d.sql('INSERT INTO not_committed VALUES (43)');
      await d.click(button(backup, 'Sync backup'));
      const secondSync = await d.text('last-sync');
      const [, moreChunks] = secondSync.match(/^Backup sync moved (\d+) chunks/) ?? [];
      assert.ok(Number(moreChunks) > 0 && Number(moreChunks) < Number(chunks), `${firstSync} then ${secondSync}`);
      const snapshots = await d.items('snapshots');
      assert.equal(snapshots.length, 2, snapshots.join('\n'));
      assert.ok(snapshots.every((s) => / on main$/.test(s)), snapshots.join('\n'));
    });

    await step('destroy the database', async () => {
      await d.form('database').getByLabel('Name').fill('repo1');
      await d.click(button(db, 'Destroy'));
      assert.equal(await d.text('db-where'), 'No database open.');
      await d.clickFails(button(db, 'Open'), /\[NOT_A_DATABASE\]/);
      // The remote and the backup live in their own stores.
      assert.deepEqual((await d.items('remote-branches')).map((b) => b.split(' ')[0]), ['main']);
      assert.equal((await d.items('snapshots')).length, 2);
    });

    await step('restore it from the backup: branches, tags and uncommitted rows come back', async () => {
      const restore = d.form('restore');
      await restore.getByLabel('Into database').fill('repo1');
      await d.click(button(restore, 'Restore from backup'));
      assert.match(await d.text('db-where'), /idb:\/\/repo1 on branch main/);
      const branches = (await d.items('db-branches')).map((b) => b.split(' ')[0]);
      assert.deepEqual(branches, ['feature', 'main', 'origin/main']);
      assert.deepEqual((await d.items('db-tags')).map((t) => t.split(' ')[0]), ['v1']);
      assert.deepEqual(await d.items('db-status'), ['unstaged people (modified)', 'untracked not_committed (new table)']);
      await d.selectTable('not_committed');
      assert.deepEqual(await d.gridColumn('a'), ['42', '43']);
      await d.selectTable('people');
      assert.deepEqual(await d.gridColumn('name'), ['Ada Lovelace', 'Grace Hopper', 'Katherine']);
      assert.match(await d.text('last-sync'), /^Restore moved \d+ chunks/);
      assert.match(await d.text('notice'), /Restored snapshot \w+ into idb:\/\/repo1/);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    await step('restoring over an existing database needs force', async () => {
      const restore = d.form('restore');
      await d.clickFails(button(restore, 'Restore from backup'), /\[ALREADY_EXISTS\]/);
      await restore.getByLabel('Replace an existing database (force)').check();
      await d.click(button(restore, 'Restore from backup'));
      await restore.getByLabel('Replace an existing database (force)').uncheck();
      assert.match(await d.text('db-where'), /idb:\/\/repo1 on branch main/);
    });

    await step('clone the remote: the uncommitted rows did not travel', async () => {
      const clone = d.form('clone');
      await clone.getByLabel('Clone into').fill('clone1');
      await d.click(button(clone, 'Clone remote'));
      assert.match(await d.text('db-where'), /idb:\/\/clone1 on branch main/);
      const tables = await page.getByTestId('db-tables').getByRole('tab').allInnerTexts();
      assert.deepEqual(tables, ['people'], 'the clone has a table that was never committed');
      assert.deepEqual(await d.items('db-status'), ['clean: nothing uncommitted']);
      assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace Hopper', 'Katherine']);
      assert.deepEqual((await d.items('db-tags')), ['none'], 'a push sends no tags');
    });

    let file;
    await step('download the backup as one file', async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        button(d.panel('backup'), 'Download .cairnbak').click(),
      ]);
      await d.idle();
      assert.equal(download.suggestedFilename(), 'demo-backup.cairnbak');
      file = join(downloads, download.suggestedFilename());
      await download.saveAs(file);
      assert.ok((await stat(file)).size > 0);
      assert.match(await d.text('notice'), /Downloaded the backup as one file \(\d+ bytes\)/);
    });

    await step('restore from the uploaded file', async () => {
      const fromFile = d.form('restore-file');
      await fromFile.getByLabel('Backup file').setInputFiles(file);
      await fromFile.getByLabel('Into database').fill('fromfile');
      await d.click(button(fromFile, 'Restore from file'));
      assert.match(await d.text('db-where'), /idb:\/\/fromfile on branch main/);
      assert.deepEqual((await d.items('db-branches')).map((b) => b.split(' ')[0]), ['feature', 'main', 'origin/main']);
      assert.deepEqual((await d.items('db-tags')).map((t) => t.split(' ')[0]), ['v1']);
      assert.deepEqual(await d.items('db-status'), ['unstaged people (modified)', 'untracked not_committed (new table)']);
      await d.selectTable('not_committed');
      assert.deepEqual(await d.gridColumn('a'), ['42', '43']);
    });

    assert.deepEqual(crashes, [], 'uncaught errors in the page');
    assert.deepEqual(outside, [], 'requests beyond localhost');
  },
);
