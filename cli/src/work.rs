//! The working set: `init`, `status`, `add`, `commit`, `diff`, `ls`, `sql`.

use cairn_core::repo::{CommitOptions, DiffTarget};
use cairn_core::text;

use crate::args::ResultFormat;
use cairn_core::Storage;

use crate::database::Database;
use crate::{database, print, CliError, Cx, Db, Host, Out};

pub async fn init<H: Host>(cx: &Cx<'_, H>) -> Out {
    database::init(cx.host, &cx.cwd).await?;
    Ok("Successfully initialized cairn data repository.\n".into())
}

pub async fn status<S: Storage>(db: &mut Database<S>) -> Out {
    Ok(text::status(&db.repo.status().await?))
}

pub async fn add<S: Storage>(db: &mut Database<S>, tables: &[String]) -> Out {
    if tables.iter().any(|t| t == ".") {
        db.repo.add(None).await?;
    } else {
        db.repo.add(Some(tables)).await?;
    }
    Ok(String::new())
}

pub async fn commit<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    message: Option<String>,
    options: CommitOptions,
) -> Out {
    let author = database::signature(cx.host, db.repo.config())?;
    let message = message.unwrap_or_default();
    let hash = db.repo.commit(&message, options, &author).await?;
    let commit = db.repo.commit_at(hash).await?;
    Ok(text::commit(&hash, &commit, &db.repo.decorations(hash)))
}

/// `diff [--cached] [--stat] [REF [REF2]]`.
pub async fn diff<S: Storage>(
    db: &mut Database<S>,
    cached: bool,
    stat: bool,
    from: Option<&str>,
    to: Option<&str>,
) -> Out {
    let (from, to) = match (from, to, cached) {
        (Some(a), Some(b), _) => (DiffTarget::Ref(a), DiffTarget::Ref(b)),
        (Some(spec), None, _) => (DiffTarget::Ref(spec), DiffTarget::Working),
        (None, _, true) => (DiffTarget::Ref("HEAD"), DiffTarget::Staged),
        (None, _, false) => (DiffTarget::Staged, DiffTarget::Working),
    };
    Ok(diff_text(&db.repo.diff(from, to).await?, stat))
}

fn diff_text(diffs: &[cairn_core::repo::TableDiff], stat: bool) -> String {
    if stat {
        text::diff_stat(diffs)
    } else {
        text::diff(diffs)
    }
}

/// `show [--stat] [REF]`: a commit (default HEAD) and what it changed.
pub async fn show<S: Storage>(db: &mut Database<S>, stat: bool, target: Option<&str>) -> Out {
    let (hash, commit, diffs) = db.repo.show(target.unwrap_or("HEAD")).await?;
    let header = text::commit(&hash, &commit, &db.repo.decorations(hash));
    Ok(format!("{header}\n{}", diff_text(&diffs, stat)))
}

pub async fn ls<S: Storage>(db: &mut Database<S>, target: Option<String>) -> Out {
    let tables = db.repo.ls(target.as_deref()).await?;
    let place = target.map_or("working set".to_owned(), |t| format!("'{t}'"));
    if tables.is_empty() {
        return Ok(format!("No tables in {place}\n"));
    }
    let mut out = format!("Tables in {place}:\n");
    for t in tables {
        out.push_str(&format!("\t{}\n", cairn_core::text::printable(&t)));
    }
    Ok(out)
}

pub async fn sql<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    query: Option<String>,
    format: ResultFormat,
) -> Out {
    let query = match query {
        Some(q) => q,
        None if cx.host.stdin_is_terminal() => return crate::shell::run(cx, db, format).await,
        None => cx.host.read_stdin().await.map_err(CliError::Input)?,
    };
    let mut results = Vec::new();
    // Who runs the script and when: NOW(), and the author of what CALL DOLT_COMMIT commits.
    let caller = crate::database::signature(cx.host, db.repo.config())?;
    let outcome = db
        .repo
        .sql_into(
            &query,
            &cairn_core::sql::Params::None,
            Some(&caller),
            &mut results,
        )
        .await;
    end_sql_session(cx, db);
    let printed: String = results
        .iter()
        .map(|r| print::query_result(r, format))
        .collect();
    if let Err(e) = outcome {
        // The statements before the failing one were applied: show what they gave, as the
        // MySQL client does, before the error.
        cx.host.stdout(&printed);
        return Err(e.into());
    }
    Ok(printed)
}

/// Ends a SQL session: a transaction it left open is rolled back, as a MySQL server does when
/// its client disconnects, and the user told so (the mysql client says nothing).
pub fn end_sql_session<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>) {
    if db.repo.rollback_transaction() {
        cx.host.stderr(
            "warning: the session ended with a transaction open (BEGIN, or autocommit off, \
             without COMMIT); it was rolled back\n",
        );
    }
}
