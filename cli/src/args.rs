//! The command line, as users of `git` and `dolt` expect to type it.

use cairn_core::retention::{Duration, KeepCount, Policy, PolicyError};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "cairn",
    version,
    about = "Cairn: a versioned database, with backups that complement remotes",
    long_about = "Cairn is a versioned SQL database: commit, branch, tag and diff tables like files in Git, \
push branches to remotes, and keep private, incremental backups of the whole database \
(every branch, tag, remote-tracking branch and uncommitted change).\n\n\
A database lives in the current directory's .cairn/ folder."
)]
pub struct Cli {
    /// Print no progress (`-q` belongs to `sql`, as in Dolt)
    #[arg(long, global = true)]
    pub quiet: bool,
    /// The token for http:// and https:// stores (`cairn serve`), from the first line of FILE;
    /// it comes before CAIRN_TOKEN, which comes before a token stored with `remote add` or
    /// `backup add` (which store the one given here, in .cairn/credentials)
    #[arg(long, global = true, value_name = "FILE")]
    pub token_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ResultFormat {
    Table,
    Csv,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create an empty database in the current directory, with branch `main` and an initial commit
    Init,
    /// Read, set, unset or list settings: user.name and user.email, who commits (set them
    /// before `init`, as Dolt asks, with --global). This database's settings come before the
    /// global ones, and CAIRN_USER_NAME and CAIRN_USER_EMAIL before both
    Config {
        /// The global file, for every database: $XDG_CONFIG_HOME/cairn/config, else
        /// $HOME/.config/cairn/config
        #[arg(long)]
        global: bool,
        /// Show every setting as KEY=VALUE (the global ones first)
        #[arg(short, long, conflicts_with_all = ["key", "value", "unset"])]
        list: bool,
        /// Remove KEY
        #[arg(long, requires = "key", conflicts_with = "value")]
        unset: bool,
        /// user.name or user.email (any KEY that --list shows can be read)
        #[arg(required_unless_present = "list")]
        key: Option<String>,
        /// Set KEY to this (without it, KEY's value is printed)
        value: Option<String>,
    },
    /// Show the current branch and which tables are staged, modified or untracked
    Status,
    /// Stage tables for the next commit: names, or `.` for every change
    Add {
        #[arg(required = true, value_name = "TABLE|.")]
        tables: Vec<String>,
    },
    /// Record the staged tables as a new commit on the current branch
    Commit {
        /// Commit message
        #[arg(short, long)]
        message: Option<String>,
        /// Stage every change (new tables included) before committing
        #[arg(short, long)]
        all: bool,
        /// Commit even if nothing changed
        #[arg(long)]
        allow_empty: bool,
        /// Replace the branch's last commit with one of the staged tables, keeping its
        /// parents (and its message, unless -m gives another)
        #[arg(long)]
        amend: bool,
    },
    /// Show commit history, newest first
    Log {
        /// Show at most N commits
        #[arg(short = 'n', long = "number", value_name = "N")]
        number: Option<usize>,
        /// Draw the commits' parents as a graph
        #[arg(long)]
        graph: bool,
        /// One line per commit: the start of its hash, its names, its message's first line
        #[arg(long)]
        oneline: bool,
        /// Where to start (default HEAD): a branch, tag, remote/branch or commit
        #[arg(value_name = "REF")]
        start: Option<String>,
    },
    /// List, create, delete or rename branches
    Branch {
        /// List remote-tracking branches too
        #[arg(short, long)]
        all: bool,
        /// Delete the named branch, if the current branch has all its commits and it has no
        /// uncommitted changes
        #[arg(short, long, value_name = "NAME", conflicts_with_all = ["name", "start", "force_delete", "rename"])]
        delete: Option<String>,
        /// Delete the named branch and its uncommitted changes, merged or not
        #[arg(short = 'D', value_name = "NAME", conflicts_with_all = ["name", "start", "rename"])]
        force_delete: Option<String>,
        /// Rename branch OLD to NEW (its uncommitted changes go along)
        #[arg(short = 'm', long = "move", num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["name", "start"])]
        rename: Option<Vec<String>>,
        /// Show the commit each branch points at
        #[arg(short, long)]
        verbose: bool,
        /// Name of a branch to create
        name: Option<String>,
        /// Where the new branch starts (default HEAD)
        start: Option<String>,
    },
    /// Switch to a branch, or create one with -b; a branch only a remote has (one remote) is
    /// made here from `REMOTE/BRANCH`, following it
    Checkout {
        /// Create the branch, then switch to it (uncommitted changes come along)
        #[arg(short = 'b')]
        create: bool,
        /// Branch name
        name: String,
        /// Where a new branch starts (with -b; default HEAD)
        start: Option<String>,
    },
    /// List, create or delete tags
    Tag {
        /// Delete the named tag
        #[arg(short, long, value_name = "NAME", conflicts_with_all = ["name", "target"])]
        delete: Option<String>,
        /// Show the commit each tag points at
        #[arg(short, long)]
        verbose: bool,
        /// Name of a tag to create
        name: Option<String>,
        /// What to tag (default HEAD): a branch, tag, remote/branch or commit
        #[arg(value_name = "REF")]
        target: Option<String>,
    },
    /// Unstage everything, or with --hard discard uncommitted changes and move the branch to REF
    Reset {
        /// Make the working and staged tables match REF (default HEAD), discarding changes
        #[arg(long)]
        hard: bool,
        /// Commit to reset to (with --hard)
        #[arg(value_name = "REF", requires = "hard")]
        target: Option<String>,
    },
    /// Join another branch's history (a branch, tag, remote/branch or commit) into the current
    /// branch: a fast-forward when possible, else a three-way merge of every table, row and
    /// cell, committed at once unless it leaves conflicts (see `conflicts`)
    Merge {
        /// Refuse unless it is a fast-forward
        #[arg(long, conflicts_with = "no_ff")]
        ff_only: bool,
        /// Make a merge commit even when a fast-forward would do
        #[arg(long)]
        no_ff: bool,
        /// The merge commit's message (default: "Merge branch 'NAME'")
        #[arg(short, long)]
        message: Option<String>,
        /// Give up the merge in progress: back to the state before it
        #[arg(long, conflicts_with_all = ["ff_only", "no_ff", "message", "target"])]
        abort: bool,
        /// What to merge: a branch, tag, remote/branch or commit
        #[arg(value_name = "REF", required_unless_present = "abort")]
        target: Option<String>,
    },
    /// Apply the change a commit made to the current branch, as a new commit with its message
    /// (conflicts as `merge` leaves them)
    CherryPick {
        /// Give up the cherry-pick in progress
        #[arg(long, conflicts_with = "target")]
        abort: bool,
        #[arg(value_name = "REF", required_unless_present = "abort")]
        target: Option<String>,
    },
    /// Undo the change a commit made, as a new commit on the current branch (conflicts as
    /// `merge` leaves them)
    Revert {
        /// Give up the revert in progress
        #[arg(long, conflicts_with = "target")]
        abort: bool,
        #[arg(value_name = "REF", required_unless_present = "abort")]
        target: Option<String>,
    },
    /// A merge's conflicts: list a table's, or settle them
    Conflicts {
        #[command(subcommand)]
        action: ConflictsAction,
    },
    /// Import a CSV or JSON file into a table, or export a table to one
    Table {
        #[command(subcommand)]
        action: TableAction,
    },
    /// Show changed tables, schemas and rows: working against staged, --cached staged against
    /// HEAD, working against REF, or REF2 against REF
    Diff {
        /// Compare the staged tables with HEAD
        #[arg(long, visible_alias = "staged", conflicts_with = "from")]
        cached: bool,
        /// Count the rows added, removed and modified per table instead of showing them
        #[arg(long)]
        stat: bool,
        /// What to compare from (a branch, tag, remote/branch or commit)
        #[arg(value_name = "REF")]
        from: Option<String>,
        /// What to compare REF with (default: the working set)
        #[arg(value_name = "REF2")]
        to: Option<String>,
    },
    /// Show a commit (default HEAD): its header, then what it changed against its first parent
    Show {
        /// Count the rows changed per table instead of showing them
        #[arg(long)]
        stat: bool,
        #[arg(value_name = "REF")]
        target: Option<String>,
    },
    /// List the tables in the working set, or at REF (branch, tag, remote/branch or commit)
    Ls {
        #[arg(value_name = "REF")]
        target: Option<String>,
    },
    /// Run SQL against the working set: -q QUERY, statements from standard input, or (on a
    /// terminal) an interactive shell with line editing and history (~/.cairn_sql_history);
    /// end a statement with ';', leave with exit, quit or Ctrl-D. The shell's statements see
    /// what other sessions saved meanwhile; a transaction reads the state it began with
    Sql {
        /// The statements to run
        #[arg(short, long, value_name = "QUERY")]
        query: Option<String>,
        /// How to print results
        #[arg(
            short = 'r',
            long = "result-format",
            value_enum,
            default_value = "table"
        )]
        format: ResultFormat,
    },
    /// Check every chunk of the database's store against its hash
    Fsck,
    /// Rewrite what every branch, tag, remote-tracking branch and working set reaches into
    /// compact table files and delete the rest; with URL, the same for a remote's store.
    /// Files no manifest lists are deleted once older than 15 minutes (a writer may be using
    /// them). Runs by itself when a database's files have grown to twice what the last gc kept
    Gc {
        /// A remote's store instead of this database's (backups: `backup prune`)
        url: Option<String>,
    },
    /// Serve every store (remote or backup) under a folder over HTTP, or manage its tokens
    Serve(crate::serve::ServeArgs),
    /// List, add or remove remotes: locations that branches are pushed to and fetched from
    Remote {
        /// Show each remote's URL
        #[arg(short, long)]
        verbose: bool,
        #[command(subcommand)]
        action: Option<RemoteAction>,
    },
    /// Copy a branch's or tag's commits to a remote and move the remote's branch (fast-forward
    /// only unless --force) or create its tag (if it lacks it, unless --force)
    Push {
        /// Overwrite the remote branch even if that drops commits from it, or a remote tag that
        /// points at another commit
        #[arg(short, long)]
        force: bool,
        /// Push every tag too (all the remote lacks; one it has elsewhere needs --force);
        /// without BRANCH|TAG, only the tags
        #[arg(long)]
        tags: bool,
        /// Make the branch pushed follow REMOTE's branch, for `push` and `pull` without
        /// arguments
        #[arg(short = 'u', long)]
        set_upstream: bool,
        /// Where to push (default: the current branch's upstream's remote)
        remote: Option<String>,
        /// The branch or tag to push (default: the current branch)
        #[arg(value_name = "BRANCH|TAG")]
        name: Option<String>,
    },
    /// Copy every branch and tag of a remote, updating the remote-tracking branches and
    /// creating the tags this database lacks (a tag it has elsewhere is kept, with a warning)
    Fetch {
        /// Replace local tags that point elsewhere than the remote's tags of the same name
        #[arg(short, long)]
        force: bool,
        #[arg(default_value = "origin")]
        remote: String,
    },
    /// Fetch, then merge REMOTE/BRANCH into the current branch (as `merge` does)
    Pull {
        /// Refuse unless it is a fast-forward
        #[arg(long, conflicts_with = "no_ff")]
        ff_only: bool,
        /// Make a merge commit even when a fast-forward would do
        #[arg(long)]
        no_ff: bool,
        /// Where to fetch from (default: the current branch's upstream's remote, and then
        /// BRANCH is the upstream branch)
        remote: Option<String>,
        /// The remote branch (default: the current branch's name)
        branch: Option<String>,
    },
    /// Make a new database from a remote: every branch and tag, origin set, default branch
    /// checked out
    Clone {
        url: String,
        /// Where to create it (default: the URL's last path component)
        dir: Option<String>,
    },
    /// Private, full-state backups: every branch, tag, remote-tracking branch and
    /// uncommitted change, synced incrementally, with a history of snapshots
    Backup {
        /// Show each backup's URL
        #[arg(short, long)]
        verbose: bool,
        /// Read an encrypted backup's password from FILE (its first line; else from
        /// CAIRN_PASSWORD, else asked on the terminal)
        #[arg(long, global = true, value_name = "FILE")]
        password_file: Option<String>,
        #[command(subcommand)]
        action: Option<BackupAction>,
    },
}

