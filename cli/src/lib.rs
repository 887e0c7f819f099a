//! The `cairn` command line as a library: parsing, dispatch, messages and exit codes, once,
//! over the core and a `Host` for everything that touches the machine. The native binary
//! (bindings/native) and the Node bin (through bindings/wasm) both run it, so they print the
//! same bytes and exit with the same codes.

mod args;
mod backup;
mod config;
mod credentials;
mod database;
mod encryption;
pub mod host;
mod maintenance;
mod merge;
mod print;
mod progress;
mod refs;
mod remote;
pub mod serve;
mod shell;
mod table;
pub mod url;
mod work;

use std::path::{Path, PathBuf};

use clap::Parser;

use cairn_core::backup::BackupError;
use cairn_core::bundle::BundleError;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::hint::Hint;
use cairn_core::repo::{CommitOptions, RepoError};

use args::{Cli, Command, ConflictsAction, RemoteAction};
use credentials::Named;
use database::{Database, DatabaseError};
pub use host::Host;
use url::{Location, UrlError};

/// Runs `cairn ARGS` (without the program name). Exit codes: 0 success, 1 a command that
/// failed (one `error: ...` line on stderr), 2 a command line that did not parse, 130 a long
/// operation stopped by Ctrl-C (every store left as it was).
pub async fn main<H: Host>(host: &H, args: Vec<String>) -> i32 {
    let argv = std::iter::once("cairn".to_owned()).chain(args);
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            return if e.use_stderr() {
                host.stderr(&text);
                2
            } else {
                host.stdout(&text);
                0
            };
        }
    };
    let password_file = match &cli.command {
        Command::Backup { password_file, .. } => password_file.clone(),
        _ => None,
    };
    let cx = Cx {
        host,
        cwd: host.cwd(),
        quiet: cli.quiet,
        token_file: cli.token_file,
        password_file,
    };
    match run(&cx, cli.command).await {
        Ok(out) => {
            host.stdout(&out);
            0
        }
        Err(e) => {
            host.stderr(&format!("error: {e}\n"));
            // 128 + SIGINT, as a shell reports a command Ctrl-C stopped.
            if e.interrupted() {
                130
            } else {
                1
            }
        }
    }
}

/// Everything a command can fail with, each shown as one line.
#[derive(Debug)]
enum CliError {
    Database(DatabaseError),
    Repo(RepoError),
    /// `fsck` found damage: one message per problem.
    Damaged(Vec<String>),
    Input(std::io::Error),
    Url(UrlError),
    Backup(BackupError),
    Bundle(BundleError),
    /// A URL whose directory does not exist, where one must.
    Missing(String),
    /// A destination that would overwrite what no command should (the current folder, `/`).
    Destination(String),
    /// A location this host cannot reach (an s3:// URL from Node, a client that cannot be
    /// built), and why.
    Unavailable(String),
    /// A token that cannot be read, or is not one.
    Token(String),
    /// An encrypted backup that would not open, or a key change refused.
    Crypt(cairn_crypt::CryptError),
    /// A password that could not be had (none given, unreadable, two that differ).
    Password(String),
    /// A `config` setting that cannot be read or written, and why.
    Config(String),
    /// A file to import or export that cannot be read or written, or told the type of.
    Usage(String),
}

impl CliError {
    /// Whether a long operation stopped because the user asked it to.
    fn interrupted(&self) -> bool {
        use cairn_core::sync::SyncError::Interrupted;
        matches!(
            self,
            CliError::Repo(RepoError::Sync(Interrupted))
                | CliError::Backup(BackupError::Sync(Interrupted))
                | CliError::Bundle(BundleError::Interrupted)
        )
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Database(DatabaseError::Repo(e)) | CliError::Repo(e) => {
                write!(f, "{e}{}", hint(e.hint()))
            }
            CliError::Database(e) => e.fmt(f),
            CliError::Damaged(problems) => {
                write!(f, "the store is damaged: {}", problems.join("; "))
            }
            CliError::Input(e) => write!(f, "cannot read standard input: {e}"),
            CliError::Url(e) => e.fmt(f),
            CliError::Backup(e) => write!(f, "{e}{}", hint(e.hint())),
            CliError::Bundle(e) => e.fmt(f),
            CliError::Missing(url) => write!(f, "nothing at '{url}': the directory does not exist"),
            CliError::Destination(why)
            | CliError::Unavailable(why)
            | CliError::Token(why)
            | CliError::Password(why)
            | CliError::Config(why)
            | CliError::Usage(why) => f.write_str(why),
            CliError::Crypt(e) => e.fmt(f),
        }
    }
}

