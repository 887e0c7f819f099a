// The command line of the Node `cairn`: the native CLI's verbs, flags and help texts
// (bindings/native/src/cli/args.rs), as data for parse.js.
//
// flags: { key: [short, long, takesValue, help] }; args: [name, required]; a trailing '...'
// in a name takes the rest of the arguments; requires: { ARG: flagKey } (ARG only with flag).

export const ABOUT = 'Cairn: a versioned database, with backups that complement remotes';

const flag = (short, long, help, value) => [short, long, value, help];

export const COMMANDS = {
  init: { help: 'Create an empty database in the current directory, with branch `main` and an initial commit' },
  status: { help: 'Show the current branch and which tables are staged, modified or untracked' },
  add: { help: 'Stage tables for the next commit: names, or `.` for every change', args: [['TABLE|....', true]] },
  commit: {
    help: 'Record the staged tables as a new commit on the current branch',
    flags: {
      message: flag('m', 'message', 'Commit message', 'MESSAGE'),
      all: flag('a', 'all', 'Stage every change (new tables included) before committing'),
      allowEmpty: flag(undefined, 'allow-empty', 'Commit even if nothing changed'),
    },
  },
  log: {
    help: 'Show commit history, newest first',
    flags: { number: flag('n', 'number', 'Show at most N commits', 'N') },
    args: [['REF']],
  },
  branch: {
    help: 'List, create or delete branches',
    flags: {
      all: flag('a', 'all', 'List remote-tracking branches too'),
      delete: flag('d', 'delete', 'Delete the named branch', 'NAME'),
      verbose: flag('v', 'verbose', 'Show the commit each branch points at'),
    },
    args: [['NAME'], ['START']],
  },
  checkout: {
    help: 'Switch to a branch, or create one with -b',
    flags: { create: flag('b', undefined, 'Create the branch, then switch to it (uncommitted changes come along)') },
    args: [['NAME', true], ['START']],
  },
  tag: {
    help: 'List, create or delete tags',
    flags: {
      delete: flag('d', 'delete', 'Delete the named tag', 'NAME'),
      verbose: flag('v', 'verbose', 'Show the commit each tag points at'),
    },
    args: [['NAME'], ['REF']],
  },
  reset: {
    help: 'Unstage everything, or with --hard discard uncommitted changes and move the branch to REF',
    flags: { hard: flag(undefined, 'hard', 'Make the working and staged tables match REF (default HEAD), discarding changes') },
    args: [['REF']],
    requires: { REF: 'hard' },
  },
  diff: {
    help: 'Show changed tables and rows: working against staged, --cached staged against HEAD, or working against REF',
    flags: { cached: flag(undefined, 'cached', 'Compare the staged tables with HEAD (also --staged)') },
    aliases: { '--staged': '--cached' },
    args: [['REF']],
  },
  ls: { help: 'List the tables in the working set, or at REF (branch, tag, remote/branch or commit)', args: [['REF']] },
  sql: {
    help: 'Run SQL against the working set: -q QUERY, or statements from standard input',
    flags: {
      query: flag('q', 'query', 'The statements to run', 'QUERY'),
      format: flag('r', 'result-format', 'How to print results: table, csv or json', 'FORMAT'),
    },
  },
  fsck: { help: "Check every chunk of the database's store against its hash" },
  remote: {
    help: 'List, add or remove remotes: locations that branches are pushed to and fetched from',
    flags: { verbose: flag('v', 'verbose', "Show each remote's URL") },
    subcommands: {
      add: { help: 'Add a remote', args: [['NAME', true], ['URL', true]] },
      remove: { help: 'Remove a remote and its remote-tracking branches', aliases: ['rm'], args: [['NAME', true]] },
    },
  },
  push: {
    help: "Copy a branch's commits to a remote and move the remote's branch (fast-forward only unless --force)",
    flags: { force: flag('f', 'force', 'Overwrite the remote branch even if that drops commits from it') },
    args: [['REMOTE', true], ['BRANCH', true]],
  },
  fetch: { help: 'Copy every branch and tag of a remote, updating the remote-tracking branches', args: [['REMOTE']] },
  pull: { help: 'Fetch, then fast-forward the current branch to REMOTE/BRANCH', args: [['REMOTE', true], ['BRANCH']] },
  clone: {
    help: 'Make a new database from a remote: every branch and tag, origin set, default branch checked out',
    args: [['URL', true], ['DIR']],
  },
  backup: {
    help: 'Private, full-state backups: every branch, tag, remote-tracking branch and uncommitted change, synced incrementally, with a history of snapshots',
    flags: { verbose: flag('v', 'verbose', "Show each backup's URL") },
    subcommands: {
      add: { help: 'Add a backup location (nothing is copied until `backup sync`)', args: [['NAME', true], ['URL', true]] },
      remove: { help: 'Forget a backup (its contents stay where they are)', aliases: ['rm'], args: [['NAME', true]] },
      sync: { help: 'Add a snapshot of the whole database to a backup, copying only what it lacks', args: [['NAME', true]] },
      'sync-url': { help: '`sync` to a URL without adding it as a backup', args: [['URL', true]] },
      restore: {
        help: "Create a new database in DIR from a backup's latest snapshot (or --snapshot). URL may also be the path of a .cairnbak file",
        flags: {
          force: flag(undefined, 'force', 'Replace a database that exists in DIR'),
          snapshot: flag(undefined, 'snapshot', 'Restore this snapshot (an id from `backup snapshots`) instead of the latest', 'ID'),
        },
        args: [['URL|FILE', true], ['DIR', true]],
      },
      export: {
        help: 'Write a backup (or one --snapshot of it) as one .cairnbak file, to keep or carry elsewhere',
        flags: { snapshot: flag(undefined, 'snapshot', 'Export only this snapshot (an id from `backup snapshots`)', 'ID') },
        args: [['NAME|URL', true], ['FILE', true]],
      },
      snapshots: { help: "List a backup's snapshots (by backup name or URL)", args: [['NAME|URL', true]] },
      prune: {
        help: 'Drop all but the newest snapshots and delete the data only they used',
        flags: { keepLast: flag(undefined, 'keep-last', 'How many of the newest snapshots to keep (at least 1)', 'N') },
        required: ['keepLast'],
        args: [['NAME|URL', true]],
      },
      verify: { help: 'Check every chunk of a backup against its hash (by backup name or URL)', args: [['NAME|URL', true]] },
    },
  },
};
