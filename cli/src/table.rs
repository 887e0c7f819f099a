//! `table import` and `table export`: the file is read and written in pieces through the
//! host, and the rows go through the core's import and export (the JS API's too).

use std::path::Path;

use cairn_core::import::{FileType, Mode, Summary};
use cairn_core::repo::RepoError;
use cairn_core::sync::{Phase, Progress, SyncError};

use crate::args::{FileTypeArg, TableAction};
use crate::{CliError, Cx, Db, Host, Out};

/// Bytes read from a file at a time.
const PIECE: usize = 1 << 20;

pub async fn run<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, action: TableAction) -> Out {
    match action {
        TableAction::Import {
            create,
            update,
            replace: _,
            force,
            pk,
            file_type,
            table,
            file,
        } => {
            let mode = match (create, update) {
                (true, _) => Mode::Create {
                    primary_key: pk,
                    force,
                },
                (_, true) => Mode::Update,
                _ => Mode::Replace,
            };
            import(cx, db, &table, &file, file_type, mode).await
        }
        TableAction::Export {
            force,
            file_type,
            table,
            file,
        } => export(cx, db, &table, &file, file_type, force).await,
    }
}

/// The file type asked for, else the one the file's extension says.
fn file_type(arg: Option<FileTypeArg>, file: &str) -> Result<FileType, CliError> {
    match arg {
        Some(FileTypeArg::Csv) => Ok(FileType::Csv),
        Some(FileTypeArg::Json) => Ok(FileType::Json),
        None => FileType::of_path(file).ok_or_else(|| {
            CliError::Usage(format!(
                "cannot tell the format of '{file}' from its name; give --file-type csv|json"
            ))
        }),
    }
}

fn file_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::Usage(format!("cannot read '{}': {error}", path.display()))
}

async fn import<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    table: &str,
    file: &str,
    file_type_arg: Option<FileTypeArg>,
    mode: Mode,
) -> Out {
    let file_type = file_type(file_type_arg, file)?;
    let mut importing = db
        .repo
        .import_start(table, file_type, mode, Some(cx.now_ms()))
        .await?;
    let mut reporter = cx.reporter();
    if file == "-" {
        let text = cx.host.read_stdin().await.map_err(CliError::Input)?;
        db.repo.import_feed(&mut importing, text.as_bytes()).await?;
    } else {
        let path = cx.cwd.join(file);
        let mut offset = 0u64;
        loop {
            let piece = cx
                .host
                .read_file_at(&path, offset, PIECE)
                .map_err(|e| file_error(&path, e))?;
            if piece.is_empty() {
                break;
            }
            offset += piece.len() as u64;
            db.repo.import_feed(&mut importing, &piece).await?;
            if cx.host.interrupted() {
                return Err(RepoError::Sync(SyncError::Interrupted).into());
            }
            reporter.update(&Progress {
                phase: Phase::Importing,
                chunks_done: importing.rows(),
                chunks_total: 0,
                bytes_done: offset,
                bytes_total: 0,
            });
        }
    }
    let summary = db.repo.import_finish(importing).await?;
    reporter.finish();
    Ok(summary_text(&summary))
}

/// Dolt's summary line, then its last words.
fn summary_text(s: &Summary) -> String {
    format!(
        "Rows Processed: {}, Additions: {}, Modifications: {}, Had No Effect: {}\n\
         Import completed successfully.\n",
        s.rows, s.inserted, s.updated, s.unchanged
    )
}

async fn export<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    table: &str,
    file: &str,
    file_type_arg: Option<FileTypeArg>,
    force: bool,
) -> Out {
    let file_type = file_type(file_type_arg, file)?;
    if file == "-" {
        let host = cx.host;
        db.repo
            .export_table(table, file_type, &mut |piece| {
                host.stdout(piece);
                Ok(())
            })
            .await?;
        return Ok(String::new());
    }
    let path = cx.cwd.join(file);
    if cx.host.exists(&path) && !force {
        return Err(CliError::Usage(format!(
            "'{file}' already exists (use -f to overwrite it)"
        )));
    }
    // Written beside it, then renamed over it: a failed export leaves no half file.
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.unwrap_or_default(),
        cx.host.pid()
    ));
    let host = cx.host;
    host.write_file(&temp, b"", false)
        .map_err(|e| write_error(&temp, e))?;
    let written = db
        .repo
        .export_table(table, file_type, &mut |piece| {
            host.append_file(&temp, piece.as_bytes())
                .map_err(|e| write_error(&temp, e).to_string())
        })
        .await;
    let renamed = written
        .map_err(CliError::from)
        .and_then(|_| host.rename(&temp, &path).map_err(|e| write_error(&path, e)));
    if renamed.is_err() {
        let _ = host.remove_file(&temp);
    }
    renamed.map(|_| String::new())
}

fn write_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::Usage(format!("cannot write '{}': {error}", path.display()))
}
