// The server-side app (esbuild for Node, as ESM and as CommonJS; Bun; Deno): prints its
// results as JSON. No top-level await, so that a CommonJS bundle of it runs too.

import { Repo } from 'cairn-db';
import { checks } from './checks.js';

checks(Repo, 'server').then((result) => console.log(JSON.stringify([result])));
