// The format's test vectors (tests/vectors/v1, the native twins are tests/vectors.rs and
// tests/sql_vectors.rs): the wasm build must write the same bytes for the same steps, and read
// the native-written store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChunkStore, hash, MemoryAdapter, NodeFsAdapter, Repo, verify } from '../src/node.js';
import { tempDir } from './helpers.mjs';

// sql.json and the sealed vectors live in v1/; the table-file vectors of each format version
// in v1/ to v3/ (versions 1 to 3, still read) and v4/ (what this build writes).
const VECTORS = fileURLToPath(new URL('../../tests/vectors/v1/', import.meta.url));
const vectorsOf = async (version) => {
  const dir = fileURLToPath(new URL(`../../tests/vectors/${version}/`, import.meta.url));
  const vectors = JSON.parse(await readFile(`${dir}vectors.json`, 'utf8'));
  const chunks = vectors.chunks.map((c) => ({ bytes: Buffer.from(c.hex, 'hex'), hash: c.hash }));
  return { store: `${dir}store`, vectors, chunks };
};
const { store: STORE, vectors, chunks } = await vectorsOf('v4');

test('every vector chunk hashes to its address', () => {
  for (const c of chunks) assert.equal(hash(c.bytes), c.hash);
});

test('replaying the steps writes the vector store byte for byte', async () => {
  const adapter = new MemoryAdapter();
  const store = await ChunkStore.open(adapter);
  for (const commit of vectors.commits) {
    for (const i of commit.chunks) await store.put(chunks[i].bytes);
    await store.commit(store.root, chunks[commit.root].hash);
  }
  const written = new Map([['manifest', (await adapter.readManifest()).bytes]]);
  for (const { name } of await adapter.list()) written.set(name, await adapter.get(name));

  const expected = (await readdir(STORE)).sort();
  assert.deepEqual([...written.keys()].sort(), expected);
  for (const name of expected) {
    const bytes = written.get(name);
    assert.ok(Buffer.from(bytes).equals(await readFile(`${STORE}/${name}`)), `${name} differs from the vector`);
    assert.deepEqual({ size: bytes.length, blake3_160: hash(bytes) }, vectors.files[name], name);
  }
});

test('the native-written vector stores of every format version read back through NodeFsAdapter', async () => {
  for (const version of ['v1', 'v2', 'v3', 'v4']) {
    const { store: dir, vectors, chunks } = await vectorsOf(version);
    const adapter = new NodeFsAdapter(dir);
    const store = await ChunkStore.open(adapter);
    assert.equal(store.root, chunks[vectors.commits.at(-1).root].hash, version);
    for (const c of chunks) assert.deepEqual(await store.get(c.hash), new Uint8Array(c.bytes), version);
    const report = await verify(adapter);
    assert.deepEqual(report.problems, [], version);
    assert.deepEqual(report.orphans, [], version);
    assert.equal(report.chunks, chunks.length, version);
  }
});

test('the sealed vector store opens with its password through the wasm core', async () => {
  const sealed = JSON.parse(await readFile(`${VECTORS}sealed.json`, 'utf8'));
  const url = `file://${VECTORS}sealed`;
  const report = await Repo.verify(url, { password: sealed.password });
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.orphans, []);
  assert.equal(report.root, chunks[vectors.commits.at(-1).root].hash);
  assert.equal(report.chunks, chunks.length);
  await assert.rejects(Repo.verify(url, { password: 'wrong' }), { code: 'WRONG_PASSWORD' });
});

/** Runs the steps of sql.json through the Repo API in `dir`; resolves to the commits' hashes. */
async function replaySql(script, dir) {
  const location = `file://${dir}`;
  let time;
  const options = { author: script.author, now: () => time };
  const commits = [];
  let repo;
  for (const step of script.steps) {
    time = step.time_ms ?? time;
    switch (step.op) {
      case 'init': {
        await (await Repo.init(location, options)).close();
        // A new id is random; the vectors fix one, as a user editing the config could.
        const config = join(dir, '.cairn', 'config');
        await writeFile(config, (await readFile(config, 'utf8')).replace(/^\tid = .*$/m, `\tid = ${script.id}`));
        repo = await Repo.open(location, options);
        break;
      }
      case 'sql':
        await repo.sql(step.sql);
        break;
      case 'commit':
        commits.push((await repo.commit({ message: step.message, all: true })).hash);
        break;
      case 'checkout_new':
        await repo.checkout(step.name, { create: true });
        break;
      case 'checkout':
        await repo.checkout(step.name);
        break;
      case 'tag':
        await repo.createTag(step.name);
        break;
      case 'backup':
        await repo.backupSyncUrl(step.url, { tags: step.tags, message: step.message });
        break;
      default:
        throw new Error(`unknown step ${step.op}`);
    }
  }
  await repo.close();
  return commits;
}

test('the SQL script gives the native hashes, tables and .cairnbak (sql.json)', async (t) => {
  const script = JSON.parse(await readFile(`${VECTORS}sql.json`, 'utf8'));
  const { expected } = script;
  const dir = await tempDir(t);
  assert.deepEqual(await replaySql(script, dir), expected.commits);

  const store = await ChunkStore.open(new NodeFsAdapter(join(dir, '.cairn', 'store')));
  assert.equal(store.root, expected.database.root);
  assert.equal(Buffer.from(await store.get(store.root)).toString('hex'), expected.database.root_chunk);
  const tables = store.tables().map(({ name, chunkCount, size }) => ({ chunks: chunkCount, name, size }));
  assert.deepEqual(tables, expected.database.tables);
  store.free();

  const file = Buffer.concat(await (await Repo.backupExport(script.steps.find((s) => s.op === 'backup').url)).toArray());
  assert.deepEqual({ blake3_160: hash(file), size: file.length }, expected.cairnbak);
});

test('a database from before format parameters opens; one recording unknown ones is refused', async (t) => {
  const dir = await tempDir(t);
  await cp(`${VECTORS}database`, join(dir, '.cairn'), { recursive: true });
  const repo = await Repo.open(`file://${dir}`, { now: () => 1_700_000_000_000 });
  const [{ rows }] = await repo.sql('SELECT * FROM t');
  assert.deepEqual(rows, [[1, 'uno'], [2, 'two'], [3, null]]);
  await repo.commit({ message: 'after', all: true });
  await repo.close();

  // The root map now ends with the parameters (docs/FORMAT.md); make its target 8192.
  const store = await ChunkStore.open(new NodeFsAdapter(join(dir, '.cairn', 'store')));
  const target = Buffer.from('\x0dprolly.target\x80\x20', 'latin1');
  const map = Buffer.from(await store.get(store.root));
  const at = map.lastIndexOf(target);
  assert.ok(at > 0);
  map[at + target.length - 1] = 0x40;
  await store.commit(store.root, await store.put(map));
  store.free();
  await assert.rejects(Repo.open(`file://${dir}`), {
    code: 'UNSUPPORTED_VERSION',
    message:
      "the store was made by a newer cairn: it records format parameter 'prolly.target' = 8192, which this cairn does not know; use a newer cairn",
  });
});
