// Builds dist/browser.js, the package's browser entry: src/browser.js and the modules it
// imports as one ES module (a build product, gitignored). A page without a bundler (an import
// map, a CDN) then fetches two scripts, this file and the wasm glue, instead of a chain of
// fifteen modules found one level of imports at a time, and the wasm module's fetch starts
// that much sooner (docs/BENCHMARKS.md, "The browser entry as one module"). Bundlers take it
// as they took src/. The glue, wasm/cairn_wasm.js, stays its own module: it finds the .wasm
// file beside itself, and bundlers rewrite that URL.

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
    plugins: [
      {
        name: 'wasm-glue-stays-beside-the-wasm',
        setup(b) {
          // Imported as ../wasm/ or ../../wasm/ from src/; from dist/ it is one level up. The
          // network module's glue too, which a page imports only when it needs it.
          b.onResolve({ filter: /\/wasm\/cairn_wasm\.js$/ }, () => ({ path: '../wasm/cairn_wasm.js', external: true }));
          b.onResolve({ filter: /\/wasm\/net\/cairn_net\.js$/ }, () => ({ path: '../wasm/net/cairn_net.js', external: true }));
        },
      },
    ],
  });
  return write ? undefined : result.outputFiles[0].text;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await bundle();