/// A way out of an error, as the command line words it.
fn hint(hint: Option<Hint>) -> &'static str {
    match hint {
        None => "",
        Some(Hint::Verify) => "; run `cairn fsck`",
        Some(Hint::StageFirst) => " (use \"cairn add\" and/or \"cairn commit -a\")",
        Some(Hint::GiveMessage) => " (give one with -m MESSAGE)",
        Some(Hint::FetchPullOrForce) => " (fetch and pull, or push --force)",
        Some(Hint::ForceReplaceTag) => " (use --force to replace it)",
        Some(Hint::SetUpstream) => {
            " (name the remote, or set the upstream with `cairn push -u REMOTE BRANCH`)"
        }
        Some(Hint::CommitOrResetHard) => "; commit them or `cairn reset --hard` first",
        Some(Hint::RestoreBackup) => "; use `cairn backup restore URL DIR` to restore it",
        Some(Hint::SyncFirst) => "; run `cairn backup sync` first",
        Some(Hint::KeepAtLeastOne) => " (--keep-last 1 or more)",
        Some(Hint::MergeWithoutFfOnly) => " (merge without --ff-only to make a merge commit)",
        Some(Hint::ResolveConflicts) => {
            "; list them with `cairn conflicts cat TABLE`, settle them with `cairn conflicts \
             resolve --ours|--theirs TABLE` (or edit the rows and `cairn conflicts resolve \
             TABLE`), then commit"
        }
        Some(Hint::CommitOrAbortMerge) => "; commit it, or `cairn merge --abort`",
        Some(Hint::EditThenMark) => "; edit its rows, then run `cairn conflicts resolve TABLE`",
        Some(Hint::ForceDelete) => " (use `cairn branch -D` to delete it anyway)",
        Some(Hint::GivePrimaryKey) => " (name its columns with --pk COLUMN[,COLUMN...])",
        Some(Hint::ForceReplaceTable) => " (use -f to replace it)",
        Some(Hint::CreateTable) => " (use -c to create it from the file)",
        Some(Hint::GivePolicy) => {
            " (--keep-last, --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly, \
             --keep-yearly, --keep-within or --keep-tag)"
        }
    }
}

macro_rules! from_errors {
    ($($ty:ty => $variant:ident),*) => {$(
        impl From<$ty> for CliError {
            fn from(e: $ty) -> Self {
                CliError::$variant(e)
            }
        }
    )*};
}

from_errors!(DatabaseError => Database, RepoError => Repo, UrlError => Url,
    BackupError => Backup, BundleError => Bundle, cairn_crypt::CryptError => Crypt);

/// A verify stopped by Ctrl-C is an interruption like a sync's; storage failures are the
/// store's.
impl From<cairn_core::verify::VerifyError> for CliError {
    fn from(e: cairn_core::verify::VerifyError) -> Self {
        use cairn_core::verify::VerifyError;
        match e {
            VerifyError::Io(e) => CliError::Repo(RepoError::Store(e.into())),
            VerifyError::Interrupted => {
                CliError::Repo(RepoError::Sync(cairn_core::sync::SyncError::Interrupted))
            }
        }
    }
}

impl From<cairn_core::StoreError> for CliError {
    fn from(e: cairn_core::StoreError) -> Self {
        CliError::Repo(RepoError::Store(e))
    }
}

