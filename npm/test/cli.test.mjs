// The Node `cairn` bin as users run it: a child process per verb, checking what it prints
// and how it exits (0, 1 with one `error:` line, 2 for a command line that does not parse).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NODE_CAIRN, runIn, tempDir } from './helpers.mjs';

const ENV = { CAIRN_TIME_MS: '1700000000000', CAIRN_USER_NAME: 'Ada', CAIRN_USER_EMAIL: 'ada@example.com' };

test('the Node cairn bin: verbs, output, exit codes', async (t) => {
  const root = await tempDir(t);
  const db = join(root, 'repo1');
  await mkdir(db);
  const cairn = (args, cwd = db) => runIn(cwd, NODE_CAIRN, args, ENV);
  const ok = (args, cwd) => {
    const out = cairn(args, cwd);
    assert.equal(out.status, 0, `cairn ${args.join(' ')}: ${out.stderr}`);
    return out.stdout;
  };

  assert.equal(ok(['init']), 'Successfully initialized cairn data repository.\n');
  assert.equal(ok(['branch']), '* main\n');
  assert.equal(ok(['sql', '-q', 'create table t (id int primary key, name text)']), 'Query OK, 0 rows affected\n');
  assert.equal(ok(['sql', '-q', "insert into t values (1, 'one')"]), 'Query OK, 1 row affected\n');
  assert.match(ok(['status']), /Untracked files:\n.*\n\tnew table:      t\n/);
  const commit = ok(['commit', '-am', 'first']);
  assert.match(commit, /^commit [0-9a-v]{32} \(HEAD -> main\)\nAuthor: Ada <ada@example.com>\nDate:   Tue Nov 14 22:13:20 2023 \+0000\n\n\tfirst\n$/);
  assert.equal(ok(['sql', '-q', 'select * from t', '-r', 'csv']), 'id,name\n1,one\n');
  assert.equal(ok(['ls']), 'Tables in working set:\n\tt\n');
  assert.equal(ok(['checkout', '-b', 'dev']), "Switched to a new branch 'dev'\n");
  assert.equal(ok(['branch']), '* dev\n  main\n');
  assert.equal(ok(['remote', 'add', 'origin', 'file://../rem1']), '');
  assert.match(ok(['push', '--quiet', 'origin', 'dev']), /^\[new branch\]\.\.[0-9a-v]{8} dev -> dev \(\d+ chunks, .*\)\n$/);
  assert.equal(ok(['remote', '-v']), 'origin file://../rem1\n');
  ok(['backup', 'add', 'bac1', 'file://../backups/bac1']);
  const sync = cairn(['backup', 'sync', 'bac1']);
  assert.match(sync.stdout, /^synced backup 'bac1': snapshot [0-9a-v]{8}, \d+ chunks, .* written in \d+ ms\n$/);
  assert.equal(sync.stderr, '', 'no progress off a terminal');
  assert.match(ok(['backup', 'snapshots', 'bac1']), /^ID {8}TIME {28}BRANCH  ADDED +TAGS  MESSAGE\n[0-9a-v]{8}  Tue Nov 14 22:13:20 2023 \+0000  dev +[\d.]+ K?i?B\n$/);
  assert.match(ok(['backup', 'restore', 'file://backups/bac1', 'repo2'], root), /^restored snapshot [0-9a-v]{8} \(.*\) into 'repo2': /);
  assert.equal(ok(['branch', '-a'], join(root, 'repo2')), '* dev\n  main\n  remotes/origin/dev\n');

  const failed = cairn(['checkout', 'nope']);
  assert.equal(failed.status, 1);
  assert.equal(failed.stderr, "error: branch 'nope' not found\n");
  assert.equal(failed.stdout, '');
  const restoreAgain = cairn(['backup', 'restore', 'file://backups/bac1', 'repo2'], root);
  assert.equal(restoreAgain.stderr, "error: database 'repo2' already exists, use '--force' to overwrite\n");
  const notHere = cairn(['status'], root);
  assert.equal(notHere.status, 1);
  assert.match(notHere.stderr, /^error: the current directory is not a cairn database/);

  const usage = cairn(['branch', '--bogus']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^error: unexpected argument '--bogus' found\n/);
  assert.equal(cairn(['frobnicate']).status, 2);
  assert.equal(cairn(['sql', '-r', 'xml']).status, 2);
  const help = cairn(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: cairn \[OPTIONS\] <COMMAND>[\s\S]*backup +Private, full-state backups/);
  assert.match(ok(['backup', 'restore', '--help']), /--snapshot <ID>/);
});

test('the Node cairn bin: sql on a terminal is a shell, sharing the native history format', async (t) => {
  const root = await tempDir(t);
  const db = join(root, 'db');
  await mkdir(db);
  assert.equal(runIn(db, NODE_CAIRN, ['init'], ENV).status, 0);
  // A history the native shell (rustyline) wrote: its header, and a statement of two lines
  // with its newline escaped.
  writeFileSync(join(root, '.cairn_sql_history'), '#V2\nselect 6 *\\n 7 as n;\n');
  // A statement's own output, not the prompt, says it ran: readline redraws the prompt with
  // a recalled line, and keys typed while a statement runs are lost.
  const steps = [
    ['expect', 'main> '],
    ['send', '\x1b[A\r'], // the native session's statement, recalled whole
    ['expect', '| 42 |'],
    ['expect', 'main> '],
    ['send', 'select 1 +\r'],
    ['expect', '    -> '],
    ['send', '1 as two;\r'],
    ['expect', '| two |'],
    ['expect', 'main> '],
    ['send', "select 'half\r"],
    ['expect', '    -> '],
    ['send', '\x03'], // Ctrl-C drops it
    ['expect', 'main> '],
    ['send', 'quit\r'],
  ];
  const terminal = fileURLToPath(new URL('../../tests/terminal.py', import.meta.url));
  const out = runIn(db, ['python3', terminal, JSON.stringify(steps), ...NODE_CAIRN], ['sql'], { ...ENV, HOME: root });
  assert.equal(out.status, 0, out.stdout);
  assert.match(out.stdout, /\| 42 \|/);
  assert.match(out.stdout, /\| two \|\r?\n\+-+\+\r?\n\| 2 {3}\|/);
  const history = readFileSync(join(root, '.cairn_sql_history'), 'utf8');
  assert.ok(history.endsWith('select 1 +\n1 as two;\n' + "select 'half\nquit\n"), history);
});
