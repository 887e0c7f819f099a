// Starting a real `cairn serve` (the native binary) for the demo and the tests that talk to
// one: on 127.0.0.1, on a port it picks (it prints the address as its first line), stopped by
// its PID when asked or when this process exits.

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The native `cairn` binary: `CAIRN_BIN`, else built here (`cargo build -p cairn --bin cairn`). */
export function cairnBinary() {
  if (process.env.CAIRN_BIN) return process.env.CAIRN_BIN;
  const built = spawnSync('cargo', ['build', '--quiet', '-p', 'cairn', '--bin', 'cairn'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cargo build failed: ${built.stderr}`);
  return join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'cairn');
}

/** `cairn serve token add --scope SCOPE --path PATTERN DIR`: the new token (printed once). */
export function addToken(bin, dir, scope = 'write', path = '*') {
  const out = spawnSync(bin, ['serve', 'token', 'add', '--scope', scope, '--path', path, dir], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`cairn serve token add failed: ${out.stderr}`);
  return out.stdout.trim().split('\n').at(-1);
}

/**
 * Starts `cairn serve FLAGS DIR` on 127.0.0.1; resolves to { url, log, stop } once it listens
 * (`url` is `http://127.0.0.1:PORT`, `log()` its standard error so far, `stop()` resolves when
 * it has exited).
 */
export async function startCairnServe(bin, dir, flags = []) {
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', ...flags, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopOnExit = () => child.kill();
  process.once('exit', stopOnExit);
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (text) => {
    log = (log + text).slice(-64 * 1024);
  });
  const exited = new Promise((done) => child.once('exit', done));
  const [first] = await Promise.race([
    new Promise((done) => createInterface({ input: child.stdout }).once('line', (line) => done([line]))),
    exited.then(() => [undefined]),
  ]);
  const url = first?.match(/^listening on (http:\/\/\S+)$/)?.[1];
  if (!url) {
    child.kill();
    throw new Error(`cairn serve did not start: ${log.trim()}`);
  }
  return {
    url,
    log: () => log,
    stop: async () => {
      process.off('exit', stopOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
