// What every case runs, wherever it runs: a table created, a row inserted and read back, in an
// in-memory database and (where the runtime has IndexedDB) in an idb:// one; and a store across
// the network opened, which loads the network clients' module (cairn_net_bg.wasm) as that bundle or
// runtime found it. Imports nothing: each entry passes the Repo it imported, so the same code
// serves bundled and unbundled cases.

async function roundTrip(Repo, url) {
  const repo = await Repo.init(url);
  await repo.sql('create table t (a int primary key)');
  await repo.sql('insert into t values (1)');
  const [{ rows }] = await repo.sql('select a from t');
  await repo.close();
  return rows;
}

/**
 * What the network module's HTTP client answers a header of the protocol's own: it refuses
 * before any request is made, so no server is needed (and were it to ask, the URL is
 * 127.0.0.1's discard port).
 */
async function network(Repo) {
  try {
    await Repo.backupSnapshots('http://127.0.0.1:9/backup', { headers: { Range: 'bytes=0-1' } });
    return 'no refusal';
  } catch (e) {
    return /set by the client/.test(e?.message) ? e.code : String(e?.stack ?? e);
  }
}

/** `{ where, mem, idb?, network }`, or `{ where, error }`: never rejects. */
export async function checks(Repo, where) {
  try {
    const result = { where, mem: await roundTrip(Repo, `mem://${where}`) };
    if (typeof indexedDB !== 'undefined') result.idb = await roundTrip(Repo, `idb://${where}`);
    result.network = await network(Repo);
    return result;
  } catch (e) {
    return { where, error: String(e?.stack ?? e) };
  }
}
