// The current table as an editable grid: change a cell and leave it to UPDATE that row, fill
// the last line and press "Add row" to INSERT, "Delete" to DELETE. Each edit is one SQL
// statement handed to `onSql`, so the grid changes the working set exactly as the SQL box does.

import { el } from './dom.js';
import { ident, literal, rowMatch, typed } from './sql-text.js';

/** Shows a cell's value as text; NULL is an empty cell. */
function show(value) {
  if (value === null) return '';
  if (value instanceof Uint8Array) return literal(value);
  return String(value);
}

/** The first non-NULL value of a column, to tell text columns from numeric ones. */
function example(rows, i) {
  return rows.find((row) => row[i] !== null)?.[i];
}

/** Renders `result` (a SELECT * of `table`) into `container`. */
export function renderGrid(container, table, { columns, rows }, onSql) {
  const cellInput = (column, rowLabel, value, onChange) =>
    el('input', { 'aria-label': `${column}, ${rowLabel}`, value: show(value), onchange: onChange });

  const body = rows.map((row, r) =>
    el(
      'tr',
      {},
      columns.map((column, c) =>
        el(
          'td',
          {},
          cellInput(column, `row ${r + 1}`, row[c], (event) =>
            onSql(
              `UPDATE ${ident(table)} SET ${ident(column)} = ${typed(event.target.value, example(rows, c))} ` +
                `WHERE ${rowMatch(columns, row)}`,
            ),
          ),
        ),
      ),
      el(
        'td',
        {},
        el('button', {
          type: 'button',
          class: 'link',
          'aria-label': `Delete row ${r + 1}`,
          onclick: () => onSql(`DELETE FROM ${ident(table)} WHERE ${rowMatch(columns, row)}`),
        }, 'Delete'),
      ),
    ),
  );

  const fresh = columns.map((column) => cellInput(column, 'new row', null, () => {}));
  const add = () =>
    onSql(
      `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) ` +
        `VALUES (${fresh.map((input, c) => typed(input.value, example(rows, c))).join(', ')})`,
    );

  container.replaceChildren(
    el(
      'table',
      { 'aria-label': `Rows of ${table}` },
      el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col' }, column)), el('th', {}, ''))),
      el(
        'tbody',
        {},
        body,
        el('tr', { class: 'new' }, fresh.map((input) => el('td', {}, input)),
          el('td', {}, el('button', { type: 'button', class: 'link', onclick: add }, 'Add row'))),
      ),
    ),
  );
}
