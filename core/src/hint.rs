//! What a user can do about an error, as data. Messages in the core say what went wrong; each
//! front end words the way out in its own terms (a command line in the CLI, a method and an
//! option in JS), so no core message names a flag that one front end does not have.

/// A way out of an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Check the whole store (`cairn fsck`, `verify`).
    Verify,
    /// Stage changes before committing (`cairn add`, `commit -a`).
    StageFirst,
    /// Say what the commit does (`commit -m`).
    GiveMessage,
    /// Fetch and pull, or force the push (dropping the remote's commits).
    FetchPullOrForce,
    /// Replace a tag that points elsewhere (`push --force`, `fetch --force`).
    ForceReplaceTag,
    /// Name the remote, or record the branch's upstream (`push -u REMOTE BRANCH`).
    SetUpstream,
    /// Commit the changes, or discard them with a hard reset.
    CommitOrResetHard,
    /// A backup is restored, not cloned.
    RestoreBackup,
    /// Sync to the backup first.
    SyncFirst,
    /// Keep one snapshot or more.
    KeepAtLeastOne,
    /// A merge that may make a merge commit (`merge` or `pull` without `--ff-only`).
    MergeWithoutFfOnly,
    /// List the conflicts (`conflicts cat`), settle them (`conflicts resolve`), then commit.
    ResolveConflicts,
    /// Commit the merge in progress, or abort it.
    CommitOrAbortMerge,
    /// Edit the table's rows, then mark its conflicts resolved.
    EditThenMark,
    /// Delete the branch anyway (`branch -D`).
    ForceDelete,
    /// Name the new table's primary key (`table import -c --pk`).
    GivePrimaryKey,
    /// Replace the table of that name (`table import -c -f`).
    ForceReplaceTable,
    /// Create the table from the file (`table import -c`).
    CreateTable,
    /// Say which snapshots to keep: a retention policy (`--keep-daily`, `keepDaily`, ...).
    GivePolicy,
}
