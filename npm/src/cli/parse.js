// Parses a command line against spec.js: `{ verb, action?, flags, args, quiet }`, or a
// `{ help }` text to print, or throws a UsageError (exit code 2).

import { ABOUT, COMMANDS } from './spec.js';

/** A command line that does not parse; `usage` is the usage line of the command meant. */
export class UsageError extends Error {
  constructor(message, usage = 'cairn [OPTIONS] <COMMAND>') {
    super(message);
    this.usage = usage;
  }
}

const GLOBAL = [
  ['    --quiet', 'Print no progress (`-q` belongs to `sql`, as in Dolt)'],
  ['-h, --help', 'Print help'],
];

function list(entries) {
  const width = Math.max(...entries.map(([name]) => name.length)) + 2;
  return entries.map(([name, help]) => `  ${name.padEnd(width)}${help}\n`).join('');
}

function usage(path, command) {
  const subs = command.subcommands ? ' [COMMAND]' : '';
  const args = (command.args ?? []).map(([name, required]) => (required ? ` <${name}>` : ` [${name}]`));
  return `cairn ${path} [OPTIONS]${subs}${args.join('')}`;
}

function helpText(path, command) {
  const subs = Object.entries(command.subcommands ?? {});
  let out = `${command.help}\n\nUsage: ${usage(path, command)}\n`;
  if (subs.length) out += `\nCommands:\n${list(subs.map(([name, c]) => [name, c.help]))}`;
  const flags = Object.values(command.flags ?? {}).map(([short, long, value, help]) => [
    `${short ? `-${short}` : '  '}${short && long ? ', ' : '  '}${long ? `--${long}` : ''}${value ? ` <${value}>` : ''}`,
    help,
  ]);
  return `${out}\nOptions:\n${list([...flags, ...GLOBAL])}`;
}

export const HELP = `${ABOUT}\n\nUsage: cairn [OPTIONS] <COMMAND>\n\nCommands:\n${list(
  Object.entries(COMMANDS).map(([name, c]) => [name, c.help]),
)}\nOptions:\n${list([...GLOBAL, ['-V, --version', 'Print version']])}`;

/** Reads flags and positionals of `command` from `argv`. */
function readArgs(path, command, argv, quiet) {
  try {
    return readArgsOf(path, command, argv, quiet);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(e.message, usage(path, command)) : e;
  }
}

function readArgsOf(path, command, argv, quiet) {
  const flags = {};
  const positional = [];
  const byName = new Map();
  for (const [key, [short, long, value]] of Object.entries(command.flags ?? {})) {
    if (short) byName.set(`-${short}`, [key, value]);
    if (long) byName.set(`--${long}`, [key, value]);
  }
  for (let i = 0; i < argv.length; i++) {
    let arg = command.aliases?.[argv[i]] ?? argv[i];
    if (arg === '--help' || arg === '-h') return { help: helpText(path, command) };
    if (arg === '--quiet') {
      quiet = true;
      continue;
    }
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let inline;
    if (arg.startsWith('--') && arg.includes('=')) [arg, inline] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    // Short flags run together: -am MSG.
    const shorts = !arg.startsWith('--') && arg.length > 2 ? [...arg.slice(1)].map((c) => `-${c}`) : [arg];
    for (const [j, one] of shorts.entries()) {
      const known = byName.get(one);
      if (!known) throw new UsageError(`unexpected argument '${one}' found`);
      const [key, value] = known;
      if (!value) {
        flags[key] = true;
        continue;
      }
      const rest = shorts.length > 1 && j < shorts.length - 1 ? arg.slice(j + 2) : undefined;
      const given = inline ?? rest ?? argv[++i];
      if (given === undefined) throw new UsageError(`a value is required for '${one} <${value}>' but none was supplied`);
      flags[key] = given;
      break;
    }
  }
  for (const key of command.required ?? []) {
    if (flags[key] === undefined) throw new UsageError(`the following required arguments were not provided: --${command.flags[key][1]}`);
  }
  const specs = command.args ?? [];
  const args = {};
  for (const [name, required] of specs) {
    if (name.endsWith('...')) {
      args[name] = positional.splice(0);
      if (required && args[name].length === 0) throw new UsageError(`the following required arguments were not provided: <${name}>`);
      continue;
    }
    if (positional.length === 0) {
      if (required) throw new UsageError(`the following required arguments were not provided: <${name}>`);
      continue;
    }
    args[name] = positional.shift();
  }
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}' found`);
  for (const [name, key] of Object.entries(command.requires ?? {})) {
    if (args[name] !== undefined && !flags[key]) {
      throw new UsageError(`the following required arguments were not provided:\n  --${command.flags[key][1]}`);
    }
  }
  return { flags, args: Object.values(args), quiet };
}

export function parse(argv) {
  let quiet = false;
  const rest = argv.filter((a) => (a === '--quiet' ? !(quiet = true) : true));
  const [verb, ...tail] = rest;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') return { help: HELP };
  if (verb === '--version' || verb === '-V') return { version: true };
  const command = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
  if (!command) throw new UsageError(`unrecognized subcommand '${verb}'`);
  if (!command.subcommands) return { verb, ...readArgs(verb, command, tail, quiet) };
  const actionIndex = tail.findIndex((a) => !a.startsWith('-'));
  if (actionIndex < 0) return { verb, ...readArgs(verb, command, tail, quiet) };
  const name = tail[actionIndex];
  const action = Object.entries(command.subcommands).find(([n, c]) => n === name || c.aliases?.includes(name));
  if (!action) throw new UsageError(`unrecognized subcommand '${name}'`);
  const outer = readArgs(verb, command, tail.slice(0, actionIndex), quiet);
  if (outer.help) return outer;
  const inner = readArgs(`${verb} ${action[0]}`, action[1], tail.slice(actionIndex + 1), outer.quiet);
  if (inner.help) return inner;
  return { verb, action: action[0], flags: { ...outer.flags, ...inner.flags }, args: inner.args, quiet: inner.quiet };
}
