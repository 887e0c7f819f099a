// The page's controller: one open database, the demo's remote and backup, and one handler per
// control. Every handler runs through `run` (errors to the banner) and ends with `refresh`,
// which re-reads all three panels, so what the page shows is what the stores hold.

import { Repo } from 'cairn-db';
import { byTestId, formatBytes } from './dom.js';
import { run, say } from './feedback.js';
import { renderBackup, renderDatabase, renderRemote } from './panels.js';
import { track } from './progress.js';
import { renderResults } from './result.js';
import { ident } from './sql-text.js';
import { destroyDatabase, readRemote, readSnapshots } from './stores.js';

const REMOTE = { name: 'origin', url: 'idb://demo-remote' };
const BACKUP = { name: 'backup1', url: 'idb://demo-backup' };
const AUTHOR = { name: 'Demo', email: 'demo@localhost' };

let repo;
let table;

const form = (name) => document.querySelector(`form[data-form="${name}"]`);
const field = (formName, fieldName) => form(formName).elements[fieldName];
/** The idb:// location a form's database name field names. */
const placeIn = (formName) => `idb://${field(formName, 'name').value.trim()}`;

function needRepo() {
  if (!repo) throw Object.assign(new Error('No database is open: create or open one first.'), { code: 'NO_DATABASE' });
  return repo;
}

/** Makes `next` the open database, releasing the previous one. */
function use(next) {
  repo?.close();
  repo = next;
  table = undefined;
  byTestId('sql-result').replaceChildren();
  if (repo) field('database', 'name').value = repo.location.replace(/^idb:\/\//, '');
}

async function readDatabase() {
  if (!repo) return undefined;
  const tables = await repo.ls();
  if (!tables.includes(table)) table = tables[0];
  const [branches, tags, status, log, rows] = await Promise.all([
    repo.branches({ all: true }),
    repo.tags(),
    repo.status(),
    repo.log({ limit: 8 }),
    table ? repo.sql(`SELECT * FROM ${ident(table)}`).then(([result]) => result) : undefined,
  ]);
  return { location: repo.location, branch: repo.currentBranch, branches, tags, status, tables, table, rows, log };
}

async function refresh() {
  const [db, remote, snapshots] = await Promise.all([readDatabase(), readRemote(REMOTE.url), readSnapshots(BACKUP.url)]);
  renderDatabase(db, {
    onSelectTable: (name) => act(async () => { table = name; }, { look: true }),
    onSql: (sql) => act(() => needRepo().sql(sql)),
  });
  renderRemote(remote);
  renderBackup(snapshots);
}

/** A user action: run it, show any error, then redraw from the stores whatever happened. */
function act(action, options) {
  return run(async () => {
    try {
      await action();
    } finally {
      await refresh();
    }
  }, options);
}

/** Binds a control: a form's submit or a `data-action` button's click. */
function on(selector, event, action) {
  document.querySelector(selector).addEventListener(event, (e) => {
    e.preventDefault();
    act(action);
  });
}

on('form[data-form="database"]', 'submit', async () => {
  use(await Repo.init(placeIn('database'), { author: AUTHOR }));
  say(`Created ${repo.location}: branch main at its first commit.`);
});
on('[data-action="open"]', 'click', async () => {
  use(await Repo.open(placeIn('database'), { author: AUTHOR }));
  say(`Opened ${repo.location}.`);
});
on('[data-action="destroy"]', 'click', async () => {
  const target = placeIn('database');
  if (repo?.location === target) use(undefined);
  await destroyDatabase(target);
  say(`Destroyed ${target}: its IndexedDB store is gone. The remote and the backup are untouched.`);
});

on('form[data-form="sql"]', 'submit', async () => {
  const results = await needRepo().sql(field('sql', 'sql').value);
  renderResults(byTestId('sql-result'), results);
});
on('form[data-form="commit"]', 'submit', async () => {
  const commit = await needRepo().commit({ message: field('commit', 'message').value, all: true });
  say(`Committed ${commit.hash.slice(0, 8)} on ${repo.currentBranch}.`);
});
on('form[data-form="branch"]', 'submit', async () => {
  const name = field('branch', 'branch').value.trim();
  await needRepo().createBranch(name);
  say(`Created branch ${name} at HEAD.`);
});
on('[data-action="checkout"]', 'click', async () => {
  const name = field('branch', 'branch').value.trim();
  await needRepo().checkout(name);
  say(`Checked out ${name}.`);
});
on('form[data-form="tag"]', 'submit', async () => {
  const name = field('tag', 'tag').value.trim();
  await needRepo().createTag(name);
  say(`Tagged HEAD as ${name}.`);
});

on('[data-action="add-remote"]', 'click', async () => {
  await needRepo().addRemote(REMOTE.name, REMOTE.url);
  say(`Added remote ${REMOTE.name} at ${REMOTE.url}.`);
});
on('[data-action="push"]', 'click', async () => {
  const branch = needRepo().currentBranch;
  const { updated, stats } = await repo.push(REMOTE.name, branch);
  const moved = stats ? `: ${stats.chunks} chunks, ${formatBytes(stats.bytes)}` : '';
  say(updated ? `Pushed ${branch} to ${REMOTE.name}${moved}.` : `${REMOTE.name}/${branch} was already up to date.`);
});
on('form[data-form="clone"]', 'submit', async () => {
  use(await Repo.clone(REMOTE.url, placeIn('clone'), { author: AUTHOR }));
  say(`Cloned ${REMOTE.url} into ${repo.location}: commits only, no working changes.`);
});

on('[data-action="add-backup"]', 'click', async () => {
  await needRepo().addBackup(BACKUP.name, BACKUP.url);
  say(`Added backup ${BACKUP.name} at ${BACKUP.url}.`);
});
on('[data-action="sync"]', 'click', async () => {
  const result = await track(
    'Backup sync',
    (onProgress) => needRepo().backupSync(BACKUP.name, { onProgress }),
    (r) => ({ stats: r.stats, note: r.synced ? '' : 'nothing new since the last snapshot' }),
  );
  say(`Snapshot ${result.snapshot.id} of everything: branches, tags and working changes.`);
});
on('form[data-form="restore"]', 'submit', async () => {
  const restored = await track(
    'Restore',
    (onProgress) =>
      Repo.backupRestore(BACKUP.url, placeIn('restore'), {
        author: AUTHOR,
        snapshot: field('restore', 'snapshot').value || undefined,
        force: field('restore', 'force').checked,
        onProgress,
      }),
    (r) => ({ stats: r.stats }),
  );
  use(restored.repo);
  say(`Restored snapshot ${restored.snapshot.id} into ${repo.location}.`);
});

on('[data-action="download"]', 'click', async () => {
  const file = await Repo.backupExport(BACKUP.url);
  const link = byTestId('download-link');
  URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(file);
  link.download = 'demo-backup.cairnbak';
  link.click();
  say(`Downloaded the backup as one file (${file.size} bytes).`);
});
on('form[data-form="restore-file"]', 'submit', async () => {
  const [file] = field('restore-file', 'file').files;
  const restored = await track(
    'Restore from file',
    (onProgress) => Repo.backupRestoreFile(file, placeIn('restore-file'), { author: AUTHOR, onProgress }),
    (r) => ({ stats: r.stats }),
  );
  use(restored.repo);
  say(`Restored ${file.name} (snapshot ${restored.snapshot.id}) into ${repo.location}.`);
});

// The first drawing. `data-ready` tells a test (or a curious reader) the controls are live.
await act(async () => {});
document.body.dataset.ready = 'true';
