// The browser app: the checks on the page and in a dedicated module worker, which the bundler
// finds through `new URL('./worker.js', import.meta.url)`. Sets `window.result` when done.

import { Repo } from 'cairn-db';
import { checks } from './checks.js';

function inWorker() {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => resolve({ where: 'worker', error: `worker failed to load: ${e.message ?? e.type}` });
  });
}

Promise.all([checks(Repo, 'page'), inWorker()]).then((results) => (window.result = results));
