//! Every failure that crosses into JavaScript, and the one conversion that turns it into a JS
//! `Error` with a stable `code` property (listed in npm/index.d.ts as `ErrorCode`). The
//! matches are exhaustive on purpose: a new variant in the core must be given a code here.

use cairn_core::backup::BackupError;
use cairn_core::bundle::BundleError;
use cairn_core::codec::CodecError;
use cairn_core::conformance::Failure;
use cairn_core::db::table::TableError;
use cairn_core::hint::Hint;
use cairn_core::import::ImportError;
use cairn_core::prolly::ProllyError;
use cairn_core::repo::{ConfigError, RepoError};
use cairn_core::sql::SqlError;
use cairn_core::sync::SyncError;
use cairn_core::{IoError, StoreError};
use cairn_crypt::CryptError;
use wasm_bindgen::JsValue;

use crate::js;

pub enum Error {
    Store(StoreError),
    /// A malformed argument from JS, such as a hash that is not 32 base32 characters.
    InvalidArgument(String),
    Conformance(Failure),
    Repo(RepoError),
    Backup(BackupError),
    Bundle(BundleError),
    Config(ConfigError),
    Crypt(CryptError),
    /// What stopped a long operation: the error its progress callback threw, or its
    /// AbortSignal's reason. It reaches the caller as it is.
    Stopped(JsValue),
}

macro_rules! from {
    ($($source:ty => $variant:ident),*) => {$(
        impl From<$source> for Error {
            fn from(e: $source) -> Self {
                Error::$variant(e)
            }
        }
    )*};
}

from!(StoreError => Store, Failure => Conformance, RepoError => Repo, BackupError => Backup,
    BundleError => Bundle, ConfigError => Config, CryptError => Crypt);

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        Error::Store(StoreError::Io(e))
    }
}

fn store_code(e: &StoreError) -> &'static str {
    match e {
        StoreError::Io(IoError::Damaged { .. }) => "CORRUPT",
        StoreError::Io(_) => "IO",
        StoreError::Manifest(_)
        | StoreError::CorruptTable { .. }
        | StoreError::CorruptChunk { .. } => "CORRUPT",
        StoreError::MissingTable { .. } | StoreError::MissingChunk { .. } => "MISSING",
        StoreError::ChunkTooLarge { .. } => "INVALID_ARGUMENT",
        StoreError::Conflict { .. } => "CONFLICT",
        StoreError::Busy => "BUSY",
    }
}

fn prolly_code(e: &ProllyError) -> &'static str {
    match e {
        ProllyError::Store(e) => store_code(e),
        ProllyError::MissingNode { .. } => "MISSING",
        ProllyError::CorruptNode { .. } => "CORRUPT",
        ProllyError::Unsorted { .. } | ProllyError::TooDeep => "INVALID_ARGUMENT",
    }
}

fn sql_code(e: &SqlError) -> &'static str {
    match e {
        SqlError::TableNotFound(_) => "TABLE_NOT_FOUND",
        SqlError::Table(TableError::Corrupt(_)) => "CORRUPT",
        SqlError::Table(TableError::Prolly(e)) => prolly_code(e),
        SqlError::Table(
            TableError::Arity { .. }
            | TableError::NotNull { .. }
            | TableError::Type { .. }
            | TableError::DuplicateKey { .. }
            | TableError::Check { .. }
            | TableError::DuplicateEntry { .. }
            | TableError::ForeignKey { .. }
            | TableError::Cascade(_),
        )
        | SqlError::Syntax(_)
        | SqlError::Definition(_)
        | SqlError::Procedure(_)
        | SqlError::UnknownDatabase(_)
        | SqlError::Parameter(_)
        | SqlError::Unsupported(_)
        | SqlError::TableExists(_)
        | SqlError::UnknownColumn(_)
        | SqlError::DuplicateColumn(_)
        | SqlError::ValueCount { .. }
        | SqlError::TooManyRows(_)
        | SqlError::SavepointNotFound(_)
        | SqlError::ReadOnlyTransaction
        | SqlError::WrongValue { .. }
        | SqlError::TypeMismatch(_) => "SQL",
        SqlError::SerializationFailure => "CONFLICT",
    }
}

