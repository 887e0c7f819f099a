// The backup panel's progress bar and the line saying what the last sync or restore moved.

import { byTestId, formatBytes } from './dom.js';

const bar = byTestId('progress');
const label = byTestId('progress-label');
const line = byTestId('last-sync');

/** Moves the bar for one progress event. Totals grow as the walk finds more to copy. */
function show(what, event) {
  bar.dataset.events = String(Number(bar.dataset.events) + 1);
  bar.max = Math.max(event.bytesTotal, 1);
  bar.value = event.bytesDone;
  label.textContent =
    `${what}: ${event.phase}, ${event.chunksDone}/${event.chunksTotal} chunks, ` +
    `${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)}`;
}

/**
 * Runs one transfer, `start(onProgress)`, with the bar following it; then says what it moved:
 * `summary(result)` gives its `stats` (tableFiles, chunks, bytes) and an optional `note`.
 */
export async function track(what, start, summary) {
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
  const ms = Math.round(performance.now() - began);
  const { stats, note } = summary(result);
  bar.max = 1;
  bar.value = 1;
  label.textContent = `${what}: done`;
  line.textContent =
    `${what} moved ${stats.chunks} chunks in ${stats.tableFiles} table files, ` +
    `${formatBytes(stats.bytes)}, in ${ms} ms${note ? ` (${note})` : ''}.`;
  return result;
}
