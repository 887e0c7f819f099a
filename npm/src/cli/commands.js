// The verbs of the Node `cairn`, each printing what the native CLI prints
// (bindings/native/src/cli/*), on the Repo API with the database in the current directory.

import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { formatCommit, formatCsv, formatDiff, formatJson, formatStatus, formatTable, formatTime, Repo } from '../node.js';
import { cairnError } from '../errors.js';
import { reporter, size } from './progress.js';

const HERE = 'file://.';
const FORMATS = { table: formatTable, csv: formatCsv, json: formatJson };

/** The clock and author from the environment, as the native CLI reads them. */
function options() {
  const env = process.env;
  const fixed = Number.parseInt(env.CAIRN_TIME_MS ?? '', 10);
  return {
    author: { name: env.CAIRN_USER_NAME || undefined, email: env.CAIRN_USER_EMAIL || undefined },
    now: Number.isNaN(fixed) ? Date.now : () => fixed,
  };
}

/** Runs a long operation with a progress reporter on stderr. */
async function withProgress(quiet, op) {
  const r = reporter(quiet);
  try {
    return await op(r.onProgress);
  } finally {
    r.finish();
  }
}

async function open() {
  try {
    return await Repo.open(HERE, options());
  } catch (e) {
    if (e.code !== 'NOT_A_DATABASE') throw e;
    throw cairnError(e.code, 'the current directory is not a cairn database (no .cairn/ here); run `cairn init` or change directory');
  }
}

const listing = (mark, name, hash, verbose) => (verbose ? `${mark} ${name.padEnd(20)} ${hash}\n` : `${mark} ${name}\n`);
const named = (locations, verbose) => locations.map(({ name, url }) => (verbose ? `${name} ${url}\n` : `${name}\n`)).join('');

function report(r) {
  if (r.problems.length) throw cairnError('CORRUPT', `the store is damaged: ${r.problems.map((p) => p.message).join('; ')}`);
  let out = `checked ${r.tables} table files, ${r.chunks} chunks (${r.bytes} bytes)\n`;
  for (const orphan of r.orphans) {
    out += `note: table file '${orphan}' is not in the manifest (merged into another, or left by an interrupted write; gc deletes it)\n`;
  }
  return `${out}no problems found\n`;
}

function queryResult(result, format) {
  if (result.affected !== undefined) {
    return `Query OK, ${result.affected} row${result.affected === 1 ? '' : 's'} affected\n`;
  }
  // JSON is one line with no newline of its own; a terminal wants one.
  return format === 'json' ? `${formatJson(result)}\n` : FORMATS[format](result);
}

function restored({ snapshot, stats }, target) {
  const when = formatTime(snapshot.timeMs);
  return `restored snapshot ${snapshot.id} (${when}) into '${target}': ${stats.chunks} chunks, ${size(stats.bytes)}\n`;
}

function synced({ snapshot, synced: wrote, stats }, label, ms) {
  if (!wrote) return `backup ${label} is up to date (snapshot ${snapshot.id})\n`;
  return `synced backup ${label}: snapshot ${snapshot.id}, ${stats.chunks} chunks, ${size(stats.bytes)} written in ${ms} ms\n`;
}

/** A backup by configured name, or by URL without opening the database. */
async function backupUrl(nameOrUrl) {
  if (nameOrUrl.includes('://')) return nameOrUrl;
  const repo = await open();
  const found = (await repo.backups()).find((b) => b.name === nameOrUrl);
  repo.close();
  if (!found) throw cairnError('BACKUP_NOT_FOUND', `backup '${nameOrUrl}' not found`);
  return found.url;
}

