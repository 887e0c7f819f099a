// A module Service Worker using the package (no bundler): such a worker may not use top-level
// await nor import(), so this loads only if the package's modules use neither. Answers a
// message with the checks' result on the port it came with.

import { Repo } from './node_modules/cairn-db/dist/browser.js';
import { checks } from './checks.js';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  event.waitUntil(checks(Repo, 'service-worker').then((result) => event.ports[0].postMessage(result)));
});
