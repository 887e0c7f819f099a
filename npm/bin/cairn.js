#!/usr/bin/env node
// `cairn` on Node: the one command line (cairn-cli, in the wasm build) over Node's fs. It
// parses, runs and prints exactly as the native binary does, with the same exit codes. Its
// module (dist/cli/) is the package's with the command line added; the package's API and
// every page load the one without it.

// First: it takes over Ctrl-C before the wasm module loads.
import { cliHost } from '../src/cli-host.js';
import { readFileSync } from 'node:fs';
import { initSync, runCli } from '../dist/cli/cairn_wasm.js';

try {
  initSync({ module: readFileSync(new URL('../dist/cli/cairn_wasm_bg.wasm', import.meta.url)) });
} catch (e) {
  process.stderr.write(`cairn: cannot load the command line's WebAssembly module: ${e.message}\n`);
  process.exit(1);
}
process.exitCode = await runCli(process.argv.slice(2), cliHost);
cliHost.done(); // lets go of the terminal, if the SQL shell took it
