// The host the `cairn` command line (cairn-cli, run through the wasm build's `runCli`) needs
// in Node: Node's fs for the few small files and folders a command touches (synchronously:
// they are small, and a command runs alone), NodeFsAdapter for every chunk store, the
// environment and stdio. Everything the CLI decides is in Rust.

import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { text } from 'node:stream/consumers';
import { NodeFsAdapter } from './adapters/node-fs.js';

/** Writes all of `data` to a file descriptor, in order, before returning. */
function writeAll(fd, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

// Set by Ctrl-C: long operations stop at their next batch (they await storage, so the
// signal handler runs between batches) and the command exits 130. Taken over at import, as
// the native binary does at start: the bin imports this module first, before the wasm loads.
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});

export const cliHost = {
  interrupted: () => interrupted,
  storage: (dir) => new NodeFsAdapter(dir),
  cwd: () => process.cwd(),
  env: (key) => process.env[key],
  environment: () => process.env,
  stdout: (text) => writeAll(1, text),
  stderr: (text) => writeAll(2, text),
  stderrIsTerminal: () => process.stderr.isTTY === true,
  stdinIsTerminal: () => process.stdin.isTTY === true,
  readStdin: () => text(process.stdin),
  readFile: (path) => readFileSync(path),
  writeFile(path, bytes, durable) {
    // Made anew (O_EXCL): a symlink planted at a temporary name is removed, never followed.
    rmSync(path, { force: true });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeAll(fd, bytes);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  rename: (from, to) => renameSync(from, to),
  createDirAll: (path) => mkdirSync(path, { recursive: true, mode: 0o700 }),
  removeDirAll: (path) => rmSync(path, { recursive: true }),
  removeDir: (path) => rmdirSync(path),
  removeFile: (path) => unlinkSync(path),
  listDir: (path) => readdirSync(path),
  isDir: (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true,
  exists: (path) => existsSync(path),
  pid: () => process.pid,
  processRuns(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return e.code === 'EPERM'; // it exists, owned by another user
    }
  },
};
