// The story after its climax: the restored database beside the clone, section by section
// (branches, tags, uncommitted rows, backups), with what only one side has highlighted; and the
// offer to back the restored database up to a new location, since its old backup refuses it.

import { byTestId, el } from './dom.js';
import { BACKUP, NEW_BACKUP } from './places.js';
import { literal } from './sql-text.js';

/** Changed rows listed per table; the rest are counted, so a big change stays one line. */
const ROWS_SHOWN = 3;

const tuple = (row) => `(${row.map(literal).join(', ')})`;

function rowChange(change) {
  if (change.kind === 'added') return `+ ${tuple(change.row)}`;
  if (change.kind === 'removed') return `− ${tuple(change.row)}`;
  return `${tuple(change.old)} → ${tuple(change.new)}`;
}

function tableChange(table) {
  const more = table.rows.length - ROWS_SHOWN;
  return el(
    'li',
    {},
    `${table.name} (${table.change})`,
    el('ul', {}, table.rows.slice(0, ROWS_SHOWN).map((change) => el('li', {}, rowChange(change))),
      more > 0 ? el('li', { class: 'muted' }, `and ${more} more`) : undefined),
  );
}

const ref = (r) => el('li', {}, r.name, ' ', el('span', { class: 'hash' }, r.hash.slice(0, 8)));

/** One side's sections, each a list of items; `key` names them for the test. */
function sections(summary) {
  return [
    { key: 'branches', title: 'Branches', items: summary.branches.map(ref), empty: 'none' },
    { key: 'tags', title: 'Tags', items: summary.tags.map(ref), empty: 'none' },
    { key: 'uncommitted', title: 'Uncommitted rows', items: summary.changes.map(tableChange), empty: 'none: all committed' },
    {
      key: 'backups',
      title: 'Backups',
      items: summary.backups.map((b) => el('li', {}, b.name, ' ', el('code', {}, b.url))),
      empty: 'none',
    },
  ];
}

/** One side's cell of a section, marking what the other side lacks: what a reader looks for. */
function cell(side, section, other) {
  if (!section) return el('p', { class: 'muted' }, '–');
  const elsewhere = new Set(other?.items.map((item) => item.textContent));
  for (const item of section.items) if (!elsewhere.has(item.textContent)) item.classList.add('only');
  return el(
    'ul',
    { class: 'refs', 'data-testid': `compare-${side}-${section.key}` },
    section.items.length ? section.items : el('li', { class: 'empty' }, section.empty),
  );
}

/** The restored side's way forward: a backup of its own, with why its old one will not do. */
function offer(onBackUp) {
  return el(
    'div',
    { class: 'offer' },
    el('p', {},
      `${BACKUP.name} stays the original's: a restore is a new database with an id of its own, ` +
        "and a backup takes one database's snapshots, so it refuses this one."),
    el('button', { type: 'button', onclick: onBackUp }, 'Back up to a new location'),
    ' ',
    el('code', {}, NEW_BACKUP.url),
  );
}

/** A column's heading: what the side is and where, or why there is nothing to show. */
function heading(title, location, summary, missing) {
  return el(
    'div',
    { class: 'side-head' },
    el('strong', {}, title),
    el('div', {}, location ? el('code', {}, location) : undefined,
      summary ? [' on ', el('strong', {}, summary.branch)] : ` ${missing}`),
  );
}

/**
 * Draws the panel: `restored` and `cloned` are { location, summary } (summary undefined where
 * the database is gone; `cloned` undefined before any clone); hidden before any restore.
 * `onBackUp` backs the restored database up to NEW_BACKUP.
 */
export function renderCompare(restored, cloned, { onBackUp }) {
  const panel = byTestId('panel-compare');
  panel.hidden = !restored;
  if (!restored) return;
  const left = restored.summary && sections(restored.summary);
  const right = cloned?.summary && sections(cloned.summary);
  const adopted = restored.summary?.backups.some((b) => b.url === NEW_BACKUP.url);
  byTestId('compare').replaceChildren(
    heading('Restored from the backup', restored.location, restored.summary, 'is gone'),
    heading('Cloned from the remote', cloned?.location, cloned?.summary, cloned ? 'is gone' : 'Not cloned yet.'),
    ...(left ?? right ?? []).flatMap(({ title }, i) => [
      el('h3', {}, title),
      cell('restored', left?.[i], right?.[i]),
      cell('cloned', right?.[i], left?.[i]),
    ]),
    // Under the restored side's backups, where the reader sees it has none that will take it.
    ...(restored.summary && !adopted ? [offer(onBackUp)] : []),
  );
}
