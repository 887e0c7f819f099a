// A database and its backup written from Node are private to their owner, as the native
// CLI's are: a store holds uncommitted rows, and a backup all of a database.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

/** Every file and folder under `dir` that anyone but its owner may open. */
function shared(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const info = statSync(path);
    const open = info.mode & 0o077 ? [`${path} ${(info.mode & 0o777).toString(8)}`] : [];
    return info.isDirectory() ? [...open, ...shared(path)] : open;
  });
}

test('files and folders of a database and a backup are 0600 and 0700', { skip: process.platform === 'win32' }, async (t) => {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('db'), { author: { name: 'Ada' } });
  await repo.sql('create table t (a int primary key); insert into t values (1)');
  await repo.addBackup('b', at('b'));
  await repo.backupSync('b');
  await repo.close();
  for (const dir of ['db/.cairn', 'b']) assert.deepEqual(shared(join(root, dir)), [], dir);
});
