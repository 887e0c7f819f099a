// The native `cairn` and the Node bin run one command line (cairn-cli): the same scenario,
// every verb and its error paths, through both, must print the same bytes on stdout and
// stderr and exit with the same code. Only what differs between two runs anyway is
// normalised: the scenario's folder, timings, and the random database ids.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_CAIRN, nativeCairn, runIn, tempDir } from './helpers.mjs';

const ENV = {
  CAIRN_TIME_MS: '1700000000000',
  CAIRN_USER_NAME: 'Ada',
  CAIRN_USER_EMAIL: 'ada@example.com',
  USER: 'ada',
};

// [folder under the scenario's root, arguments, standard input?]
const SCENARIO = [
  ['.', ['--help']],
  ['.', ['--version']],
  ['.', ['frobnicate']],
  ['.', ['status']],
  ['.', ['backup', 'restore', '--help']],
  ['.', ['backup', 'prune', '--help']],
  ['.', ['remote', 'rm', '--help']],
  ['db', ['init']],
  ['db', ['init']],
  ['db', ['status']],
  ['db', ['log', '-n', 'abc']],
  ['db', ['sql', '-q', 'create table t (id int primary key, name text, x double)']],
  ['db', ['sql'], "insert into t values (1, 'one', 1.5), (2, 'two', null);\n"],
  ['db', ['sql', '-q', 'select * from t', '-r', 'xml']],
  ['db', ['sql', '-q', 'select * from t']],
  ['db', ['sql', '-q', 'select * from t', '-r', 'csv']],
  ['db', ['sql', '-q', 'select * from t', '-r', 'json']],
  ['db', ['sql', '-q', 'select nope from t']],
  ['db', ['sql', '-q', 'frobnicate the table']],
  ['db', ['status']],
  ['db', ['diff']],
  ['db', ['add', 't']],
  ['db', ['diff', '--cached']],
  ['db', ['commit', '-m', 'first rows']],
  ['db', ['commit', '-m', 'nothing']],
  ['db', ['log']],
  ['db', ['branch', 'feature']],
  ['db', ['branch', 'feature']],
  ['db', ['branch', '-v']],
  ['db', ['checkout', '-b', 'dev']],
  ['db', ['checkout', 'nope']],
  ['db', ['tag', 'v1']],
  ['db', ['tag', '-v']],
  ['db', ['ls', 'v1']],
  ['db', ['reset', '--hard', 'main']],
  ['db', ['remote', 'add', 'origin', 'file://../rem']],
  ['db', ['remote', 'add', 'origin', 'file://../rem']],
  ['db', ['remote', 'add', 'bad', 'aws://bucket']],
  ['db', ['remote', '-v']],
  ['db', ['push', 'origin', 'dev']],
  ['db', ['push', 'origin', 'nope']],
  ['db', ['fetch']],
  ['db', ['pull', 'origin', 'dev']],
  ['db', ['sql', '-q', "update t set name = 'uno' where id = 1"]],
  ['db', ['commit', '-a', '-m', 'uno on dev']],
  ['db', ['checkout', 'main']],
  ['db', ['sql', '-q', "update t set name = 'ein' where id = 1; update t set x = 2.5 where id = 2"]],
  ['db', ['commit', '-a', '-m', 'ein on main']],
  ['db', ['merge', '--ff-only', 'dev']],
  ['db', ['merge', 'dev']],
  ['db', ['status']],
  ['db', ['conflicts', 'cat', 't']],
  ['db', ['commit', '-m', 'too soon']],
  ['db', ['conflicts', 'resolve', '--theirs', 't']],
  ['db', ['commit']],
  ['db', ['log', '--graph', '-n', '3']],
  ['db', ['merge', '--abort']],
  ['db', ['branch', '-d', 'feature']],
  ['db', ['branch', '-m', 'dev', 'develop']],
  ['db', ['backup', 'add', 'b', 'file://../b']],
  ['db', ['backup', 'add', 'r', 'file://../rem']],
  ['db', ['backup', '-v']],
  ['db', ['backup', 'sync', 'b']],
  ['db', ['backup', 'sync', 'b']],
  ['db', ['backup', 'sync', 'b', '--prune-with-grace-period', '5m']],
  ['db', ['backup', 'snapshots', 'b']],
  ['db', ['backup', 'verify', 'b']],
  ['db', ['backup', 'prune', 'b', '--keep-last', 'abc']],
  ['db', ['backup', 'prune', 'b', '--keep-last', '1']],
  ['db', ['backup', 'export', 'b', '../b.cairnbak']],
  ['.', ['backup', 'restore', 'file://b', 'restored']],
  ['.', ['backup', 'restore', 'file://b', 'restored']],
  ['.', ['backup', 'restore', 'b.cairnbak', 'from-file']],
  ['.', ['backup', 'restore', 'file://nowhere', 'x']],
  ['restored', ['branch', '-a']],
  ['restored', ['backup', 'sync-url', 'file://../b']],
  ['.', ['clone', 'file://rem', 'cloned']],
  ['.', ['clone', 'file://b', 'not-a-clone']],
  ['cloned', ['log', '-n', '1']],
  ['db', ['gc']],
  ['.', ['gc', 'file://rem']],
  ['db', ['fsck']],
  ['db', ['backup', 'remove', 'b']],
  ['db', ['backup', 'remove', 'b']],
  // Table import and export: files read and written in pieces through each host.
  ['db', ['table', 'export', 't', 't.csv']],
  ['db', ['table', 'export', 't', 't.csv']],
  ['db', ['table', 'import', '-c', '--pk', 'id', 't2', 't.csv']],
  ['db', ['table', 'import', '-c', 't3', 't.csv']],
  ['db', ['table', 'import', '-u', 't2', 't.csv', '--file-type', 'json']],
  ['db', ['table', 'export', 't2', '-', '--file-type', 'json']],
  ['db', ['table', 'import', '-r', 't2', '-', '--file-type', 'csv'], 'id,name,x\n7,"a, b",\n'],
  ['db', ['table', 'export', 't2', '-', '--file-type', 'csv']],
];

/** Runs the scenario with `cmd` in a fresh root; one `{ status, stdout, stderr }` a step. */
async function play(t, cmd) {
  const root = await tempDir(t);
  await mkdir(join(root, 'db'));
  const steps = [];
  for (const [folder, args, input] of SCENARIO) {
    const cwd = join(root, folder);
    const out = runIn(cwd, cmd, args, ENV, input);
    const tidy = (text) =>
      text
        .replaceAll(root, '<root>')
        .replace(/written in \d+ ms/g, 'written in <t> ms')
        .replace(/\(id [0-9a-v]{32}\)/g, '(id <id>)');
    steps.push({ args: args.join(' '), status: out.status, stdout: tidy(out.stdout), stderr: tidy(out.stderr) });
  }
  return steps;
}

test('the native binary and the Node bin print the same bytes and exit codes', async (t) => {
  const native = await play(t, [nativeCairn()]);
  const node = await play(t, NODE_CAIRN);
  for (let i = 0; i < SCENARIO.length; i++) {
    assert.deepEqual(node[i], native[i], `step ${i}: cairn ${native[i].args}`);
  }
  // The scenario reaches every kind of outcome, so the comparison means something.
  const statuses = new Set(native.map((s) => s.status));
  assert.deepEqual([...statuses].sort(), [0, 1, 2]);
});
