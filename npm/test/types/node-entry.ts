// Compiled (never run) by types.test.mjs under Node's resolution only: there `cairn-db`
// itself is the Node entry.

import { NodeFsAdapter, Repo } from 'cairn-db';

export async function nodeEntry(): Promise<number> {
  const file = await Repo.backupExport('file:///tmp/b');
  file.destroy();
  return new NodeFsAdapter('/tmp/x').dir.length;
}