type Out = Result<String, CliError>;
type Db<H> = Database<<H as Host>::Storage>;

/// One command's context: the host, its current directory, whether to show progress, and
/// the `--token-file` given.
struct Cx<'h, H: Host> {
    host: &'h H,
    cwd: PathBuf,
    quiet: bool,
    token_file: Option<PathBuf>,
    /// `backup --password-file FILE`: where an encrypted backup's password is.
    password_file: Option<String>,
}

impl<'h, H: Host> Cx<'h, H> {
    fn reporter(&self) -> progress::Reporter<'h, H> {
        progress::Reporter::new(self.host, self.quiet)
    }

    fn now_ms(&self) -> u64 {
        database::now_ms(self.host)
    }

    /// The storage at a URL, which must exist (a folder; a bucket is asked when read);
    /// `named` is the remote or backup it is, if the command named one.
    fn open_storage(
        &self,
        address: &str,
        named: Option<Named<'_>>,
    ) -> Result<H::Storage, CliError> {
        let location = url::parse(address, &self.cwd)?;
        if let Location::Dir(dir) = &location {
            if !self.host.is_dir(dir) {
                return Err(CliError::Missing(address.into()));
            }
        }
        self.storage_at(&location, named)
    }

    fn storage_at(
        &self,
        location: &Location,
        named: Option<Named<'_>>,
    ) -> Result<H::Storage, CliError> {
        match location {
            Location::Dir(dir) => Ok(self.host.storage(dir)),
            Location::Bucket(bucket) => self
                .host
                .bucket_storage(bucket)
                .map_err(CliError::Unavailable),
            Location::Http(served) => self
                .host
                .http_storage(served, self.token(named)?)
                .map_err(CliError::Unavailable),
        }
    }

    /// The token for a `cairn serve` store: from `--token-file`, else `CAIRN_TOKEN`, else the
    /// one stored for the remote or backup `named` (`remote add ... --token-file`), if any.
    fn token(&self, named: Option<Named<'_>>) -> Result<Option<String>, CliError> {
        if let Some(token) = self.token_flag()? {
            return Ok(Some(token));
        }
        if let Some(env) = self.host.env("CAIRN_TOKEN").filter(|t| !t.is_empty()) {
            return credentials::check(&env, "CAIRN_TOKEN")
                .map(Some)
                .map_err(CliError::Token);
        }
        match named {
            Some(named) => Ok(named.stored(self.host)?),
            None => Ok(None),
        }
    }

    /// The token in the `--token-file` given, if one was.
    fn token_flag(&self) -> Result<Option<String>, CliError> {
        self.token_file
            .as_ref()
            .map(|file| credentials::read_file(self.host, &self.cwd.join(file)))
            .transpose()
            .map_err(CliError::Token)
    }

    /// After `remote add` or `backup add` of `name` at `address`: keeps the `--token-file`
    /// token for it, or else forgets any token an earlier one of that name left.
    fn keep_token(
        &self,
        db: &Path,
        kind: credentials::Kind,
        name: &str,
        address: &str,
    ) -> Result<(), CliError> {
        let token = self.token_flag()?;
        if token.is_some() && !matches!(url::parse(address, &self.cwd)?, Location::Http(_)) {
            return Err(CliError::Token(
                "--token-file is for http:// and https:// URLs (a `cairn serve` store)".into(),
            ));
        }
        Ok(credentials::Credentials::load(self.host, db)?.set(self.host, kind, name, token)?)
    }

    /// The chunk store at a URL, which must exist.
    async fn open_store(
        &self,
        address: &str,
        named: Option<Named<'_>>,
    ) -> Result<ChunkStore<H::Storage>, CliError> {
        Ok(ChunkStore::open(self.open_storage(address, named)?).await?)
    }

    /// The storage at a URL that a store's files will be written to; see `destination`.
    fn writable_storage(
        &self,
        address: &str,
        database: Option<&Path>,
        named: Option<Named<'_>>,
    ) -> Result<H::Storage, CliError> {
        self.storage_at(&self.destination(address, database)?, named)
    }

    /// Where a URL points, if a store's files may be written there: never the machine's
    /// root, the database's own folder (`database`) or one holding it, anything inside its
    /// `.cairn`, or a folder of other files (a typo must not scatter table files over a home
    /// folder). A folder that is missing, empty or already a store is fine, as is a bucket.
    fn destination(&self, address: &str, database: Option<&Path>) -> Result<Location, CliError> {
        let location = url::parse(address, &self.cwd)?;
        let Location::Dir(dir) = &location else {
            return Ok(location);
        };
        let refuse = |why: &str| {
            Err(CliError::Destination(format!(
                "refusing to write to '{address}': {why}"
            )))
        };
        if dir.parent().is_none() {
            return refuse("it is the filesystem's root");
        }
        if let Some(database) = database {
            if database.starts_with(dir) {
                return refuse("it holds this database; name a folder of its own");
            }
            if dir.starts_with(database.join(database::DIR)) {
                return refuse("it is inside this database's .cairn folder");
            }
        }
        let ours = |name: &String| {
            name == "manifest"
                || name == "manifests"
                || name == "LOCK"
                || name.starts_with(".tmp")
                || cairn_core::Hash::parse(name).is_some()
                || cairn_crypt::names::is_stored_name(name)
        };
        if self.host.is_dir(dir) {
            let names = self.host.list_dir(dir).map_err(|error| DatabaseError::Io {
                path: dir.clone(),
                error,
            })?;
            if !names.iter().all(ours) {
                return refuse(
                    "it holds files that are not a Cairn store; use a new or empty folder",
                );
            }
        }
        Ok(location)
    }

    /// Whether two URLs name the same place, as seen from the current directory.
    fn same_place(&self) -> impl Fn(&str, &str) -> bool + '_ {
        move |a, b| match (url::parse(a, &self.cwd), url::parse(b, &self.cwd)) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        }
    }
}

