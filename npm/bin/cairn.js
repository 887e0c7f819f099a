#!/usr/bin/env node
// `cairn` on Node: the one command line (cairn-cli, in the wasm build) over Node's fs. It
// parses, runs and prints exactly as the native binary does, with the same exit codes.

// First: it takes over Ctrl-C before the wasm module loads.
import { cliHost } from '../src/cli-host.js';
import '../src/node.js'; // instantiates the wasm module
import { runCli } from '../wasm/cairn_wasm.js';

process.exitCode = await runCli(process.argv.slice(2), cliHost);
cliHost.done(); // lets go of the terminal, if the SQL shell took it
