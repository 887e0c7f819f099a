#!/usr/bin/env node
// `cairn` on Node: the native CLI's verbs over the Node fs adapter. Exit codes: 0 success,
// 1 a command that failed (one `error: ...` line on stderr), 2 a command line that did not parse.

import { readFile } from 'node:fs/promises';
import { run } from '../src/cli/commands.js';
import { parse, UsageError } from '../src/cli/parse.js';

async function main(argv) {
  let command;
  try {
    command = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\nUsage: ${e.usage}\n\nFor more information, try '--help'.\n`);
    return 2;
  }
  if (command.help) {
    process.stdout.write(command.help);
    return 0;
  }
  if (command.version) {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`cairn ${version}\n`);
    return 0;
  }
  try {
    process.stdout.write(await run(command));
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
