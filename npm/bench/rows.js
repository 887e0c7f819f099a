// The million-row benchmark's SQL (as cairn-bench writes it): one INSERT, an int key and
// three columns. Used in Node and in the browser.

export const CREATE = 'create table t (id int primary key, a int, b varchar(20), c double)';

export function insertRows(count) {
  const rows = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = `(${i},${(i * 7) % 1000},'name-${i}',${i % 997}.5)`;
  return `insert into t values ${rows.join(',')}`;
}
