// Draws what the database, the remote and the backup hold. Pure rendering: app.js reads the
// state through the Repo API and hands it over.

import { byTestId, el, fillList } from './dom.js';
import { renderGrid } from './grid.js';

const short = (hash) => hash.slice(0, 8);
const when = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

function refItem(ref) {
  return el('li', { class: ref.current ? 'current' : undefined }, ref.name, ' ', el('span', { class: 'hash' }, short(ref.hash)),
    ref.current ? el('span', { class: 'muted' }, ' (current)') : undefined);
}

/** The status as one line per changed table, the way `cairn status` groups them. */
function changes(status) {
  return [
    ...status.staged.map((t) => ['staged', `${t.name} (${t.change})`]),
    ...status.unstaged.map((t) => ['unstaged', `${t.name} (${t.change})`]),
    ...status.untracked.map((name) => ['untracked', `${name} (new table)`]),
  ];
}

/**
 * The database panel: `db` is undefined when none is open, else
 * { location, branch, branches, tags, status, tables, table, page, log } (`page` as renderGrid
 * takes it).
 */
export function renderDatabase(db, { onSelectTable, onSql, onPage }) {
  const contents = byTestId('db-contents');
  contents.hidden = !db;
  if (!db) {
    byTestId('db-where').textContent = 'No database open.';
    return;
  }
  byTestId('db-where').replaceChildren(el('code', {}, db.location), ' on branch ', el('strong', {}, db.branch));
  fillList(byTestId('db-branches'), db.branches, refItem);
  fillList(byTestId('db-tags'), db.tags, refItem);
  fillList(
    byTestId('db-status'),
    changes(db.status),
    ([kind, text]) => el('li', {}, el('span', { class: 'kind' }, kind), ' ', text),
    'clean: nothing uncommitted',
  );
  byTestId('db-tables').replaceChildren(
    ...db.tables.map((name) =>
      el('button', { type: 'button', role: 'tab', 'aria-selected': String(name === db.table), onclick: () => onSelectTable(name) }, name),
    ),
    ...(db.tables.length ? [] : [el('span', { class: 'empty' }, 'No tables yet: create one with SQL below.')]),
  );
  const grid = byTestId('grid');
  if (db.table) renderGrid(grid, db.table, db.page, { onSql, onPage });
  else grid.replaceChildren();
  fillList(byTestId('db-log'), db.log, (commit) =>
    el('li', {}, el('span', { class: 'hash' }, short(commit.hash)), ' ', commit.message,
      commit.decorations.length ? ` (${commit.decorations.join(', ')})` : ''),
  );
}

/** The remote panel: { branches, tags } as the remote store holds them. */
export function renderRemote(remote) {
  fillList(byTestId('remote-branches'), remote.branches, refItem, 'nothing pushed yet');
  fillList(byTestId('remote-tags'), remote.tags, refItem);
}

/** A list of snapshots, newest first. */
function fillSnapshots(list, newestFirst) {
  fillList(list, newestFirst, (s) => el('li', {}, el('code', {}, s.id), ` ${when(s.timeMs)}, on ${s.head}`), 'no snapshots yet');
}

/** The backup panel's snapshot list and the restore form's snapshot choice, newest first. */
export function renderBackup(snapshots) {
  const newestFirst = [...snapshots].reverse();
  fillSnapshots(byTestId('snapshots'), newestFirst);
  const select = byTestId('restore-snapshot');
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '' }, 'latest'),
    ...newestFirst.map((s) => el('option', { value: s.id, selected: s.id === chosen }, `${s.id} (${when(s.timeMs)})`)),
  );
}

/** The server panel: { url, remote: { branches }, snapshots } as the server's stores hold them. */
export function renderServer(server) {
  byTestId('server-url').textContent = server.url;
  fillSnapshots(byTestId('server-snapshots'), [...server.snapshots].reverse());
  fillList(byTestId('server-branches'), server.remote.branches, refItem, 'nothing pushed yet');
}
