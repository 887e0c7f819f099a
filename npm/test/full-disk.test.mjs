// A full disk under the Node fs adapter (tests/full_disk.rs does the same for the native CLI):
// the Node `cairn` bin on a real tmpfs, mounted in a user and mount namespace of its own
// (`unshare`, no root needed), filled to a few KiB. A write that does not fit fails with one
// line naming the cause, leaves no partial file, loses nothing, and succeeds once there is room.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NODE_CAIRN, runIn, tempDir } from './helpers.mjs';

const ENV = { CAIRN_USER_NAME: 'Ada', CAIRN_USER_EMAIL: 'ada@example.com' };

/** A tmpfs of `size` on a new folder; `run(cwd, cmd, args)` runs a program that sees it. */
async function smallDisk(t, size) {
  const dir = await tempDir(t);
  // The holder keeps the namespace (and the mount) while this process lives, however it ends.
  const script = `mount -t tmpfs -o size=${size} tmpfs '${dir}' && echo mounted && while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`;
  const holder = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => holder.kill());
  let stderr = '';
  holder.stderr.on('data', (d) => (stderr += d));
  const [line] = await Promise.race([once(createInterface({ input: holder.stdout }), 'line'), once(holder, 'exit').then(() => [''])]);
  assert.equal(line, 'mounted', `could not mount a tmpfs in a user and mount namespace (unshare -Urm; are user namespaces enabled?): ${stderr}`);
  // The folder is entered inside the namespace: outside, it is the empty folder under the mount.
  const enter = ['nsenter', '-t', String(holder.pid), '--user', '--mount', '--preserve-credentials', '--', 'sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh'];
  const run = (cwd, [program, ...lead], args) => runIn(dir, enter, [cwd, program, ...lead, ...args], ENV);
  const sh = (script) => {
    const out = run(dir, ['sh', '-c'], [script]);
    assert.equal(out.status, 0, `${script}: ${out.stderr}`);
    return out.stdout;
  };
  return {
    dir,
    sh,
    cairn: (cwd, args) => run(cwd, NODE_CAIRN, args),
    /** Fills the disk but for about `kib` KiB. */
    fillLeaving: (kib) => sh(`rm -f filler; cat /dev/zero > filler 2>/dev/null; truncate -s -${kib}K filler`),
    /** Files under `folder` named like a write in progress. */
    temporaryFiles: (folder) => sh(`find ${folder} -name '.tmp-*'`),
  };
}

/** A value of `len` letters that zstd cannot shrink much. */
function noise(seed, len) {
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  let out = '';
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += String.fromCharCode(97 + (x % 26));
  }
  return out;
}

// Free space in steps from none to more than one write needs: each step of a write (the table
// file, the manifest) fails in turn, then the write fits.
const LEAVE_KIB = [0, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256];

test('a full disk fails a write or a backup sync from Node in one line and loses nothing', async (t) => {
  const disk = await smallDisk(t, '16m');
  const db = join(disk.dir, 'db');
  disk.sh('mkdir db');
  const ok = (args, cwd = db) => {
    const out = disk.cairn(cwd, args);
    assert.equal(out.status, 0, `cairn ${args.join(' ')}: ${out.stderr}`);
    return out.stdout;
  };
  // Whether the command succeeded; if not, it must have failed in one line for want of space.
  const fits = (out, what) => {
    if (out.status === 0) return true;
    assert.equal(out.status, 1, `${what}: ${out.stdout}${out.stderr}`);
    assert.match(out.stderr, /^error: [^\n]*no space left on device[^\n]*\n$/i, what);
    return false;
  };
  const rows = (cwd = db) => Number(ok(['sql', '-q', 'select count(*) from t', '-r', 'csv'], cwd).trim().split('\n').pop());

  ok(['init']);
  ok(['sql', '-q', 'create table t (id int primary key, v text)']);
  ok(['commit', '-am', 't']);
  ok(['backup', 'add', 'bk', `file://${disk.dir}/bk`]);
  ok(['backup', 'sync', 'bk']);

  let [want, failed] = [0, 0];
  for (const [i, kib] of LEAVE_KIB.entries()) {
    disk.fillLeaving(kib);
    const out = disk.cairn(db, ['sql', '-q', `insert into t values (${i}, '${noise(i, 6000)}')`]);
    if (fits(out, `insert with ${kib} KiB free`)) want += 1;
    else failed += 1;
    assert.equal(rows(), want, `${kib} KiB free`);
    assert.equal(disk.temporaryFiles('db'), '', `${kib} KiB free`);
    assert.match(ok(['fsck']), /no problems found/, `${kib} KiB free`);
  }
  assert.ok(failed > 0 && want > 0, `${failed} inserts failed, ${want} went in`);

  disk.sh('rm filler');
  for (let i = 0; i < 8; i++) ok(['sql', '-q', `insert into t values (${100 + i}, '${noise(100 + i, 6000)}')`]);
  let synced = 0;
  failed = 0;
  for (const kib of LEAVE_KIB) {
    disk.fillLeaving(kib);
    if (fits(disk.cairn(db, ['backup', 'sync', 'bk']), `backup sync with ${kib} KiB free`)) synced += 1;
    else failed += 1;
    assert.equal(disk.temporaryFiles('bk'), '', `${kib} KiB free`);
    assert.match(ok(['backup', 'verify', 'bk']), /no problems found/, `${kib} KiB free`);
  }
  assert.ok(failed > 0 && synced > 0, `${failed} syncs failed, ${synced} went through`);

  disk.sh('rm filler');
  ok(['backup', 'sync', 'bk']);
  ok(['backup', 'restore', `file://${disk.dir}/bk`, 'restored'], disk.dir);
  assert.equal(rows(join(disk.dir, 'restored')), want + 8);
});
