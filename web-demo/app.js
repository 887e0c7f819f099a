// The page's controller: one open database, the demo's remote and backup, and one handler per
// control. Every handler runs through `run` (its outcome to its panel's status line) and ends
// with `refresh`, which re-reads every panel, so what the page shows is what the stores hold.

import { Repo } from 'cairn-db';
import { renderCompare } from './compare.js';
import { byTestId, moved } from './dom.js';
import { run } from './feedback.js';
import { renderBackup, renderDatabase, renderRemote, renderServer } from './panels.js';
import { AUTHOR, BACKUP, NEW_BACKUP, onServer, REMOTE } from './places.js';
import { track } from './progress.js';
import { renderResults } from './result.js';
import { ident } from './sql-text.js';
import { destroyDatabase, readRemote, readSnapshots, readSummary } from './stores.js';

/** Rows per page of the grid. */
const PAGE_SIZE = 100;

let repo;
let table;
/** The grid's first row on its current page. */
let offset = 0;
// The latest restore and clone, which the comparison panel sets side by side.
let restoredAt;
let clonedAt;

/**
 * The `cairn serve` beside the demo (`serve.mjs --with-cairn-serve`), if there is one:
 * { url, token, remote, backup }.
 */
const server = await findServer();

async function findServer() {
  try {
    const answer = await fetch('/cairn-serve.json');
    if (!answer.ok) return undefined;
    const { url, token } = await answer.json();
    return { url, token, ...onServer(url) };
  } catch {
    return undefined;
  }
}

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
  offset = 0;
  byTestId('sql-result').replaceChildren();
  if (repo) field('database', 'name').value = repo.location.replace(/^idb:\/\//, '');
}

/** The grid's page of `table`: the current one, or the last where rows were deleted under it. */
async function readPage() {
  const [{ rows: [[total]] }] = await repo.sql(`SELECT COUNT(*) FROM ${ident(table)}`);
  offset = Math.min(offset, Math.max(0, Math.ceil(total / PAGE_SIZE) - 1) * PAGE_SIZE);
  const [{ columns, rows }] = await repo.sql(`SELECT * FROM ${ident(table)} LIMIT ${PAGE_SIZE} OFFSET ${offset}`);
  return { columns, rows, offset, total, size: PAGE_SIZE };
}

async function readDatabase() {
  if (!repo) return undefined;
  const tables = await repo.ls();
  if (!tables.includes(table)) [table, offset] = [tables[0], 0];
  const [branches, tags, status, log, page] = await Promise.all([
    repo.branches({ all: true }),
    repo.tags(),
    repo.status(),
    repo.log({ limit: 8 }),
    table ? readPage() : undefined,
  ]);
  return { location: repo.location, branch: repo.currentBranch, branches, tags, status, tables, table, page, log };
}

/** A database the comparison shows: its location and what it holds, if it is still there. */
const side = async (location) => location && { location, summary: await readSummary(location) };

/** What the server's remote and backup hold, if there is a server. */
async function readServer() {
  if (!server) return undefined;
  const { url, token } = server;
  const [remote, snapshots] = await Promise.all([
    readRemote(server.remote.url, { token }),
    readSnapshots(server.backup.url, { token }),
  ]);
  return { url, remote, snapshots };
}

async function refresh() {
  const [db, remote, snapshots, restored, cloned, served] = await Promise.all([
    readDatabase(),
    readRemote(REMOTE.url),
    readSnapshots(BACKUP.url),
    side(restoredAt),
    side(clonedAt),
    readServer(),
  ]);
  const dbStatus = byTestId('status-db');
  renderDatabase(db, {
    onSelectTable: (name) => act(dbStatus, async () => { [table, offset] = [name, 0]; }, { look: true }),
    onPage: (to) => act(dbStatus, async () => { offset = to; }, { look: true }),
    onSql: (sql) => act(dbStatus, async () => {
      await needRepo().sql(sql);
      return `Ran ${sql}`;
    }),
  });
  renderRemote(remote);
  renderBackup(snapshots);
  if (served) renderServer(served);
  renderCompare(restored, cloned, { onBackUp: () => act(byTestId('status-compare'), backUpRestored) });
}

