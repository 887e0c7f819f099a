// file:// database folders after a process died while creating one (docs/FORMAT.md, "Database
// folders"): the states it can leave, built by hand, and what opening the folder recovers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

// No process has this pid (Linux's largest is 2^22).
const DEAD = 99999999;

/** A new database in `root/name`; resolves to its `.cairn` folder and its id. */
async function database(root, name) {
  const repo = await Repo.init(`file://${join(root, name)}`);
  const id = repo.id;
  repo.close();
  return { meta: join(root, name, '.cairn'), id };
}

/** `dir`, with the old database moved aside and a new one built beside it, as `create` leaves them. */
async function diedReplacing(root, { newComplete }) {
  const dir = join(root, 'db');
  const [old, fresh] = [await database(root, 'db'), await database(root, 'fresh')];
  await rename(old.meta, join(dir, `.cairn-old-${DEAD}`));
  await rename(fresh.meta, join(dir, `.cairn-new-${DEAD}`));
  if (!newComplete) await rm(join(dir, `.cairn-new-${DEAD}`, 'config'));
  return { dir, old, fresh };
}

/** Opens `dir`; resolves to the database's id and what the folder then holds. */
async function reopen(dir) {
  const repo = await Repo.open(`file://${dir}`);
  const id = repo.id;
  repo.close();
  return { id, entries: await readdir(dir) };
}

test('killed between the two renames: opening recovers the new database', async (t) => {
  const { dir, fresh } = await diedReplacing(await tempDir(t), { newComplete: true });
  assert.deepEqual(await reopen(dir), { id: fresh.id, entries: ['.cairn'] });
});

test('killed while building the new database, the old moved aside: opening recovers the old', async (t) => {
  const { dir, old } = await diedReplacing(await tempDir(t), { newComplete: false });
  assert.deepEqual(await reopen(dir), { id: old.id, entries: ['.cairn'] });
});

test('leftovers beside a database are deleted, those of a running process kept', async (t) => {
  const root = await tempDir(t);
  const { id } = await database(root, 'db');
  const dir = join(root, 'db');
  await mkdir(join(dir, `.cairn-new-${DEAD}`, 'store'), { recursive: true });
  await mkdir(join(dir, `.cairn-old-${DEAD}`));
  await mkdir(join(dir, `.cairn-new-${process.ppid}`));
  const { id: opened, entries } = await reopen(dir);
  assert.equal(opened, id);
  assert.deepEqual(entries.sort(), ['.cairn', `.cairn-new-${process.ppid}`], 'the parent process still runs');
});

test('a create first recovers: init where a killed restore left a complete database', async (t) => {
  const { dir } = await diedReplacing(await tempDir(t), { newComplete: true });
  await assert.rejects(Repo.init(`file://${dir}`), { code: 'ALREADY_EXISTS' });
  assert.deepEqual(await readdir(dir), ['.cairn']);
});
