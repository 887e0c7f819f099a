// Node-only test helpers.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fresh directory, removed when the test `t` ends. */
export async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let native;

/** The native `cairn` binary, built once per process (`cargo build -p cairn --bin cairn`). */
export function nativeCairn() {
  native ??= (() => {
    const built = spawnSync('cargo', ['build', '--quiet', '-p', 'cairn', '--bin', 'cairn'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`cargo build failed: ${built.stderr}`);
    return join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'cairn');
  })();
  return native;
}

/** The Node `cairn` bin's command: [node, bin/cairn.js]. */
export const NODE_CAIRN = [process.execPath, fileURLToPath(new URL('../bin/cairn.js', import.meta.url))];

/**
 * Runs `cmd` (an array: program and leading arguments) with `args` in `cwd`, `input` on its
 * standard input: { status, stdout, stderr }.
 */
export function runIn(cwd, cmd, args, env = {}, input = undefined) {
  const [program, ...lead] = cmd;
  const out = spawnSync(program, [...lead, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, input });
  if (out.error) throw out.error;
  return out;
}
