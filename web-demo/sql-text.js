// SQL text for the grid's edits. The SQL subset has no DESCRIBE, so the grid cannot know a
// table's primary key: an edit names its row by every column's old value, which only that
// row has, since rows are unique by their key.

/** A column or table name, back-quoted unless it is a plain identifier. */
export function ident(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

/** A value as a SQL literal. */
export function literal(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Uint8Array) return `X'${[...value].map((b) => b.toString(16).padStart(2, '0')).join('')}'`;
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * What a user typed into a cell, as a literal: empty is NULL; a number stays a number unless
 * the column holds text (`example` is a value from the same column, if any).
 */
export function typed(text, example) {
  if (text === '') return 'NULL';
  if (typeof example !== 'string' && /^-?\d+(\.\d+)?$/.test(text.trim())) return text.trim();
  return literal(text);
}

/** A WHERE condition that matches exactly this row. */
export function rowMatch(columns, row) {
  return columns
    .map((column, i) => (row[i] === null ? `${ident(column)} IS NULL` : `${ident(column)} = ${literal(row[i])}`))
    .join(' AND ');
}
