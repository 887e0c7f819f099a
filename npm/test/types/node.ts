// Compiled (never run) by types.test.mjs under both resolutions: `cairn-db/node` is the Node
// entry whatever the resolution, so bundler-resolved Node code reaches the Node-only API.

import { type BackupReadable, NodeFsAdapter, Repo } from 'cairn-db/node';

export async function nodeOnly(): Promise<number> {
  const file: BackupReadable = await Repo.backupExport('file:///tmp/b');
  let length = 0;
  for await (const piece of file) length += piece.length;
  const { repo } = await Repo.backupRestoreFile(await Repo.backupExport('file:///tmp/b'), 'file:///tmp/r');
  await repo[Symbol.asyncDispose]();
  return length + new NodeFsAdapter('/tmp/x').dir.length;
}
