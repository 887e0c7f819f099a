// What the SQL box's last statement returned: its rows as a table, or how many rows it wrote.

import { el } from './dom.js';

/** Renders the results of one `repo.sql` call (one per statement) into `container`. */
export function renderResults(container, results) {
  container.replaceChildren(
    ...results.map((result) =>
      result.columns.length
        ? el(
            'table',
            {},
            el('thead', {}, el('tr', {}, result.columns.map((column) => el('th', { scope: 'col' }, column)))),
            el('tbody', {}, result.rows.map((row) => el('tr', {}, row.map((value) => el('td', {}, value === null ? 'NULL' : String(value)))))),
          )
        : el('p', {}, `${result.affected ?? 0} row(s) affected`),
    ),
  );
}
