// Runs in Chromium, driven by ../browser.test.mjs: one tab's Repo handle on an `idb://`
// database that another tab holds too. Each export returns plain, serialisable results.

import { Repo } from '../../src/browser.js';

const AUTHOR = { author: { name: 'Ada', email: 'ada@example.com' } };
let repo;

/** Creates `idb://NAME` with a committed, empty table `t`. */
export async function create(name) {
  const created = await Repo.init(`idb://${name}`, AUTHOR);
  await created.sql('create table t (id int primary key, who text)');
  await created.commit({ message: 'table t', all: true });
  created.close();
}

/** Opens this tab's handle, kept until the page goes. */
export async function open(name) {
  repo = await Repo.open(`idb://${name}`, AUTHOR);
}

export async function sql(query) {
  await repo.sql(query);
}

/** Commits every change after `delayMs`; resolves to its hash. */
export async function commit(message, delayMs = 0) {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return (await repo.commit({ message, all: true })).hash;
}

/** The ids in `t` of the working set, sorted. */
export async function ids() {
  const [result] = await repo.sql('select id from t');
  return result.rows.map(([id]) => id).sort((x, y) => x - y);
}

export async function log() {
  return (await repo.log()).map((c) => c.hash);
}

/** The rows the working set has and HEAD lacks. */
export async function uncommitted() {
  return (await repo.diff({ ref: 'HEAD' })).flatMap((d) => d.rows);
}
