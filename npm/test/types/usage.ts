// Compiled (never run) by types.test.mjs: the public API as a user's TypeScript would call
// it, so that the hand-written declarations are checked against themselves and their docs.

import {
  type BackupFile,
  type CairnError,
  IndexedDbAdapter,
  MemoryAdapter,
  type ProgressEvent,
  Repo,
  type SqlValue,
  verify,
} from 'cairn-db';
import { NodeFsAdapter } from 'cairn-db/node';

export async function tutorial(): Promise<string> {
  const onProgress = (e: ProgressEvent): void => void (e.phase === 'copying chunks' && e.chunksDone <= e.chunksTotal);
  const repo = await Repo.init('mem://t', { author: { name: 'Ada' }, now: () => 0 });
  const results = await repo.sql('select 1');
  const first: SqlValue | undefined = results[0]?.rows[0]?.[0];
  const commit = await repo.commit({ message: 'm', all: true, allowEmpty: false });
  const log = await repo.log({ start: 'HEAD', limit: 2 });
  const branches = await repo.branches({ all: true });
  await repo.checkout('dev', { create: true, start: 'main' });
  const at: string | undefined = await repo.reset({ hard: true, ref: 'HEAD' });
  await repo.addRemote('origin', 'mem://r');
  const pushed = await repo.push('origin', 'main', { force: false, onProgress });
  await repo.fetch('origin', { onProgress });
  await repo.pull('origin', undefined, { onProgress });
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
  const problems = (await verify(new MemoryAdapter())).problems.length + report.orphans.length;
  try {
    await repo.checkout('nope');
  } catch (e) {
    const code: CairnError['code'] = (e as CairnError).code;
    if (code === 'BRANCH_NOT_FOUND') restored.close();
  }
  const idb = new IndexedDbAdapter('x');
  const config: string | undefined = await idb.readConfig();
  void new NodeFsAdapter('/tmp/x');
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
    (await repo.remotes())[0]?.url,
    (await repo.backups())[0]?.name,
    (await repo.tags())[0]?.hash,
    (await repo.ls('main')).join(),
    await repo.resolve('HEAD'),
    repo.id,
    repo.location,
  ].join('\n');
}