/**
 * A user action: run it, report its outcome (the message it resolves to, or its failure) in
 * `status`, then redraw from the stores whatever happened.
 */
function act(status, action, options) {
  return run(async () => {
    try {
      return await action();
    } finally {
      await refresh();
    }
  }, { status, ...options });
}

/** Binds a control, a form's submit or a `data-action` button's click, to its panel's status line. */
function on(selector, event, action) {
  const control = document.querySelector(selector);
  const status = control.closest('.panel').querySelector('.status');
  control.addEventListener(event, (e) => {
    e.preventDefault();
    act(status, action);
  });
}

on('form[data-form="database"]', 'submit', async () => {
  use(await Repo.init(placeIn('database'), { author: AUTHOR }));
  return `Created ${repo.location}: branch main at its first commit.`;
});
on('[data-action="open"]', 'click', async () => {
  use(await Repo.open(placeIn('database'), { author: AUTHOR }));
  return `Opened ${repo.location}.`;
});
on('[data-action="destroy"]', 'click', async () => {
  const target = placeIn('database');
  if (repo?.location === target) use(undefined);
  await destroyDatabase(target);
  return `Destroyed ${target}: its IndexedDB store is gone. The remote and the backup are untouched.`;
});

on('form[data-form="sql"]', 'submit', async () => {
  // Emptied first, so that a failing statement leaves no earlier result standing beside it.
  byTestId('sql-result').replaceChildren();
  renderResults(byTestId('sql-result'), await needRepo().sql(field('sql', 'sql').value));
});
on('form[data-form="commit"]', 'submit', async () => {
  const commit = await needRepo().commit({ message: field('commit', 'message').value, all: true });
  return `Committed ${commit.hash.slice(0, 8)} on ${repo.currentBranch}.`;
});
on('form[data-form="branch"]', 'submit', async () => {
  const name = field('branch', 'branch').value.trim();
  await needRepo().createBranch(name);
  return `Created branch ${name} at HEAD.`;
});
on('[data-action="checkout"]', 'click', async () => {
  const name = field('branch', 'branch').value.trim();
  await needRepo().checkout(name);
  return `Checked out ${name}.`;
});
on('form[data-form="tag"]', 'submit', async () => {
  const name = field('tag', 'tag').value.trim();
  await needRepo().createTag(name);
  return `Tagged HEAD as ${name}.`;
});

on('[data-action="add-remote"]', 'click', async () => {
  await needRepo().addRemote(REMOTE.name, REMOTE.url);
  return `Added remote ${REMOTE.name} at ${REMOTE.url}.`;
});
on('[data-action="push"]', 'click', async () => {
  const branch = needRepo().currentBranch;
  const { updated, stats } = await repo.push(REMOTE.name, branch);
  return updated ? `Pushed ${branch} to ${REMOTE.name}: ${moved(stats)}.` : `${REMOTE.name}/${branch} was already up to date.`;
});
on('form[data-form="clone"]', 'submit', async () => {
  use(await Repo.clone(REMOTE.url, placeIn('clone'), { author: AUTHOR }));
  clonedAt = repo.location;
  return `Cloned ${REMOTE.url} into ${repo.location}: commits only, no working changes.`;
});

on('[data-action="add-backup"]', 'click', async () => {
  await needRepo().addBackup(BACKUP.name, BACKUP.url);
  return `Added backup ${BACKUP.name} at ${BACKUP.url}.`;
});
on('[data-action="sync"]', 'click', async () => {
  const { result, ms } = await track('Backup sync', (onProgress) => needRepo().backupSync(BACKUP.name, { onProgress }));
  const what = result.synced
    ? `Snapshot ${result.snapshot.id} of everything: branches, tags and working changes`
    : `Nothing new since snapshot ${result.snapshot.id}`;
  return `${what}. Moved ${moved(result.stats)} in ${ms} ms.`;
});
on('form[data-form="restore"]', 'submit', async () => {
  const { result, ms } = await track('Restore', (onProgress) =>
    Repo.backupRestore(BACKUP.url, placeIn('restore'), {
      author: AUTHOR,
      snapshot: field('restore', 'snapshot').value || undefined,
      force: field('restore', 'force').checked,
      onProgress,
    }),
  );
  use(result.repo);
  restoredAt = repo.location;
  return `Restored snapshot ${result.snapshot.id} into ${restoredAt}. Moved ${moved(result.stats)} in ${ms} ms.`;
});