/// Runs one command in the current directory; returns what to print.
async fn run<H: Host>(cx: &Cx<'_, H>, command: Command) -> Out {
    // Commands that make a database, read a store by URL or serve a folder need none here.
    match command {
        Command::Init => return work::init(cx).await,
        Command::Config {
            global,
            list,
            unset,
            key,
            value,
        } => {
            let args = config::ConfigArgs {
                global,
                list,
                unset,
                key,
                value,
            };
            return config::run(cx, args).await;
        }
        Command::Clone { url, dir } => return remote::clone(cx, &url, dir.as_deref()).await,
        Command::Gc { url: Some(url) } => return maintenance::gc_url(cx, &url).await,
        Command::Serve(args) => cx
            .host
            .serve(args.resolved(&cx.cwd))
            .map_err(CliError::Unavailable),
        Command::Backup {
            action: Some(action),
            ..
        } if backup::by_url(&action) => return backup::run_by_url(cx, action).await,
        command => {
            let mut db = Database::open(cx.host, Path::new("")).await?;
            let root_before = db.repo.store().root();
            let out = run_in(cx, &mut db, command).await?;
            if db.repo.store().root() != root_before {
                maintenance::auto_gc(cx, &mut db).await?;
            }
            db.save_config(cx.host)?;
            Ok(out)
        }
    }
}