/// A chunk a newer cairn wrote is not damaged: this build cannot read it.
fn corrupt_code(why: &CodecError) -> &'static str {
    match why {
        CodecError::Newer(_) => "UNSUPPORTED_VERSION",
        _ => "CORRUPT",
    }
}

fn sync_code(e: &SyncError) -> &'static str {
    match e {
        SyncError::Source(e) | SyncError::Destination(e) => store_code(e),
        SyncError::MissingChunk(_) => "MISSING",
        SyncError::Corrupt { why, .. } => corrupt_code(why),
        SyncError::Interrupted => "ABORTED",
    }
}

fn repo_code(e: &RepoError) -> &'static str {
    match e {
        RepoError::Store(e) => store_code(e),
        RepoError::Corrupt { why, .. } => corrupt_code(why),
        RepoError::Prolly(e) => prolly_code(e),
        RepoError::Sql(e) => sql_code(e),
        RepoError::Sync(e) => sync_code(e),
        RepoError::AlreadyInitialized
        | RepoError::BranchExists(_)
        | RepoError::TagExists(_)
        | RepoError::RemoteExists(_)
        | RepoError::BackupExists(_)
        | RepoError::RemoteTagDiffers { .. } => "ALREADY_EXISTS",
        RepoError::NotInitialized => "NOT_A_DATABASE",
        RepoError::BranchNotFound(_) | RepoError::NoUpstream(_) => "BRANCH_NOT_FOUND",
        RepoError::TagNotFound(_) => "TAG_NOT_FOUND",
        RepoError::RefNotFound(_) => "REF_NOT_FOUND",
        RepoError::TableNotFound(_) => "TABLE_NOT_FOUND",
        RepoError::InvalidName { .. }
        | RepoError::AmbiguousRef { .. }
        | RepoError::EmptyMessage => "INVALID_ARGUMENT",
        RepoError::CannotDeleteCurrentBranch(_) => "BRANCH_CHECKED_OUT",
        RepoError::NothingToCommit => "NOTHING_TO_COMMIT",
        RepoError::RemoteNotFound(_) => "REMOTE_NOT_FOUND",
        RepoError::NonFastForward { .. } => "NON_FAST_FORWARD",
        RepoError::Diverged(_) => "DIVERGED",
        RepoError::NoCommonHistory(_) => "NO_COMMON_HISTORY",
        RepoError::NotOneParent { .. } => "INVALID_ARGUMENT",
        RepoError::Conflicts(_) | RepoError::Unfit(_) => "MERGE_CONFLICTS",
        RepoError::MergeInProgress => "MERGE_IN_PROGRESS",
        RepoError::NoMerge | RepoError::NoConflicts(_) => "NO_MERGE",
        RepoError::BranchNotMerged(_) | RepoError::BranchHasChanges(_) => "BRANCH_NOT_MERGED",
        RepoError::UncommittedChanges => "UNCOMMITTED_CHANGES",
        RepoError::IsABackup => "IS_A_BACKUP",
        RepoError::EmptyRemote => "EMPTY_REMOTE",
        RepoError::BackupNotFound(_) => "BACKUP_NOT_FOUND",
        RepoError::AddressConflict { .. } => "ADDRESS_CONFLICT",
        RepoError::ChangedConcurrently(_) | RepoError::RemoteBusy(_) => "CONFLICT",
        RepoError::TransactionOpen => "TRANSACTION_OPEN",
        RepoError::InvalidUrl(_) => "INVALID_ARGUMENT",
        RepoError::Import(e) => import_code(e),
    }
}