#[derive(Subcommand)]
pub enum KeyAction {
    /// List the backup's keys
    List {
        #[arg(value_name = "NAME|URL")]
        backup: String,
    },
    /// Add a key for another password (from --new-password-file, CAIRN_NEW_PASSWORD, or
    /// asked twice on the terminal)
    Add {
        #[arg(long, value_name = "FILE")]
        new_password_file: Option<String>,
        #[arg(value_name = "NAME|URL")]
        backup: String,
    },
    /// Remove a key (an id from `backup key list`, or its start); the last one stays
    Remove {
        id: String,
        #[arg(value_name = "NAME|URL")]
        backup: String,
    },
}

impl KeyAction {
    /// The backup it names.
    pub fn backup(&self) -> &str {
        match self {
            KeyAction::List { backup }
            | KeyAction::Add { backup, .. }
            | KeyAction::Remove { backup, .. } => backup,
        }
    }
}

#[derive(Subcommand)]
pub enum ConflictsAction {
    /// Show a table's conflicting rows (base, ours, theirs) or its conflicting schemas
    Cat { table: String },
    /// Settle tables' conflicts: with --ours or --theirs, each conflicting row (or a schema
    /// conflict's whole table) takes that side's version; without, the rows stay as edited.
    /// The tables are staged
    Resolve {
        /// Take the current branch's version
        #[arg(long, conflicts_with = "theirs")]
        ours: bool,
        /// Take the version of what was merged in (or cherry-picked, or reverted to)
        #[arg(long)]
        theirs: bool,
        #[arg(required = true, value_name = "TABLE")]
        tables: Vec<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FileTypeArg {
    Csv,
    Json,
}

#[derive(Subcommand)]
pub enum TableAction {
    /// Load a file into TABLE, in the working set, as Dolt's `table import` does: with -c a
    /// new table (column types inferred: integers int or bigint, exact numbers decimal(p,s),
    /// numbers with an exponent double, true/false bool, anything else text), with -u rows
    /// inserted or updated by primary key (columns the file lacks keep their values), with -r
    /// the table's rows replaced by the file's.
    ///
    /// CSV: RFC 4180 with a header row naming the columns; an empty field is NULL, a quoted
    /// empty field ("") the empty string. JSON: {"rows": [{"column": value, ...}, ...]}.
    /// Values are checked as an INSERT checks them; the first one refused stops the import
    /// with its line (CSV) or row (JSON), and nothing is imported.
    #[command(group(clap::ArgGroup::new("mode").required(true).args(["create", "update", "replace"])))]
    Import {
        /// Create TABLE from the file (needs --pk)
        #[arg(short, long)]
        create: bool,
        /// Insert the file's rows into TABLE, updating those whose primary key it has
        #[arg(short, long)]
        update: bool,
        /// Replace TABLE's rows with the file's, keeping its schema
        #[arg(short, long)]
        replace: bool,
        /// With -c: replace a table of that name
        #[arg(short, long, requires = "create")]
        force: bool,
        /// With -c: the primary key's columns, comma-separated
        #[arg(long, value_name = "COLUMN[,COLUMN...]", value_delimiter = ',')]
        pk: Vec<String>,
        /// The file's format (default: its extension's)
        #[arg(long, value_enum)]
        file_type: Option<FileTypeArg>,
        /// The table to make (-c) or to write into (-u, -r)
        table: String,
        /// The file to read, or `-` for standard input
        file: String,
    },
    /// Write every row of TABLE in the working set, in primary-key order, to a CSV file (a
    /// header row; NULL an empty field, the empty string "") or a JSON file ({"rows": [...]})
    Export {
        /// Overwrite FILE if it exists
        #[arg(short, long)]
        force: bool,
        /// The file's format (default: its extension's)
        #[arg(long, value_enum)]
        file_type: Option<FileTypeArg>,
        /// The table to write out
        table: String,
        /// The file to write, or `-` for standard output
        file: String,
    },
}

#[derive(Subcommand)]
pub enum RemoteAction {
    /// Add a remote; with --token-file, keep that token for it (in .cairn/credentials, not
    /// in the config)
    Add { name: String, url: String },
    /// Remove a remote and its remote-tracking branches (its contents stay where they are)
    #[command(visible_alias = "rm")]
    Remove { name: String },
}

#[derive(Subcommand)]
pub enum BackupAction {
    /// An encrypted backup's keys: one per password
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// Add a backup location (nothing is copied until `backup sync`); with --token-file, keep
    /// that token for it (in .cairn/credentials, not in the config)
    Add {
        name: String,
        url: String,
        /// Make it an encrypted backup (its password: --password-file, CAIRN_PASSWORD, or
        /// asked twice on the terminal)
        #[arg(long)]
        encrypt: bool,
    },
    /// Forget a backup (its contents stay where they are)
    #[command(visible_alias = "rm")]
    Remove { name: String },
    /// Add a snapshot of the whole database to a backup, copying only what it lacks
    Sync {
        name: String,
        #[command(flatten)]
        options: SyncOptions,
    },
    /// `sync` to a URL without adding it as a backup
    SyncUrl {
        url: String,
        /// Make it an encrypted backup if it is new
        #[arg(long)]
        encrypt: bool,
        #[command(flatten)]
        options: SyncOptions,
    },
    /// Create a new database in DIR from a backup's latest snapshot (or --snapshot). URL may
    /// also be the path of a .cairnbak file made by `backup export` (or a browser)
    Restore {
        /// Replace a database that exists in DIR
        #[arg(long)]
        force: bool,
        /// Restore this snapshot (an id from `backup snapshots`) instead of the latest
        #[arg(long, value_name = "ID")]
        snapshot: Option<String>,
        /// Make the new database the backup's writer, so its syncs continue the backup's
        /// history (after a disaster); the backup records the adoption as a snapshot. Needs
        /// write access to the backup; the old database can no longer sync to it
        #[arg(long)]
        adopt: bool,
        #[arg(value_name = "URL|FILE")]
        url: String,
        dir: String,
    },
    /// Write a backup (or one --snapshot of it) as one .cairnbak file, to keep or carry elsewhere
    Export {
        /// Export only this snapshot (an id from `backup snapshots`)
        #[arg(long, value_name = "ID")]
        snapshot: Option<String>,
        #[arg(value_name = "NAME|URL")]
        backup: String,
        file: String,
    },
    /// List a backup's snapshots (by backup name or URL, or a .cairnbak file)
    Snapshots {
        /// Print JSON: an array of snapshots, oldest first
        #[arg(long)]
        json: bool,
        #[arg(value_name = "NAME|URL|FILE")]
        backup: String,
    },
    /// Remove the snapshots a retention policy does not keep (restic's `forget` and its
    /// policy), never the one written last, which the next sync continues from. Their data
    /// stays until a prune: add --prune
    Forget {
        #[arg(value_name = "NAME|URL")]
        backup: String,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Print what would be kept and removed, and why, and change nothing
        #[arg(long, short = 'n')]
        dry_run: bool,
        /// Also delete the data only the removed snapshots used, as `backup prune` does
        #[arg(long)]
        prune: bool,
        /// Print JSON: the kept snapshots with their reasons, the removed ones
        #[arg(long)]
        json: bool,
    },
    /// Drop all but the newest snapshots and delete the data only they used, including files
    /// an interrupted sync left over 15 minutes ago
    Prune {
        #[arg(value_name = "NAME|URL")]
        backup: String,
        /// How many of the newest snapshots to keep (at least 1)
        #[arg(long, value_name = "N")]
        keep_last: usize,
    },
    /// Check that every snapshot of a backup (by name or URL, or a .cairnbak file) has every
    /// chunk it needs, whole; name the snapshots that are damaged and those intact
    Verify {
        /// Read the data of one slice N of T of the table files (restic's option): run it
        /// with 1/T, 2/T ... T/T in turn and every byte has been checked after T runs. Every
        /// snapshot's tree nodes are still read and walked, so a missing chunk is always found
        #[arg(long, value_name = "N/T", value_parser = subset)]
        read_data_subset: Option<cairn_core::verify::Subset>,
        #[arg(value_name = "NAME|URL|FILE")]
        backup: String,
    },
}

fn subset(text: &str) -> Result<cairn_core::verify::Subset, String> {
    cairn_core::verify::Subset::parse(text)
        .ok_or_else(|| "expected N/T with 1 <= N <= T, as in 1/7".to_owned())
}

/// restic's retention flags. Counts take -1 for "every one"; the union of what each keeps
/// is kept.
#[derive(clap::Args)]
pub struct PolicyArgs {
    /// Keep the N newest snapshots
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = policy_part::<KeepCount>)]
    pub keep_last: Option<KeepCount>,
    /// Keep the newest snapshot of each of the N newest hours that have one
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = policy_part::<KeepCount>)]
    pub keep_hourly: Option<KeepCount>,
    /// Keep the newest snapshot of each of the N newest days (UTC) that have one
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = policy_part::<KeepCount>)]
    pub keep_daily: Option<KeepCount>,
    /// Keep the newest snapshot of each of the N newest ISO weeks that have one
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = policy_part::<KeepCount>)]
    pub keep_weekly: Option<KeepCount>,
    /// Keep the newest snapshot of each of the N newest months that have one
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = policy_part::<KeepCount>)]
    pub keep_monthly: Option<KeepCount>,
    /// Keep the newest snapshot of each of the N newest years that have one
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = policy_part::<KeepCount>)]
    pub keep_yearly: Option<KeepCount>,
    /// Keep every snapshot newer than DURATION before the newest one (as 1y2m3d4h)
    #[arg(long, value_name = "DURATION", value_parser = policy_part::<Duration>)]
    pub keep_within: Option<Duration>,
    /// Keep every snapshot carrying TAG (repeatable)
    #[arg(long = "keep-tag", value_name = "TAG")]
    pub keep_tags: Vec<String>,
}