on('[data-action="download"]', 'click', async () => {
  // The export is a stream; the browser keeps a large Blob on disk, not in the tab's memory.
  const file = await new Response(await Repo.backupExport(BACKUP.url)).blob();
  const link = byTestId('download-link');
  URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(file);
  link.download = 'demo-backup.cairnbak';
  link.click();
  return `Downloaded the backup as one file (${file.size} bytes).`;
});
on('form[data-form="restore-file"]', 'submit', async () => {
  const [file] = field('restore-file', 'file').files;
  const { result, ms } = await track('Restore from file', (onProgress) =>
    Repo.backupRestoreFile(file, placeIn('restore-file'), { author: AUTHOR, onProgress }),
  );
  use(result.repo);
  restoredAt = repo.location;
  return `Restored ${file.name} (snapshot ${result.snapshot.id}) into ${restoredAt}. Moved ${moved(result.stats)} in ${ms} ms.`;
});

/** The server's remote or backup (`server.remote`, `server.backup`) in the open database's `list`, added if missing. */
async function configured(list, add, { name, url }) {
  if (!(await list()).some((item) => item.name === name)) await add(name, url);
  return name;
}

on('[data-action="server-sync"]', 'click', async () => {
  const name = await configured(() => needRepo().backups(), (n, u) => repo.addBackup(n, u), server.backup);
  const { result, ms } = await track('Backup sync to the server', (onProgress) =>
    repo.backupSync(name, { token: server.token, onProgress }),
  );
  const what = result.synced ? `Snapshot ${result.snapshot.id} of everything` : `Nothing new since snapshot ${result.snapshot.id}`;
  return `${what} on the server at ${server.backup.url}. Moved ${moved(result.stats)} in ${ms} ms.`;
});
on('[data-action="server-push"]', 'click', async () => {
  const name = await configured(() => needRepo().remotes(), (n, u) => repo.addRemote(n, u), server.remote);
  const branch = repo.currentBranch;
  const { updated, stats } = await repo.push(name, branch, { token: server.token });
  return updated ? `Pushed ${branch} to the server: ${moved(stats)}.` : `${name}/${branch} was already up to date.`;
});
on('[data-action="server-fetch"]', 'click', async () => {
  const name = await configured(() => needRepo().remotes(), (n, u) => repo.addRemote(n, u), server.remote);
  const stats = await repo.fetch(name, { token: server.token });
  const tracked = (await repo.branches({ all: true })).filter((b) => b.name.startsWith(`${name}/`));
  return `Fetched from the server (${moved(stats)}): ${tracked.map((b) => `${b.name} at ${b.hash.slice(0, 8)}`).join(', ')}.`;
});

/**
 * The restored database's own backup: its old one stays the original's (a backup has one
 * writer, and a restore is a new database), so it moves to a new location, opened to show it.
 */
async function backUpRestored() {
  if (repo?.location !== restoredAt) use(await Repo.open(restoredAt, { author: AUTHOR }));
  const { name, url } = NEW_BACKUP;
  if (!(await repo.backups()).some((b) => b.name === name)) await repo.addBackup(name, url);
  const { snapshot, stats } = await repo.backupSync(name);
  return `${repo.location} now backs up to ${name} at ${url}: snapshot ${snapshot.id}, ${moved(stats)}.`;
}

byTestId('panel-server').hidden = !server;
// The first drawing, its failure to the banner. `data-ready` tells a test (or a curious
// reader) the controls are live.
await run(refresh);
document.body.dataset.ready = 'true';
