import { Repo } from 'cairn-db';
import { checks } from './checks.js';

checks(Repo, 'worker').then((result) => postMessage(result));