/** A relative backup URL is seen from the database directory, which is the current one. */
const BACKUP = {
  async restore({ flags, args: [source, target], quiet }) {
    const opts = { ...options(), force: flags.force, snapshot: flags.snapshot };
    const result = await withProgress(quiet, async (onProgress) => {
      if (source.includes('://')) return Repo.backupRestore(source, `file://${target}`, { ...opts, onProgress });
      const bytes = await readFile(source).catch((e) => {
        throw cairnError('IO', `${source}: ${e.message}`);
      });
      return Repo.backupRestoreFile(new Uint8Array(bytes), `file://${target}`, { ...opts, onProgress });
    });
    result.repo.close();
    return restored(result, target);
  },
  async export({ flags, args: [backup, file], quiet }) {
    const url = await backupUrl(backup);
    const bytes = await withProgress(quiet, (onProgress) => Repo.backupExport(url, { snapshot: flags.snapshot, onProgress }));
    const tmp = `${file.replace(/\.[^./]*$/, '')}.cairnbak-partial`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw cairnError('IO', `${file}: ${e.message}`);
    }
    return `wrote ${file} (${size(bytes.length)})\n`;
  },
  async snapshots({ args: [backup] }) {
    const snapshots = await Repo.backupSnapshots(await backupUrl(backup));
    const rows = snapshots.map((s) => `${s.id}  ${formatTime(s.timeMs).padEnd(30)} ${s.head}\n`);
    return `ID        TIME                           BRANCH\n${rows.join('')}`;
  },
  async verify({ args: [backup] }) {
    return report(await Repo.verify(await backupUrl(backup)));
  },
  async prune({ flags, args: [backup], quiet }) {
    const keepLast = Number(flags.keepLast);
    const s = await withProgress(quiet, async (onProgress) =>
      Repo.backupPrune(await backupUrl(backup), { ...options(), keepLast, onProgress }),
    );
    return `removed ${s.snapshotsRemoved} snapshots, kept ${s.snapshotsKept}; deleted ${s.tableFilesDeleted} table files; ${size(s.bytesBefore)} -> ${size(s.bytesAfter)}\n`;
  },
};