/// Runs a command on the database in the current directory.
async fn run_in<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, command: Command) -> Out {
    match command {
        Command::Status => work::status(db).await,
        Command::Add { tables } => work::add(db, &tables).await,
        Command::Commit {
            message,
            all,
            allow_empty,
            amend,
        } => {
            let options = CommitOptions {
                all,
                allow_empty,
                amend,
            };
            work::commit(cx, db, message, options).await
        }
        Command::Diff {
            cached,
            stat,
            from,
            to,
        } => work::diff(db, cached, stat, from.as_deref(), to.as_deref()).await,
        Command::Show { stat, target } => work::show(db, stat, target.as_deref()).await,
        Command::Ls { target } => work::ls(db, target).await,
        Command::Sql { query, format } => work::sql(cx, db, query, format).await,
        Command::Table { action } => table::run(cx, db, action).await,
        Command::Log {
            number,
            graph,
            oneline,
            start,
        } => refs::log(db, number, graph, oneline, start.as_deref()).await,
        Command::Branch {
            all,
            delete,
            force_delete,
            rename,
            verbose,
            name,
            start,
        } => {
            let delete = match (delete, force_delete) {
                (Some(name), _) => Some((name, false)),
                (_, Some(name)) => Some((name, true)),
                _ => None,
            };
            refs::branch(db, all, delete, rename, verbose, name, start).await
        }
        Command::Merge { abort: true, .. } => merge::abort(db).await,
        Command::Merge {
            ff_only,
            no_ff,
            message,
            target,
            ..
        } => {
            let mode = merge::mode(ff_only, no_ff);
            let target = target.unwrap_or_default();
            merge::merge(cx, db, &target, mode, message.as_deref()).await
        }
        Command::CherryPick { abort: true, .. } | Command::Revert { abort: true, .. } => {
            merge::abort(db).await
        }
        Command::CherryPick { target, .. } => {
            merge::pick(cx, db, &target.unwrap_or_default(), false).await
        }
        Command::Revert { target, .. } => {
            merge::pick(cx, db, &target.unwrap_or_default(), true).await
        }
        Command::Conflicts { action } => match action {
            ConflictsAction::Cat { table } => merge::cat(db, &table).await,
            ConflictsAction::Resolve {
                ours,
                theirs,
                tables,
            } => merge::resolve(db, ours, theirs, &tables).await,
        },
        Command::Checkout {
            create,
            name,
            start,
        } => refs::checkout(db, create, &name, start.as_deref()).await,
        Command::Tag {
            delete,
            verbose,
            name,
            target,
        } => refs::tag(db, delete, verbose, name, target).await,
        Command::Reset { hard, target } => refs::reset(db, hard, target.as_deref()).await,
        Command::Remote { verbose, action } => match action {
            None => Ok(list_locations(&db.repo.config().remotes, verbose)),
            Some(RemoteAction::Add { name, url }) => remote::add(cx, db, &name, &url),
            Some(RemoteAction::Remove { name }) => {
                db.repo.remove_remote(&name).await?;
                credentials::forget(cx.host, db.dir(), credentials::Kind::Remote, &name)?;
                Ok(String::new())
            }
        },
        Command::Push {
            force,
            tags,
            set_upstream,
            remote: r,
            name,
        } => {
            let args = remote::PushArgs {
                remote: r,
                name,
                tags,
                set_upstream,
                force,
            };
            remote::push(cx, db, args).await
        }
        Command::Fetch { force, remote: r } => remote::fetch(cx, db, &r, force).await,
        Command::Pull {
            ff_only,
            no_ff,
            remote: r,
            branch,
        } => {
            let mode = merge::mode(ff_only, no_ff);
            remote::pull(cx, db, r.as_deref(), branch.as_deref(), mode).await
        }
        Command::Backup {
            verbose, action, ..
        } => match action {
            None => Ok(list_locations(&db.repo.config().backups, verbose)),
            Some(action) => backup::run_in(cx, db, action).await,
        },
        Command::Gc { url: _ } => maintenance::gc(cx, db).await,
        Command::Fsck => maintenance::fsck(cx, db).await,
        // Handled by `run`: they need no database here.
        Command::Init | Command::Config { .. } | Command::Clone { .. } | Command::Serve(_) => {
            Err(RepoError::AlreadyInitialized.into())
        }
    }
}

/// Remotes or backups as `remote` and `backup` list them: names, with URLs when verbose.
fn list_locations(locations: &std::collections::BTreeMap<String, String>, verbose: bool) -> String {
    locations
        .iter()
        .map(|(name, url)| {
            if verbose {
                format!("{name} {url}\n")
            } else {
                format!("{name}\n")
            }
        })
        .collect()
}
