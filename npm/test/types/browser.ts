// Compiled (never run) by types.test.mjs under bundler resolution only, where `cairn-db` is
// the browser entry: backup exports are Blobs, and the loader takes the wasm's URL.

import { init, Repo } from 'cairn-db';

export async function browser(): Promise<number> {
  await init(new URL('cairn-db/wasm', 'https://example.com/'));
  await init(await WebAssembly.compile(new Uint8Array()));
  const file: Blob = await Repo.backupExport('idb://b');
  // @ts-expect-error: a Blob here, not a Uint8Array
  const bytes: Uint8Array = await Repo.backupExport('idb://b');
  await using repo = await Repo.open('idb://r');
  return file.size + bytes.length + (await repo.ls()).length;
}
