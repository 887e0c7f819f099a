// The backup panel's progress bar, following a sync or a restore.

import { byTestId, formatBytes } from './dom.js';

const bar = byTestId('progress');
const label = byTestId('progress-label');

/**
 * Moves the bar for one progress event, by chunks: their total counts everything known to be
 * missing (it grows as the walk finds more); bytes are only known once copied.
 */
function show(what, event) {
  bar.dataset.events = String(Number(bar.dataset.events) + 1);
  bar.max = Math.max(event.chunksTotal, 1);
  bar.value = event.chunksDone;
  label.textContent =
    `${what}: ${event.phase}, ${event.chunksDone}/${event.chunksTotal} chunks, ` +
    `${formatBytes(event.bytesDone)}`;
}

/**
 * Runs one transfer, `start(onProgress)`, with the bar following it; resolves to
 * { result, ms }: what it resolved to and how long it took.
 */
export async function track(what, start) {
  bar.max = 1;
  bar.value = 0;
  bar.dataset.events = '0';
  label.textContent = `${what}: starting`;
  const began = performance.now();
  let result;
  try {
    result = await start((event) => show(what, event));
  } catch (error) {
    label.textContent = `${what}: failed`;
    throw error;
  }
  bar.max = 1;
  bar.value = 1;
  label.textContent = `${what}: done`;
  return { result, ms: Math.round(performance.now() - began) };
}
