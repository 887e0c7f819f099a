// Compiled (never run) by types.test.mjs under both resolutions: `cairn-db/node` is the Node
// entry whatever the resolution, so bundler-resolved Node code reaches the Node-only API.

import { NodeFsAdapter, Repo } from 'cairn-db/node';

export async function nodeOnly(): Promise<number> {
  const file: Uint8Array = await Repo.backupExport('file:///tmp/b');
  const { repo } = await Repo.backupRestoreFile(file, 'file:///tmp/r');
  await repo[Symbol.asyncDispose]();
  return file.length + new NodeFsAdapter('/tmp/x').dir.length;
}
