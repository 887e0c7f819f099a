// The host the `cairn` command line (cairn-cli, run through the wasm build's `runCli`) needs
// in Node: Node's fs for the few small files and folders a command touches (synchronously:
// they are small, and a command runs alone), NodeFsAdapter for every chunk store, the
// environment and stdio. Everything the CLI decides is in Rust.

import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
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

// The SQL shell's line editor (node:readline: Emacs keys, history), made at its first prompt.
// Its history file is rustyline's (the native binary's): a `#V2` line, then one line per
// entry with `\\` and `\n` escaped, so both binaries share one history.
let editor;

function readHistory(path) {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const entries = lines.filter((l) => l && l !== '#V2').map((l) => l.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c)));
  return entries.reverse(); // readline wants the newest first
}

function addHistory(path, line) {
  const header = existsSync(path) ? '' : '#V2\n';
  appendFileSync(path, `${header}${line.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`, { mode: 0o600 });
}

function readLine(prompt, history) {
  editor ??= createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
    history: history ? readHistory(history) : [],
    historySize: 1000,
  });
  const rl = editor;
  return new Promise((resolve) => {
    const settle = (value) => {
      rl.off('line', onLine).off('SIGINT', onInterrupt).off('close', onClose);
      resolve(value);
    };
    const onLine = (line) => {
      // History is a convenience: a line not saved is no reason to stop.
      if (history && line.trim()) {
        try {
          addHistory(history, line);
        } catch {}
      }
      settle({ line });
    };
    const onInterrupt = () => {
      rl.write(null, { ctrl: true, name: 'u' }); // drop what was typed on this line
      process.stdout.write('^C\n');
      settle({ interrupted: true });
    };
    const onClose = () => {
      editor = undefined;
      settle(null);
    };
    rl.on('line', onLine).on('SIGINT', onInterrupt).on('close', onClose);
    rl.setPrompt(prompt);
    rl.prompt();
  });
}

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
  readLine,
  done: () => editor?.close(),
  readFile: (path) => readFileSync(path),
  readFileAt(path, offset, length) {
    // One piece of a file (table import reads large files so): fewer bytes at its end.
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const read = readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  },
  appendFile: (path, bytes) => appendFileSync(path, bytes),
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
  syncFile(path) {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
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
