// Backup files as streams: `backupExport` gives a Node Readable made piece by piece as it is
// read (the core reads the backup no further ahead), and `backupRestoreFile` takes the file
// whole or as any stream, in pieces of any size; a stream cut short or failing midway
// restores nothing and leaves nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { isCairnError, Repo } from '../src/node.js';

const MiB = 1 << 20;

/** A backup at `mem://NAME` of a table of `rows` rows whose text does not compress. */
async function backup(name, rows) {
  const repo = await Repo.init(`mem://${name}-db`);
  await repo.sql('create table t (id int primary key, v text)');
  for (let first = 0; first < rows; first += 5000) {
    const values = [];
    for (let i = first; i < Math.min(rows, first + 5000); i++) values.push(`(${i}, '${noise()}')`);
    await repo.sql(`insert into t values ${values.join(',')}`);
  }
  await repo.commit({ message: 'rows', all: true });
  await repo.backupSyncUrl(`mem://${name}`);
  repo.close();
  return `mem://${name}`;
}

const noise = () => randomBytes(45).toString('base64');

const bytesOf = async (stream) => new Uint8Array(Buffer.concat(await stream.toArray()));

async function rowCount(location) {
  const repo = await Repo.open(location);
  const [{ rows }] = await repo.sql('select count(*) from t');
  repo.close();
  return rows[0][0];
}

const leftovers = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('cairn-unpack-'));

test('an export is a Node Readable, made only as fast as it is read', async () => {
  const url = await backup('stream-out', 80_000);
  let progress;
  const stream = await Repo.backupExport(url, { onProgress: (p) => (progress = p) });
  assert.ok(stream instanceof Readable);
  const pieces = stream[Symbol.asyncIterator]();
  const first = await pieces.next();
  assert.equal(new TextDecoder().decode(first.value.subarray(0, 8)), 'CAIRNBAK');
  const second = await pieces.next();
  // Nobody reads: the core stays where the reader is (a piece ahead at most).
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(progress.bytesTotal > 3 * MiB, `a backup of ${progress.bytesTotal} bytes`);
  assert.ok(progress.bytesDone <= second.value.length + 2 * MiB, `read ${progress.bytesDone} bytes ahead`);
  const rest = [];
  for (let p = await pieces.next(); !p.done; p = await pieces.next()) rest.push(p.value);
  assert.equal(progress.bytesDone, progress.bytesTotal);
  assert.ok(rest.every((p) => p.length <= 2 * MiB));
  const file = new Uint8Array(Buffer.concat([first.value, second.value, ...rest]));

  const { repo } = await Repo.backupRestoreFile(file, 'mem://stream-out-whole');
  repo.close();
  assert.equal(await rowCount('mem://stream-out-whole'), 80_000);
  // Another export of the same backup gives the same bytes; one stopped early frees its writer.
  assert.deepEqual(await bytesOf(await Repo.backupExport(url)), file);
  const stopped = await Repo.backupExport(url);
  for await (const piece of stopped) {
    assert.ok(piece.length > 0);
    break;
  }
  assert.ok(stopped.destroyed);
});

test('a restore takes a file whole or as any stream, in pieces of any size', async () => {
  const url = await backup('stream-in', 200);
  const file = await bytesOf(await Repo.backupExport(url));
  const pieces = (size) => {
    const out = [];
    for (let at = 0; at < file.length; at += size) out.push(file.subarray(at, at + size));
    return out;
  };
  const forms = {
    readable: () => Readable.from(pieces(1)),
    generator: () => (async function* () { yield* pieces(3); })(),
    web: () => {
      const left = pieces(1000);
      return new ReadableStream({ pull: (c) => (left.length ? c.enqueue(left.shift()) : c.close()) });
    },
    blob: () => new Blob(pieces(77)),
    export: () => Repo.backupExport(url),
  };
  for (const [name, make] of Object.entries(forms)) {
    const { repo } = await Repo.backupRestoreFile(await make(), `mem://stream-in-${name}`);
    repo.close();
    assert.equal(await rowCount(`mem://stream-in-${name}`), 200, name);
  }
  await assert.rejects(Repo.backupRestoreFile(Readable.from(['text']), 'mem://stream-in-text'), (e) => isCairnError(e, 'INVALID_ARGUMENT'));
});

test('a stream cut short, damaged or failing midway restores nothing and leaves nothing', async () => {
  const url = await backup('stream-bad', 200);
  const file = await bytesOf(await Repo.backupExport(url));
  const before = await leftovers();
  const damaged = file.slice();
  damaged[file.length - 30] ^= 1;
  const failing = () =>
    (async function* () {
      yield file.subarray(0, file.length / 2);
      throw new Error('the network went away');
    })();
  const cases = [
    [Readable.from([file.subarray(0, file.length - 1)]), 'CORRUPT'],
    [Readable.from([damaged]), 'CORRUPT'],
    [failing(), undefined],
  ];
  for (const [i, [stream, code]] of cases.entries()) {
    const at = `mem://stream-bad-${i}`;
    const error = await Repo.backupRestoreFile(stream, at).then(() => undefined, (e) => e);
    assert.ok(error, `case ${i} restored`);
    if (code) assert.ok(isCairnError(error, code), `case ${i}: ${error}`);
    else assert.equal(error.message, 'the network went away');
    await assert.rejects(Repo.open(at), (e) => isCairnError(e, 'NOT_A_DATABASE'));
  }
  assert.deepEqual(await leftovers(), before);
});
