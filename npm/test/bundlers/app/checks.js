// What every case runs, wherever it runs: a table created, a row inserted and read back, in an
// in-memory database and (where the runtime has IndexedDB) in an idb:// one. Imports nothing:
// each entry passes the Repo it imported, so the same code serves bundled and unbundled cases.

async function roundTrip(Repo, url) {
  const repo = await Repo.init(url);
  await repo.sql('create table t (a int primary key)');
  await repo.sql('insert into t values (1)');
  const [{ rows }] = await repo.sql('select a from t');
  await repo.close();
  return rows;
}

/** `{ where, mem, idb? }`, or `{ where, error }`: never rejects. */
export async function checks(Repo, where) {
  try {
    const result = { where, mem: await roundTrip(Repo, `mem://${where}`) };
    if (typeof indexedDB !== 'undefined') result.idb = await roundTrip(Repo, `idb://${where}`);
    return result;
  } catch (e) {
    return { where, error: String(e?.stack ?? e) };
  }
}