/** Verbs on the open database in the current directory. */
const IN_DATABASE = {
  status: async (repo) => formatStatus(await repo.status()),
  async add(repo, { args: [tables] }) {
    await repo.add(tables);
    return '';
  },
  async commit(repo, { flags }) {
    return formatCommit(await repo.commit({ message: flags.message ?? '', all: !!flags.all, allowEmpty: !!flags.allowEmpty }));
  },
  async log(repo, { flags, args: [start] }) {
    const limit = flags.number === undefined ? undefined : Number(flags.number);
    return (await repo.log({ start, limit })).map(formatCommit).join('\n');
  },
  async branch(repo, { flags, args: [name, start] }) {
    if (flags.delete) return repo.deleteBranch(flags.delete).then(() => '');
    if (name) return repo.createBranch(name, start).then(() => '');
    const branches = await repo.branches({ all: !!flags.all });
    return branches
      .map((b) => listing(b.current ? '*' : ' ', b.remote ? `remotes/${b.name}` : b.name, b.hash, flags.verbose))
      .join('');
  },
  async checkout(repo, { flags, args: [name, start] }) {
    await repo.checkout(name, { create: !!flags.create, start });
    return flags.create ? `Switched to a new branch '${name}'\n` : `Switched to branch '${name}'\n`;
  },
  async tag(repo, { flags, args: [name, ref] }) {
    if (flags.delete) return repo.deleteTag(flags.delete).then(() => '');
    if (name) return repo.createTag(name, ref).then(() => '');
    return (await repo.tags()).map((t) => (flags.verbose ? `${t.name}\t${t.hash}\n` : `${t.name}\n`)).join('');
  },
  async reset(repo, { flags, args: [ref] }) {
    const at = await repo.reset({ hard: !!flags.hard, ref });
    return flags.hard ? `HEAD is now at ${at}\n` : '';
  },
  diff: async (repo, { flags, args: [ref] }) => formatDiff(await repo.diff({ cached: !!flags.cached, ref })),
  async ls(repo, { args: [ref] }) {
    const tables = await repo.ls(ref);
    const place = ref === undefined ? 'working set' : `'${ref}'`;
    if (tables.length === 0) return `No tables in ${place}\n`;
    return `Tables in ${place}:\n${tables.map((t) => `\t${t}\n`).join('')}`;
  },
  async sql(repo, { flags }) {
    const format = flags.format ?? 'table';
    if (!FORMATS[format]) throw cairnError('INVALID_ARGUMENT', `invalid value '${format}' for '--result-format': table, csv or json`);
    if (flags.query === undefined && process.stdin.isTTY) {
      process.stderr.write('reading SQL statements from standard input; end with Ctrl-D\n');
    }
    const query = flags.query ?? (await text(process.stdin));
    return (await repo.sql(query)).map((r) => queryResult(r, format)).join('');
  },
  fsck: async (repo) => report(await repo.verify()),
  async remote(repo, { action, flags, args: [name, url] }) {
    if (action === 'add') return repo.addRemote(name, url).then(() => '');
    if (action === 'remove') return repo.removeRemote(name).then(() => '');
    return named(await repo.remotes(), flags.verbose);
  },
  async push(repo, { flags, args: [remote, branch], quiet }) {
    const t = await withProgress(quiet, (onProgress) => repo.push(remote, branch, { force: !!flags.force, onProgress }));
    if (!t.updated) return 'Everything up-to-date\n';
    const from = t.old ? t.old.slice(0, 8) : '[new branch]';
    return `${from}..${t.new.slice(0, 8)} ${branch} -> ${branch} (${t.stats.chunks} chunks, ${size(t.stats.bytes)})\n`;
  },
  async fetch(repo, { args: [remote = 'origin'], quiet }) {
    const stats = await withProgress(quiet, (onProgress) => repo.fetch(remote, { onProgress }));
    return stats.chunks === 0 ? '' : `fetched ${stats.chunks} chunks, ${size(stats.bytes)}\n`;
  },
  async pull(repo, { args: [remote, branch], quiet }) {
    const t = await withProgress(quiet, (onProgress) => repo.pull(remote, branch, { onProgress }));
    return t.updated ? `Fast-forward ${t.old?.slice(0, 8) ?? ''}..${t.new.slice(0, 8)}\n` : 'Already up to date.\n';
  },
  async backup(repo, { action, flags, args: [name, url], quiet }) {
    if (action === 'add') return repo.addBackup(name, url).then(() => '');
    if (action === 'remove') return repo.removeBackup(name).then(() => '');
    if (action === undefined) return named(await repo.backups(), flags.verbose);
    const started = Date.now();
    const [label, sync] = action === 'sync'
      ? [`'${name}'`, (onProgress) => repo.backupSync(name, { onProgress })]
      : [name, (onProgress) => repo.backupSyncUrl(name, { onProgress })];
    const result = await withProgress(quiet, sync);
    return synced(result, label, Date.now() - started);
  },
};

/** Runs a parsed command line; resolves to what to print on stdout. */
export async function run(command) {
  const { verb, action } = command;
  if (verb === 'init') {
    const repo = await Repo.init(HERE, options()).catch((e) => {
      throw e.code === 'ALREADY_EXISTS' ? cairnError(e.code, '. already holds a cairn database') : e;
    });
    repo.close();
    return 'Successfully initialized cairn data repository.\n';
  }
  if (verb === 'clone') {
    const [url, dir] = command.args;
    const name = dir ?? basename(resolve(url.slice(url.indexOf('://') + 3)));
    const repo = await withProgress(command.quiet, (onProgress) =>
      Repo.clone(url, `file://${name}`, { ...options(), onProgress }),
    );
    repo.close();
    return `cloned ${url} into '${name}'\n`;
  }
  if (verb === 'backup' && Object.hasOwn(BACKUP, action)) return BACKUP[action](command);
  const repo = await open();
  try {
    return await IN_DATABASE[verb](repo, command);
  } finally {
    repo.close();
  }
}
