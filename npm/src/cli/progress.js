// Progress of long operations on stderr, as the native CLI draws it: a bar redrawn in place
// on a terminal, a line per phase otherwise, nothing with --quiet.

const REDRAW_MS = 100;
const WIDTH = 30;

/** Bytes as people read them: `512 B`, `12.3 KiB`, `4.0 MiB`. */
export function size(bytes) {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function bar(p) {
  const filled = Math.min(WIDTH, p.bytesTotal === 0 ? WIDTH : Math.floor((p.bytesDone / p.bytesTotal) * WIDTH));
  const done = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
  return `${p.phase.padEnd(20)} [${done}] ${p.chunksDone}/${p.chunksTotal} chunks, ${size(p.bytesDone)}`;
}

const line = (p) => `${p.phase}: ${p.chunksDone} chunks, ${size(p.bytesDone)}`;

/** A reporter: `onProgress` for the Repo API, and `finish()` once the operation settled. */
export function reporter(quiet, stream = process.stderr) {
  const mode = quiet ? 'quiet' : stream.isTTY ? 'bar' : 'lines';
  let last;
  let drawn = 0;
  const endPhase = () => {
    if (!last) return;
    if (mode === 'bar') stream.write(`\r\x1b[K${bar(last)}\n`);
    if (mode === 'lines') stream.write(`${line(last)}\n`);
    last = undefined;
    drawn = 0;
  };
  return {
    onProgress(p) {
      if (last && last.phase !== p.phase) endPhase();
      last = p;
      if (mode === 'bar' && Date.now() - drawn >= REDRAW_MS) {
        drawn = Date.now();
        stream.write(`\r\x1b[K${bar(p)}`);
      }
    },
    finish: endPhase,
  };
}
