// The current table as an editable grid: change a cell and leave it to UPDATE that row, fill
// the last line and press "Add row" to INSERT, "Delete" to DELETE. Each edit is one SQL
// statement handed to `onSql`, so the grid changes the working set exactly as the SQL box does.
// It shows one page of rows at a time: a page of every row of a large table would be a page
// hundreds of thousands of pixels long, and slow to draw after every edit.

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

const count = new Intl.NumberFormat('en');

/** "rows 101–200 of 20,000" and the buttons that move between pages of `size` rows. */
function pager({ offset, total, size, rows }, onPage) {
  const last = Math.floor((total - 1) / size) * size;
  const go = (label, to, disabled) => el('button', { type: 'button', disabled, onclick: () => onPage(to) }, label);
  return el(
    'div',
    { class: 'row pager', 'data-testid': 'pager' },
    el('span', { 'data-testid': 'pager-count' },
      `rows ${count.format(offset + 1)}–${count.format(offset + rows.length)} of ${count.format(total)}`),
    // One group, so that a narrow panel wraps the buttons under the count together.
    el('span', { class: 'row' },
      go('First', 0, offset === 0),
      go('Previous', offset - size, offset === 0),
      go('Next', offset + size, offset === last),
      go('Last', last, offset === last)),
  );
}

/**
 * Renders `page` (rows `offset` onwards of a SELECT * of `table`, `total` in all, at most
 * `size` of them) into `container`; `onPage(offset)` asks for another page.
 */
export function renderGrid(container, table, page, { onSql, onPage }) {
  const { columns, rows, offset, total, size } = page;
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
          cellInput(column, `row ${offset + r + 1}`, row[c], (event) =>
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
          'aria-label': `Delete row ${offset + r + 1}`,
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
    ...(total > size ? [pager(page, onPage)] : []),
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