fn import_code(e: &ImportError) -> &'static str {
    match e {
        ImportError::Format(_)
        | ImportError::Value { .. }
        | ImportError::UnknownColumn { .. }
        | ImportError::KeyColumnMissing(_)
        | ImportError::KeyNotInFile(_)
        | ImportError::NoColumns
        | ImportError::Unwritable { .. } => "INVALID_DATA",
        ImportError::NoPrimaryKey => "INVALID_ARGUMENT",
        ImportError::TableExists(_) => "ALREADY_EXISTS",
        ImportError::TableNotFound(_) => "TABLE_NOT_FOUND",
        ImportError::Table(e) => sql_code(&SqlError::Table(e.clone())),
        ImportError::Sql(e) => sql_code(e),
        ImportError::Output(_) => "IO",
    }
}

fn backup_code(e: &BackupError) -> &'static str {
    match e {
        BackupError::Sync(e) => sync_code(e),
        BackupError::Store(e) => store_code(e),
        BackupError::NotABackup => "NOT_A_BACKUP",
        BackupError::OwnedByOther { .. } => "OWNED_BY_OTHER",
        BackupError::NotLastWriter { .. } => "OWNED_BY_OTHER",
        BackupError::BadBranchName(_) => "CORRUPT",
        BackupError::InvalidUrl(_) => "INVALID_ARGUMENT",
        BackupError::NoSnapshots => "NO_SNAPSHOTS",
        BackupError::SnapshotNotFound(_) => "SNAPSHOT_NOT_FOUND",
        BackupError::Corrupt { why, .. } => corrupt_code(why),
        BackupError::KeepAtLeastOne | BackupError::BadTag(_) | BackupError::EmptyPolicy => {
            "INVALID_ARGUMENT"
        }
        BackupError::AdoptionLost => "CONFLICT",
    }
}

fn bundle_code(e: &BundleError) -> &'static str {
    match e {
        BundleError::NotABundle => "NOT_A_BACKUP",
        BundleError::UnsupportedVersion(_) => "UNSUPPORTED_VERSION",
        BundleError::Truncated | BundleError::Checksum | BundleError::Malformed(_) => "CORRUPT",
        BundleError::Store(e) => store_code(e),
        BundleError::Io(_) => "IO",
        BundleError::Interrupted => "ABORTED",
    }
}

fn crypt_code(e: &CryptError) -> &'static str {
    match e {
        CryptError::Io(e) => store_code(&StoreError::Io(e.clone())),
        CryptError::PasswordNeeded => "PASSWORD_NEEDED",
        CryptError::WrongPassword => "WRONG_PASSWORD",
        CryptError::NoKeys | CryptError::KeyObject(_) => "CORRUPT",
        CryptError::UnsupportedVersion(_) => "UNSUPPORTED_VERSION",
        CryptError::NotEncrypted => "NOT_ENCRYPTED",
        CryptError::LastKey => "INVALID_ARGUMENT",
        CryptError::NoSuchKey(_) => "NOT_FOUND",
        CryptError::NoRandomness => "IO",
    }
}

