// Compiled (never run) by types.test.mjs under both resolutions: the public API as a user's
// TypeScript would call it, so that the hand-written declarations are checked against
// themselves and their docs (test/exports.test.mjs checks them against the JS).

import {
  type BackupFile,
  CairnError,
  hash,
  httpStore,
  IndexedDbAdapter,
  init,
  isCairnError,
  MemoryAdapter,
  type NamedUrl,
  type ImportSummary,
  Repo,
  type SqlRow,
  type SqlValue,
  type SyncProgress,
  verify,
} from 'cairn-db';

export async function tutorial(): Promise<string> {
  await init();
  const onProgress = (e: SyncProgress): void => void (e.phase === 'copying chunks' && e.chunksDone <= e.chunksTotal);
  const repo = await Repo.init('mem://t', { author: { name: 'Ada' }, now: () => 0 });
  const results = await repo.sql('select 1');
  const first: SqlValue | undefined = results[0]?.rows[0]?.[0];
  const objects = await repo.sql('select ? as one, :two as two', { rowMode: 'object', params: [1] });
  await repo.sql('select :a, :b', { params: { a: 'x', b: null } });
  const one: SqlRow | undefined = objects[0]?.rows[0];
  const arrays: SqlValue[][] | undefined = (await repo.sql('select 1', { rowMode: 'array' }))[0]?.rows;
  const imported: ImportSummary = await repo.importTable('people', 'id,name\n1,Ada\n', { mode: 'create', pk: 'id' });
  await repo.importTable('people', [new Uint8Array([105, 100, 10]), '2\n'], { mode: 'update', fileType: 'csv' });
  const csv: string = await repo.exportTable('people');
  const pieces: ReadableStream<string> = repo.exportTable('people', { fileType: 'json', stream: true });
  void [imported.inserted, csv, pieces];
  const commit = await repo.commit({ message: 'm', all: true, allowEmpty: false });
  const log = await repo.log({ start: 'HEAD', limit: 2 });
  const branches = await repo.branches({ all: true });
  await repo.checkout('dev', { create: true, start: 'main' });
  const at: string | undefined = await repo.reset({ hard: true, ref: 'HEAD' });
  await repo.addRemote('origin', 'mem://r');
  const pushed = await repo.push('origin', 'main', { force: false, onProgress });
  await repo.fetch('origin', { onProgress });
  const pulled = await repo.pull('origin', undefined, { onProgress, fastForwardOnly: false });
  const merged: 'upToDate' | 'fastForward' | 'committed' | 'conflicts' = (await repo.merge('dev', { fastForward: false, message: 'm' })).outcome;
  const conflicts = await repo.conflicts('t');
  const theirs: SqlValue[] | null | undefined = conflicts.kind === 'rows' ? conflicts.rows[0]?.theirs : conflicts.theirs === null ? null : undefined;
  await repo.resolveConflicts('t', { ours: true });
  await repo.abortMerge();
  const reverted: string | null = (await repo.revert('HEAD')).commit;
  await repo.cherryPick('dev');
  await repo.deleteBranch('dev', { force: true });
  const merging: string[] | null = (await repo.status()).merging;
  await repo.addBackup('b', 'mem://b');
  const synced = await repo.backupSync('b', { onProgress });
  await repo.backupSyncUrl('mem://b2');
  const pruned = await repo.backupPrune('b', { keepLast: 1 });
  const snapshots = await Repo.backupSnapshots('mem://b');
  const file: BackupFile = await Repo.backupExport('mem://b', { snapshot: snapshots[0]?.id });
  const { repo: restored, snapshot, stats } = await Repo.backupRestoreFile(file, 'mem://x', { force: true, onProgress });
  await Repo.backupRestore('mem://b', 'mem://y', { snapshot: snapshot.id });
  const clone = await Repo.clone('mem://r', 'mem://c', { onProgress });
  const report = await Repo.verify('mem://b');
  const served = 'http://127.0.0.1:7878/team/db';
  await repo.backupSyncUrl(served, { token: 'cairn_x', onProgress });
  await repo.push('origin', 'main', { headers: { Authorization: 'Bearer cairn_x' } });
  await Repo.backupSnapshots(served, { token: 'cairn_x' });
  const password = 'correct horse';
  await repo.backupSyncUrl('mem://sealed', { password, encrypt: true, onProgress });
  await repo.backupSnapshots('mem://sealed', { password });
  const sealed: BackupFile = await Repo.backupExport('mem://sealed', { password });
  await Repo.backupRestoreFile(sealed, 'mem://z', { password });
  await Repo.verify('mem://sealed', { password });
  await verify(httpStore(served, { token: 'cairn_x' }));
  const problems = (await verify(new MemoryAdapter())).problems.length + report.orphans.length;
  try {
    await repo.checkout('nope');
  } catch (e) {
    if (e instanceof CairnError && e.code === 'BRANCH_NOT_FOUND') await restored.close();
    // The guard narrows by code to the code's fields.
    if (isCairnError(e) && e.code === 'OWNED_BY_OTHER') void e.owner.toUpperCase();
    if (isCairnError(e, 'CONFORMANCE')) void e.check.toUpperCase();
    if (isCairnError(e, 'CONFLICT')) void e.expected?.toUpperCase();
  }
  // @ts-expect-error: only Repo.init, open, clone and the restores make a Repo
  void new Repo();
  const remotes: NamedUrl[] = await repo.remotes();
  const idb = new IndexedDbAdapter('x');
  const config: string | undefined = await idb.readConfig();
  return [
    String(first),
    commit.message,
    (await repo.status()).branch,
    (await repo.diff({ cached: true })).length,
    results[0]?.columns.join(),
    log.length,
    branches.filter((b) => b.current || b.remote).length,
    at,
    pushed.updated && pushed.stats?.chunks,
    synced.snapshot.id,
    pruned.snapshotsKept,
    stats.bytes,
    clone.currentBranch,
    problems,
    config,
    remotes[0]?.url,
    hash(new Uint8Array()),
    one?.['one'],
    arrays?.length,
    (await repo.backups())[0]?.name,
    (await repo.tags())[0]?.hash,
    (await repo.ls('main')).join(),
    await repo.resolve('HEAD'),
    repo.id,
    repo.location,
  ].join('\n');
}
