// What the CLI's push (`REMOTE TAG`, `--tags`, `-u`) and `config` do, through the Repo API:
// the same core functions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CairnError, Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

const FIXED = { now: () => 1_700_000_000_000, author: { name: 'Ada', email: 'ada@example.com' } };

async function fails(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof CairnError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('push sends tags and records upstreams', async (t) => {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('db'), FIXED);
  await repo.sql('create table t (id int primary key)');
  await repo.commit({ message: 'one', all: true });
  await repo.createTag('v1');
  await repo.addRemote('origin', 'file://../remote');
  assert.equal(await repo.upstream(), null);
  await fails(repo.push(undefined), 'BRANCH_NOT_FOUND');

  const first = await repo.push('origin', 'main', { setUpstream: true });
  assert.equal(first.updated, true);
  assert.deepEqual(first.refs.map((r) => [r.name, r.kind]), [['main', 'branch']]);
  assert.equal(first.new, first.refs[0].new);
  assert.deepEqual(await repo.upstream(), { remote: 'origin', branch: 'main' });
  assert.deepEqual(await repo.upstream('main'), { remote: 'origin', branch: 'main' });

  const tags = await repo.push('origin', undefined, { tags: true });
  assert.equal(tags.updated, true);
  assert.deepEqual(tags.refs.map((r) => [r.name, r.kind]), [['v1', 'tag']]);
  assert.equal(tags.new, undefined, 'no branch was asked for');

  // A tag by name, to the upstream's remote.
  await repo.createTag('v2');
  const one = await repo.push(undefined, 'v2');
  assert.deepEqual(one.refs.map((r) => r.name), ['v2']);
  assert.equal(one.new, one.refs[0].new);
  assert.equal((await repo.push(undefined)).updated, false, 'main is up to date');
  await fails(repo.push('origin', 'nope'), 'REF_NOT_FOUND');

  await repo.createBranch('dev');
  assert.equal(await repo.upstream('dev'), null);
  await repo.setUpstream('dev', 'origin');
  assert.deepEqual(await repo.upstream('dev'), { remote: 'origin', branch: 'dev' });
  await fails(repo.setUpstream('dev', 'nope'), 'REMOTE_NOT_FOUND');
  await fails(repo.setUpstream('nope', 'origin'), 'BRANCH_NOT_FOUND');
  await repo.close();
});

test('config reads, sets, lists and unsets user.name and user.email', async (t) => {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('db'), FIXED);
  await repo.setConfig('user.name', 'Grace');
  await repo.setConfig('USER.EMAIL', 'grace@example.com');
  assert.equal(await repo.getConfig('user.name'), 'Grace');
  assert.equal(await repo.getConfig('User.Email'), 'grace@example.com');
  await repo.addRemote('origin', 'file://../remote');
  const list = await repo.listConfig();
  assert.equal(list['user.name'], 'Grace');
  assert.equal(list['user.email'], 'grace@example.com');
  assert.equal(list['remote.origin.url'], 'file://../remote');
  await repo.unsetConfig('user.name');
  assert.equal(await repo.getConfig('user.name'), undefined);
  await fails(repo.unsetConfig('user.name'), 'INVALID_ARGUMENT');
  await fails(repo.setConfig('core.editor', 'vi'), 'INVALID_ARGUMENT');
  await fails(repo.setConfig('user.name', 'two\nlines'), 'INVALID_ARGUMENT');
  await repo.close();
  // Kept in the database's config, where the CLI reads it too.
  const again = await Repo.open(at('db'));
  assert.equal(await again.getConfig('user.email'), 'grace@example.com');
  assert.equal(await again.getConfig('user.name'), undefined);
  await again.close();
});