/// A count or duration, with the core's message when it does not parse.
fn policy_part<T: std::str::FromStr<Err = PolicyError>>(text: &str) -> Result<T, String> {
    text.parse().map_err(|e: PolicyError| e.to_string())
}

impl From<PolicyArgs> for Policy {
    fn from(a: PolicyArgs) -> Policy {
        Policy {
            keep_last: a.keep_last,
            keep_hourly: a.keep_hourly,
            keep_daily: a.keep_daily,
            keep_weekly: a.keep_weekly,
            keep_monthly: a.keep_monthly,
            keep_yearly: a.keep_yearly,
            keep_within: a.keep_within,
            keep_tags: a.keep_tags,
        }
    }
}

#[derive(clap::Args)]
pub struct SyncOptions {
    /// Tag the snapshot, to find it by and keep it with `forget --keep-tag` (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Say what the snapshot is for; shown by `backup snapshots`
    #[arg(long, short = 'm', value_name = "MSG")]
    pub message: Option<String>,
    /// Before syncing, delete the files interrupted syncs left in the backup that are older
    /// than DURATION (at least 10m; units s, m, h, d, as in 90m or 2h)
    #[arg(long, value_name = "DURATION", value_parser = grace_period)]
    pub prune_with_grace_period: Option<u64>,
    /// Read every chunk the snapshot reaches in the backup and write again any that is lost or
    /// damaged, so that the snapshot restores (after `backup verify` found damage). Without
    /// it, a sync repairs only table files it finds missing or unreadable
    #[arg(long)]
    pub repair: bool,
}

/// A grace period in milliseconds: a whole number and a unit, at least 10 minutes (Dolt's
/// floor: a shorter one could delete the files of a sync that is running).
fn grace_period(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or("add a unit: s, m, h or d (as in 90m)")?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| "expected a number and a unit, as in 90m")?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("unknown unit '{unit}': use s, m, h or d")),
    };
    let ms = number.saturating_mul(unit_ms);
    if ms < 10 * 60_000 {
        return Err("the grace period must be at least 10m".into());
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn grace_periods_have_a_unit_and_a_floor() {
        assert_eq!(super::grace_period("10m"), Ok(600_000));
        assert_eq!(super::grace_period("2h"), Ok(7_200_000));
        assert_eq!(super::grace_period("1d"), Ok(86_400_000));
        for bad in ["9m", "599s", "10", "m", "", "10x", "-5m"] {
            assert!(super::grace_period(bad).is_err(), "{bad}");
        }
    }
}
