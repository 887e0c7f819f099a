// Builds dist/browser.js, the package's browser entry: src/browser.js, the modules it imports
// and both wasm glues (dist/cairn_wasm.js, dist/cairn_net.js) as one ES module (a build
// product, gitignored). A page without a bundler (an import map, a CDN) then fetches one
// script before the core's .wasm, where it fetched a chain of modules found one level of
// imports at a time, each level a round trip more before the .wasm's fetch could start
// (docs/BENCHMARKS.md, "The browser entry as one module" and "The wasm glues in the entry").
// The glues find their .wasm files beside themselves (`new URL('cairn_wasm_bg.wasm',
// import.meta.url)`): beside dist/browser.js, where the build puts them; bundlers rewrite that
// URL, and an esbuild bundle looks beside itself, as the README says to copy them.

import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const NPM = fileURLToPath(new URL('..', import.meta.url));
export const OUTFILE = 'dist/browser.js';

/** Bundles the browser entry; with `write: false`, resolves to its text without writing it. */
export async function bundle({ write = true } = {}) {
  const result = await build({
    absWorkingDir: NPM,
    entryPoints: ['src/browser.js'],
    outfile: OUTFILE,
    write,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // The modules are already the syntax the package supports; nothing is lowered.
    target: 'esnext',
    logLevel: 'warning',
  });
  return write ? undefined : result.outputFiles[0].text;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await bundle();
