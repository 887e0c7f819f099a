// The demo page in headless Chromium, driven through its controls like a newcomer would: the
// seed tutorial's story from creating a database to restoring it from a backup, then what
// follows (the restore beside a clone, a backup of its own), and a table too big for one
// screen. Each step checks what the page then shows, and that nothing sticks out sideways.
// The story runs at a desktop and at a phone width. Each run screenshots the page after the
// restored database moved to its new backup (the whole page; on the phone one screen, at the
// comparison): into the run's temporary folder, removed with it, or over docs/demo.png and
// docs/demo-phone.png with CAIRN_DEMO_SCREENSHOT=1 (how those are made).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driver, needsChromium, openDemo } from './page.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, screenshot: { file: 'demo.png' } },
  { name: 'phone', viewport: { width: 390, height: 844 }, screenshot: { file: 'demo-phone.png', at: 'panel-compare' } },
];
const screenshotPath = (file, scratch) => (process.env.CAIRN_DEMO_SCREENSHOT ? join(ROOT, 'docs', file) : join(scratch, file));

/** The whole story in a fresh browser profile at one window size. */
async function walkThrough(t, { viewport, screenshot }) {
  const { page, base, step, crashes, outside } = await openDemo(t, { viewport, acceptDownloads: true });
  const downloads = await mkdtemp(join(tmpdir(), 'cairn-demo-downloads-'));
  t.after(() => rm(downloads, { recursive: true, force: true }));

  const d = driver(page);
  const db = d.panel('db');
  const button = (scope, name) => scope.getByRole('button', { name, exact: true });
  const names = (lines) => lines.map((line) => line.split(' ')[0]);

  await step('the page loads with nothing in it', async () => {
    await page.goto(`${base}/`);
    await d.idle();
    assert.equal(await page.getByTestId('error').isVisible(), false, await d.text('error-text'));
    assert.equal(await d.text('db-where'), 'No database open.');
    assert.deepEqual(await d.items('remote-branches'), ['nothing pushed yet']);
    assert.deepEqual(await d.items('snapshots'), ['no snapshots yet']);
    assert.equal(await d.panel('compare').isVisible(), false, 'a comparison before any restore');
    await d.fits('on the empty page');
  });

  await step('create a database', async () => {
    await d.form('database').getByLabel('Name').fill('repo1');
    assert.match(await d.click(button(db, 'Create')), /^Created idb:\/\/repo1/);
    assert.match(await d.text('db-where'), /idb:\/\/repo1 on branch main/);
    assert.deepEqual(names(await d.items('db-branches')), ['main']);
    assert.deepEqual(await d.items('db-status'), ['clean: nothing uncommitted']);
    assert.equal((await d.items('db-log')).length, 1);
    assert.match(await d.text('db-tables'), /No tables yet/);
    await d.fits('with "No tables yet"');
  });

  await step('create a table with SQL and edit its rows in the grid', async () => {
    await d.sql("CREATE TABLE people (id INT PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace')");
    assert.match(await d.text('sql-result'), /2 row\(s\) affected/);
    await d.selectTable('people');
    assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace']);
    assert.deepEqual(await d.items('db-status'), ['untracked people (new table)']);

    // Edit a cell: the change event runs an UPDATE, which the panel names; the grid is redrawn
    // from the store.
    await d.cell('name', 'row 2').fill('Grace Hopper');
    await d.cell('name', 'row 2').press('Tab');
    await d.idle();
    assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace Hopper']);
    assert.match((await d.status('db')).text, /^Ran UPDATE people SET name = 'Grace Hopper' WHERE /);

    for (const [id, name] of [['3', 'Katherine'], ['4', 'Typo']]) {
      await d.cell('id', 'new row').fill(id);
      await d.cell('name', 'new row').fill(name);
      await d.click(button(db, 'Add row'));
    }
    assert.deepEqual(await d.gridColumn('id'), ['1', '2', '3', '4']);
    await d.click(db.getByRole('button', { name: 'Delete row 4' }));
    assert.deepEqual(await d.gridColumn('name'), ['Ada', 'Grace Hopper', 'Katherine']);
    assert.equal(await page.getByTestId('pager').count(), 0, 'a pager for three rows');
  });

  await step('a bad statement replaces the last result with its error, and a good one clears it', async () => {
    await d.sql('SELECT name FROM people WHERE id = 1');
    assert.match(await d.text('sql-result'), /Ada/);
    await d.form('sql').getByLabel('SQL').fill('SELEC name FROM people');
    await d.clickFails(button(d.form('sql'), 'Run SQL'), /\[SQL\].*syntax/i);
    assert.equal(await d.text('sql-result'), '', 'the earlier result is still shown beside the failure');
    await d.fits('with a failure in the database panel');
    await d.sql('SELECT name FROM people WHERE id = 2');
    assert.match(await d.text('sql-result'), /Grace Hopper/);
    assert.deepEqual(await d.status('db'), { state: 'ok', text: '' }, 'the failure is still shown after a success');
  });

  await step('commit, branch and tag', async () => {
    await d.form('commit').getByLabel('Message').fill('three people');
    assert.match(await d.click(button(d.form('commit'), 'Commit all')), /^Committed \w{8} on main\.$/);
    assert.deepEqual(await d.items('db-status'), ['clean: nothing uncommitted']);
    assert.match((await d.items('db-log'))[0], /three people \(HEAD -> main\)/);

    await d.form('branch').getByLabel('Branch').fill('feature');
    await d.click(button(d.form('branch'), 'Create branch'));
    await d.form('tag').getByLabel('Tag').fill('v1');
    await d.click(button(d.form('tag'), 'Create tag'));
    const branches = await d.items('db-branches');
    assert.deepEqual(names(branches), ['feature', 'main']);
    assert.match(branches[1], /\(current\)/);
    assert.deepEqual(names(await d.items('db-tags')), ['v1']);
  });

  await step('push main to the remote', async () => {
    await d.click(button(d.panel('remote'), 'Add remote'));
    const pushed = await d.click(button(d.panel('remote'), 'Push current branch'));
    assert.match(pushed, /^Pushed main to origin: [1-9]\d* chunks in \d+ table files, [\d.]+ \w+\.$/);
    assert.deepEqual(names(await d.items('remote-branches')), ['main']);
    assert.ok(names(await d.items('db-branches')).includes('origin/main'));
  });

  await step('leave changes uncommitted: a new table and an edited row', async () => {
    await d.sql("CREATE TABLE not_committed (a INT PRIMARY KEY); INSERT INTO not_committed VALUES (42); UPDATE people SET name = 'Ada Lovelace' WHERE id = 1");
    assert.deepEqual(await d.items('db-status'), ['unstaged people (modified)', 'untracked not_committed (new table)']);
  });

  await step('add a backup and sync it, twice', async () => {
    const backup = d.panel('backup');
    await d.click(button(backup, 'Add backup'));
    const firstSync = await d.click(button(backup, 'Sync backup'));
    const progress = page.getByTestId('progress');
    assert.ok(Number(await progress.getAttribute('data-events')) > 0, 'no progress event reached the bar');
    assert.equal(await progress.evaluate((bar) => bar.value === bar.max), true, 'the bar is not full');
    assert.equal(await d.text('progress-label'), 'Backup sync: done');
    const syncLine = /^Snapshot \w{8} of everything: branches, tags and working changes\. Moved (\d+) chunks in \d+ table files, [\d.]+ \w+ in \d+ ms\.$/;
    const [, chunks] = firstSync.match(syncLine) ?? [];
    assert.ok(Number(chunks) > 0, firstSync);
    assert.equal((await d.items('snapshots')).length, 1);

    // A second snapshot after one more uncommitted row copies only the chunks that changed.
    await d.sql('INSERT INTO not_committed VALUES (43)');
    const secondSync = await d.click(button(backup, 'Sync backup'));
    const [, moreChunks] = secondSync.match(syncLine) ?? [];
    assert.ok(Number(moreChunks) > 0 && Number(moreChunks) < Number(chunks), `${firstSync} then ${secondSync}`);
    const snapshots = await d.items('snapshots');
    assert.equal(snapshots.length, 2, snapshots.join('\n'));
    assert.ok(snapshots.every((s) => / on main$/.test(s)), snapshots.join('\n'));
    // Two snapshots make the restore form's choice as wide as it gets.
    assert.equal(await page.getByTestId('restore-snapshot').locator('option').count(), 3);
    await d.fits('with snapshots to choose from');
  });

  await step('destroy the database', async () => {
    await d.form('database').getByLabel('Name').fill('repo1');
    await d.click(button(db, 'Destroy'));
    assert.equal(await d.text('db-where'), 'No database open.');
    await d.clickFails(button(db, 'Open'), /\[NOT_A_DATABASE\]/);
    // The remote and the backup live in their own stores.
    assert.deepEqual(names(await d.items('remote-branches')), ['main']);
    assert.equal((await d.items('snapshots')).length, 2);
  });

  await step('restore it from the backup: branches, tags and uncommitted rows come back', async () => {
    const restore = d.form('restore');
    await restore.getByLabel('Into database').fill('repo1');
    const restored = await d.click(button(restore, 'Restore from backup'));
    assert.match(restored, /^Restored snapshot \w{8} into idb:\/\/repo1\. Moved \d+ chunks/);
    assert.match(await d.text('db-where'), /idb:\/\/repo1 on branch main/);
    assert.deepEqual(names(await d.items('db-branches')), ['feature', 'main', 'origin/main']);
    assert.deepEqual(names(await d.items('db-tags')), ['v1']);
    assert.deepEqual(await d.items('db-status'), ['unstaged people (modified)', 'untracked not_committed (new table)']);
    await d.selectTable('not_committed');
    assert.deepEqual(await d.gridColumn('a'), ['42', '43']);
    await d.selectTable('people');
    assert.deepEqual(await d.gridColumn('name'), ['Ada Lovelace', 'Grace Hopper', 'Katherine']);

    // The story goes on: the restored database, waiting for a clone to stand beside.
    assert.equal(await d.panel('compare').isVisible(), true, 'no comparison after a restore');
    assert.match(await d.text('compare'), /Not cloned yet/);
    assert.deepEqual((await d.compared('restored', 'branches')).all, ['feature', 'main', 'origin/main']);
    assert.ok(await button(d.panel('compare'), 'Back up to a new location').isVisible());
    await d.fits('after a restore');
  });

  await step('restoring over an existing database needs force; each outcome replaces the last', async () => {
    const restore = d.form('restore');
    const failure = await d.clickFails(button(restore, 'Restore from backup'), /\[ALREADY_EXISTS\]/);
    assert.doesNotMatch(failure, /Restored/, 'the earlier success is still shown');
    assert.equal(await d.text('progress-label'), 'Restore: failed');
    await d.fits('with a failure in the backup panel');
    await restore.getByLabel('Replace an existing database (force)').check();
    assert.match(await d.click(button(restore, 'Restore from backup')), /^Restored snapshot/);
    await restore.getByLabel('Replace an existing database (force)').uncheck();
    assert.equal((await d.status('backup')).state, 'ok');
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
    assert.deepEqual(await d.items('db-tags'), ['none'], 'a push sends no tags');
  });

  await step('the restored database beside the clone: what only the backup kept stands out', async () => {
    const headings = await d.panel('compare').locator('.side-head').allInnerTexts();
    assert.match(headings[0], /Restored from the backup\s+idb:\/\/repo1 on main/);
    assert.match(headings[1], /Cloned from the remote\s+idb:\/\/clone1 on main/);
    assert.deepEqual(await d.compared('restored', 'branches'), { all: ['feature', 'main', 'origin/main'], only: ['feature'] });
    assert.deepEqual(await d.compared('cloned', 'branches'), { all: ['main', 'origin/main'], only: [] });
    assert.deepEqual(await d.compared('restored', 'tags'), { all: ['v1'], only: ['v1'] });
    assert.deepEqual((await d.compared('cloned', 'tags')).all, ['none']);
    assert.deepEqual(await d.compared('restored', 'uncommitted'), { all: ['not_committed', 'people'], only: ['not_committed', 'people'] });
    assert.deepEqual((await d.compared('cloned', 'uncommitted')).all, ['none:']);
    const rows = await page.getByTestId('compare-restored-uncommitted').innerText();
    assert.match(rows, /\+ \(42\)[\s\S]*\+ \(43\)/);
    assert.match(rows, /\(1, 'Ada'\) → \(1, 'Ada Lovelace'\)/);
    await d.fits('with the comparison');
  });

  await step('back the restored database up to a new location', async () => {
    const done = await d.click(button(d.panel('compare'), 'Back up to a new location'));
    assert.match(done, /^idb:\/\/repo1 now backs up to backup2 at idb:\/\/demo-backup2: snapshot \w{8}, [1-9]\d* chunks/);
    assert.match(await d.text('db-where'), /idb:\/\/repo1 on branch main/, 'the restored database is not the one shown');
    assert.deepEqual((await d.compared('restored', 'backups')).all, ['backup2']);
    assert.equal(await button(d.panel('compare'), 'Back up to a new location').count(), 0, 'still offered once done');
    await d.fits('after the new backup');
    if (screenshot.at) await page.getByTestId(screenshot.at).evaluate((panel) => panel.scrollIntoView());
    await page.screenshot({ path: screenshotPath(screenshot.file, downloads), fullPage: !screenshot.at });
  });

  await step('the old backup stays the original database\'s: it refuses the restored one', async () => {
    const backup = d.panel('backup');
    await d.click(button(backup, 'Add backup'));
    await d.clickFails(button(backup, 'Sync backup'), /\[OWNED_BY_OTHER\]/);
    assert.equal(await d.text('progress-label'), 'Backup sync: failed');
    assert.equal((await d.items('snapshots')).length, 2);
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
    assert.match((await d.status('backup')).text, /^Downloaded the backup as one file \(\d+ bytes\)\.$/);
  });

  await step('restore from the uploaded file', async () => {
    const fromFile = d.form('restore-file');
    await fromFile.getByLabel('Backup file').setInputFiles(file);
    await fromFile.getByLabel('Into database').fill('fromfile');
    await d.click(button(fromFile, 'Restore from file'));
    assert.match(await d.text('db-where'), /idb:\/\/fromfile on branch main/);
    assert.deepEqual(names(await d.items('db-branches')), ['feature', 'main', 'origin/main']);
    assert.deepEqual(names(await d.items('db-tags')), ['v1']);
    assert.deepEqual(await d.items('db-status'), ['unstaged people (modified)', 'untracked not_committed (new table)']);
    await d.selectTable('not_committed');
    assert.deepEqual(await d.gridColumn('a'), ['42', '43']);
    // The latest restore is the one compared.
    assert.match((await d.panel('compare').locator('.side-head').allInnerTexts())[0], /idb:\/\/fromfile/);
  });

  await step('20,000 rows: the grid shows one page at a time', async () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `(${i + 1}, 'row ${i + 1}')`);
    await d.sql(`CREATE TABLE many (id INT PRIMARY KEY, label TEXT); INSERT INTO many VALUES ${values.join(', ')}`);
    await d.selectTable('many');
    const pager = page.getByTestId('pager');
    const rendered = () => page.getByTestId('grid').locator('tbody tr').count();
    assert.equal(await d.text('pager-count'), 'rows 1–100 of 20,000');
    assert.equal(await rendered(), 101, 'a page of 100 rows and the new-row line');
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 12_000, `the page is ${height} px long`);
    await d.fits('with a page of 20,000 rows');

    await d.click(button(pager, 'Next'));
    assert.equal(await d.text('pager-count'), 'rows 101–200 of 20,000');
    assert.deepEqual((await d.gridColumn('id', 101)).slice(0, 2), ['101', '102']);
    assert.equal(await rendered(), 101);
    // An edit on page 2 stays on page 2.
    await d.cell('label', 'row 150').fill('edited');
    await d.cell('label', 'row 150').press('Tab');
    await d.idle();
    assert.equal(await d.text('pager-count'), 'rows 101–200 of 20,000');
    assert.equal(await d.cell('label', 'row 150').inputValue(), 'edited');
    await d.click(button(pager, 'Previous'));
    assert.equal(await d.text('pager-count'), 'rows 1–100 of 20,000');
    assert.equal(await button(pager, 'Previous').isDisabled(), true);

    await d.click(button(pager, 'Last'));
    assert.equal(await d.text('pager-count'), 'rows 19,901–20,000 of 20,000');
    assert.equal(await button(pager, 'Next').isDisabled(), true);
    // Rows deleted under the last page: the grid moves back to what is now the last one.
    await d.sql('DELETE FROM many WHERE id > 19900');
    assert.equal(await d.text('pager-count'), 'rows 19,801–19,900 of 19,900');
    assert.deepEqual((await d.gridColumn('id', 19_801)).at(-1), '19900');
    await d.click(button(pager, 'First'));
    assert.deepEqual((await d.gridColumn('id')).slice(0, 1), ['1']);
    // The comparison lists a few of the restored database's uncommitted rows, not all of them.
    assert.match(await page.getByTestId('compare-restored-uncommitted').innerText(), /and 19897 more/);
  });

  assert.deepEqual(crashes, [], 'uncaught errors in the page');
  assert.deepEqual(outside, [], 'requests beyond localhost');
}

for (const width of WIDTHS) {
  test(
    `web demo at ${width.name} width (${width.viewport.width}×${width.viewport.height}): the backup story, clicked through in Chromium`,
    { skip: needsChromium, timeout: 300_000 },
    (t) => walkThrough(t, width),
  );
}