/// A way out of an error, as the JS API words it: its methods and options.
fn hint(hint: Option<Hint>) -> &'static str {
    match hint {
        None => "",
        Some(Hint::Verify) => "; check the store with Repo.verify()",
        Some(Hint::StageFirst) => " (call add() first, or commit({ all: true }))",
        Some(Hint::GiveMessage) => " (give one with commit({ message }))",
        Some(Hint::FetchPullOrForce) => " (fetch and pull, or push with { force: true })",
        Some(Hint::ForceReplaceTag) => " (push with { force: true } to replace it)",
        Some(Hint::SetUpstream) => " (name the remote)",
        Some(Hint::CommitOrResetHard) => "; commit them or reset({ hard: true }) first",
        Some(Hint::RestoreBackup) => "; use Repo.backupRestore() to restore it",
        Some(Hint::SyncFirst) => "; call backupSync() first",
        Some(Hint::KeepAtLeastOne) => " (keepLast: 1 or more)",
        Some(Hint::MergeWithoutFfOnly) => {
            " (merge or pull without { fastForwardOnly: true } to make a merge commit)"
        }
        Some(Hint::ResolveConflicts) => {
            "; see them with conflicts(table), settle them with resolveConflicts(table, { ours: \
             true }) or { theirs: true } (or edit the rows and call resolveConflicts(table)), \
             then commit()"
        }
        Some(Hint::CommitOrAbortMerge) => "; commit() it, or abortMerge()",
        Some(Hint::EditThenMark) => "; edit its rows, then call resolveConflicts(table)",
        Some(Hint::ForceDelete) => " (deleteBranch(name, { force: true }) deletes it anyway)",
        Some(Hint::GivePrimaryKey) => " (name its columns with { pk: ['column', ...] })",
        Some(Hint::ForceReplaceTable) => " (import with { force: true } to replace it)",
        Some(Hint::CreateTable) => " (import with { mode: 'create' } to create it)",
        Some(Hint::GivePolicy) => {
            " (keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin \
             or keepTags)"
        }
    }
}

/// A verify stopped by its AbortSignal is an interruption like a sync's; storage failures are
/// the store's.
impl From<cairn_core::verify::VerifyError> for Error {
    fn from(e: cairn_core::verify::VerifyError) -> Self {
        use cairn_core::verify::VerifyError;
        match e {
            VerifyError::Io(e) => Error::Store(e.into()),
            VerifyError::Interrupted => Error::Repo(RepoError::Sync(SyncError::Interrupted)),
        }
    }
}

impl Error {
    /// Whether a long operation stopped because its sink asked it to.
    pub fn is_interruption(&self) -> bool {
        matches!(
            self,
            Error::Repo(RepoError::Sync(SyncError::Interrupted))
                | Error::Backup(BackupError::Sync(SyncError::Interrupted))
                | Error::Bundle(BundleError::Interrupted)
        )
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => store_code(e),
            Error::InvalidArgument(_) => "INVALID_ARGUMENT",
            Error::Conformance(_) => "CONFORMANCE",
            Error::Repo(e) => repo_code(e),
            Error::Backup(e) => backup_code(e),
            Error::Bundle(e) => bundle_code(e),
            Error::Config(_) => "CORRUPT",
            Error::Crypt(e) => crypt_code(e),
            Error::Stopped(_) => "ABORTED",
        }
    }

    fn message(&self) -> String {
        match self {
            Error::Store(e) => e.to_string(),
            Error::InvalidArgument(m) => m.clone(),
            Error::Conformance(f) => f.to_string(),
            Error::Repo(e) => format!("{e}{}", hint(e.hint())),
            Error::Backup(e) => format!("{e}{}", hint(e.hint())),
            Error::Bundle(e) => e.to_string(),
            Error::Config(e) => e.to_string(),
            Error::Crypt(CryptError::PasswordNeeded) => {
                format!("{}; pass {{ password }}", CryptError::PasswordNeeded)
            }
            Error::Crypt(e) => e.to_string(),
            Error::Stopped(cause) => js::describe(cause),
        }
    }
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        if let Error::Stopped(cause) = e {
            return cause;
        }
        let error = js::coded_error(e.code(), &e.message());
        // What a caller needs to act on the failure without parsing the message.
        match &e {
            Error::Store(StoreError::Conflict { expected, actual })
            | Error::Repo(RepoError::Store(StoreError::Conflict { expected, actual })) => {
                js::set(&error, "expected", expected.to_base32().into());
                js::set(&error, "actual", actual.to_base32().into());
            }
            Error::Conformance(f) => js::set(&error, "check", f.check.into()),
            Error::Backup(BackupError::OwnedByOther { owner }) => {
                js::set(&error, "owner", owner.as_str().into())
            }
            _ => {}
        }
        error
    }
}
