// Compiled (never run) by types.test.mjs under bundler resolution only, where `cairn-db` is
// the browser entry: backup exports are web streams, and the loader takes the wasm's URL.

import { init, Repo } from 'cairn-db';

export async function browser(): Promise<number> {
  await init(new URL('cairn-db/wasm', 'https://example.com/'));
  await init(await WebAssembly.compile(new Uint8Array()));
  const file: ReadableStream<Uint8Array> = await Repo.backupExport('idb://b');
  // @ts-expect-error: a stream here, not a Blob
  const blob: Blob = await Repo.backupExport('idb://b');
  const download = await new Response(file).blob();
  await Repo.backupRestoreFile(download, 'idb://from-blob');
  await using repo = await Repo.open('idb://r');
  return blob.size + (await repo.ls()).length;
}
