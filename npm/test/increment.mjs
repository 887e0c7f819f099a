// A writer process for the race tests: adds one to a counter manifest ("count N") COUNT times
// through NodeFsAdapter, retrying lost swaps, and prints the versions it won from, one a line
// ("none" for no manifest), as `cairn-test-writer increment` does natively.
//
//     node increment.mjs DIR COUNT

import { NodeFsAdapter } from '../src/adapters/node-fs.js';

const [dir, count] = process.argv.slice(2);
const adapter = new NodeFsAdapter(dir);
const countOf = (read) => Number(/^count (\d+)$/.exec(new TextDecoder().decode(read?.bytes ?? new Uint8Array()))?.[1] ?? 0);
const wonFrom = [];
for (let i = 0; i < Number(count); i++) {
  for (;;) {
    const current = await adapter.readManifest();
    const next = new TextEncoder().encode(`count ${countOf(current) + 1}`);
    if (await adapter.swapManifest(current?.version, next)) {
      wonFrom.push(current?.version ?? 'none');
      break;
    }
  }
}
process.stdout.write(wonFrom.map((v) => `${v}\n`).join(''));
