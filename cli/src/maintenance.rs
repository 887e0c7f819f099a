//! Looking after stores: `gc` (automatic too) and `fsck`, and the verify report that `backup
//! verify` prints as well.

use cairn_core::gc::{self, GcStats};
use cairn_core::repo::RepoError;
use cairn_core::verify::{verify_with, Report};

use crate::progress::size;

use crate::{CliError, Cx, Db, Host, Out};

pub async fn gc<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>) -> Out {
    let mut reporter = cx.reporter();
    let collected = db
        .repo
        .gc(cx.now_ms(), gc::DEFAULT_GRACE_MS, &mut reporter)
        .await;
    reporter.finish();
    Ok(gc_line(&collected?))
}

/// `gc URL`: a remote's store.
pub async fn gc_url<H: Host>(cx: &Cx<'_, H>, url: &str) -> Out {
    let mut store = cx.open_store(url, None).await?;
    let mut reporter = cx.reporter();
    let collected = gc::collect(
        &mut store,
        None,
        cx.now_ms(),
        gc::DEFAULT_GRACE_MS,
        &mut reporter,
    )
    .await;
    reporter.finish();
    Ok(gc_line(&collected.map_err(RepoError::Sync)?))
}

/// After a command that changed the database: a gc if enough garbage has gathered, said in
/// one line on stderr so the command's own output stays as it was.
pub async fn auto_gc<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>) -> Result<(), CliError> {
    let mut reporter = cx.reporter();
    let ran = db.repo.auto_gc(cx.now_ms(), &mut reporter).await;
    reporter.finish();
    if let Some(stats) = ran? {
        if !cx.quiet {
            cx.host.stderr(&format!("auto {}", gc_line(&stats)));
        }
    }
    Ok(())
}

/// `1 branch, tag, working set or snapshot`, in the plural past one.
fn plural(n: usize) -> String {
    match n {
        1 => "1 branch, tag, working set or snapshot".into(),
        n => format!("{n} branches, tags, working sets and snapshots"),
    }
}

/// What a gc did, in one line.
fn gc_line(stats: &GcStats) -> String {
    format!(
        "gc: {} -> {}; wrote {} table files, deleted {} files\n",
        size(stats.bytes_before),
        size(stats.bytes_after),
        stats.table_files_written,
        stats.table_files_deleted + stats.temporaries_deleted
    )
}

pub async fn fsck<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>) -> Out {
    let mut reporter = cx.reporter();
    let checked = verify_with(
        db.repo.store().storage(),
        &Default::default(),
        &mut reporter,
    )
    .await;
    reporter.finish();
    report(&checked?)
}

/// A verify report as `fsck` and `backup verify` print it; damage is an error that names
/// what can no longer be restored, and what still can.
pub fn report(report: &Report) -> Out {
    if !report.is_ok() {
        let mut problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        // Damage that breaks nothing (a file whose every chunk has a whole copy elsewhere)
        // says so too.
        if !report.damaged.is_empty() || !report.intact.is_empty() {
            let list = |names: &[String]| match names.is_empty() {
                true => "none".to_owned(),
                false => names.join(", "),
            };
            problems.push(format!("damaged: {}", list(&report.damaged)));
            problems.push(format!("intact: {}", list(&report.intact)));
        }
        return Err(CliError::Damaged(problems));
    }
    let mut out = match report.subset {
        None => format!(
            "checked {} table files, {} chunks ({} bytes)\nevery chunk that {} reach is present and whole\n",
            report.tables,
            report.chunks,
            report.bytes,
            plural(report.intact.len())
        ),
        Some(subset) => format!(
            "checked subset {subset}: read {} of {} table files whole, and every tree node; {} chunks ({} bytes)\nevery chunk that {} reach is present; those read are whole\n",
            report.tables_read,
            report.tables,
            report.chunks,
            report.bytes,
            plural(report.intact.len())
        ),
    };
    for orphan in &report.orphans {
        out.push_str(&format!(
            "note: table file '{orphan}' is not in the manifest (merged into another, or left by an interrupted write; gc deletes it)\n"
        ));
    }
    out.push_str("no problems found\n");
    Ok(out)
}
