// The dedicated worker without a bundler: import maps do not reach workers, so it imports the
// package's browser entry by its path.

import { Repo } from './node_modules/cairn-db/dist/browser.js';
import { checks } from './checks.js';

checks(Repo, 'worker').then((result) => postMessage(result));
