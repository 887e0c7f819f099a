// What every case runs, wherever it runs: a table created, a row inserted and read back, in an
// in-memory database and (where the runtime has IndexedDB) in an idb:// one; and a store across
// the network opened, which loads the network clients' module (wasm/net/) as that bundle or
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
 * What the network module's HTTP client answers a token for plain http to another host: it
 * refuses before any request is made, so no server is needed (and none is reached).
 */
async function network(Repo) {
  try {
    await Repo.backupSnapshots('http://cairn.example/backup', { token: 'cairn_x' });
    return 'no refusal';
  } catch (e) {
    return /plain http/.test(e?.message) ? e.code : String(e?.stack ?? e);
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
