// What the SQL box's last statement returned: its rows as a table, or how many rows it wrote.
// A long result shows its first rows only, as the grid does, to keep the page short.

import { el } from './dom.js';

const SHOWN = 100;

function rowsTable({ columns, rows }) {
  return [
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col' }, column)))),
      el('tbody', {}, rows.slice(0, SHOWN).map((row) =>
        el('tr', {}, row.map((value) => el('td', {}, value === null ? 'NULL' : String(value)))))),
    ),
    rows.length > SHOWN ? el('p', { class: 'muted' }, `The first ${SHOWN} of ${rows.length} rows.`) : undefined,
  ];
}

/** Renders the results of one `repo.sql` call (one per statement) into `container`. */
export function renderResults(container, results) {
  container.replaceChildren(
    ...results.flatMap((result) =>
      result.columns.length ? rowsTable(result) : [el('p', {}, `${result.affected ?? 0} row(s) affected`)],
    ).filter(Boolean),
  );
}
