//! `cairn sql` on a terminal: an interactive shell, as `dolt sql` and the mysql client are.
//! Lines gather until a statement ends with its semicolon (outside quotes), then run; results
//! and errors print and the shell goes on. `exit`, `quit`, `\q` or Ctrl-D leave it; Ctrl-C
//! drops the statement being typed. Line editing and history are the host's. Statements see
//! what other sessions saved while the shell waited; a transaction reads the state it began
//! with.

use std::path::PathBuf;

use cairn_core::sql::{ends_open, Params};

use crate::args::ResultFormat;
use crate::host::Line;
use crate::{print, CliError, Cx, Db, Host, Out};

/// Where the shell keeps what was typed, as the mysql client keeps `~/.mysql_history`.
fn history<H: Host>(host: &H) -> Option<PathBuf> {
    let home = host.env("HOME").or_else(|| host.env("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".cairn_sql_history"))
}

fn is_exit(line: &str) -> bool {
    let word = line.trim().trim_end_matches(';').trim();
    ["exit", "quit", "\\q"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

pub async fn run<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, format: ResultFormat) -> Out {
    let host = cx.host;
    let history = history(host);
    // Who commits what CALL DOLT_COMMIT commits; the time is each statement's.
    let mut caller = crate::database::signature(host, db.repo.config())?;
    host.stderr("Type SQL statements ending with ';'. \"exit\" or Ctrl-D leaves.\n");
    let mut typed = String::new();
    loop {
        // `database/branch> `, as Dolt's shell prompts.
        let prompt = match (typed.trim().is_empty(), db.repo.database_name()) {
            (true, Some(name)) => format!("{name}/{}> ", db.repo.current_branch()),
            (true, None) => format!("{}> ", db.repo.current_branch()),
            (false, _) => "    -> ".to_owned(),
        };
        let line = match host.read_line(&prompt, history.as_deref()).await {
            Ok(Line::Text(line)) => line,
            Ok(Line::Interrupted) => {
                typed.clear();
                continue;
            }
            Ok(Line::End) => break,
            Err(e) => return Err(CliError::Input(e)),
        };
        if typed.trim().is_empty() && is_exit(&line) {
            break;
        }
        typed.push_str(&line);
        typed.push('\n');
        if ends_open(&typed) {
            continue;
        }
        let mut results = Vec::new();
        caller.time_ms = crate::database::now_ms(host);
        // Each statement starts from what other sessions saved while the shell waited, as
        // in `dolt sql` and as the JS Repo's calls do; a transaction still reads the state
        // it began with, and its COMMIT fails if the rows it began from changed.
        let outcome = match db.repo.reload().await {
            Ok(()) => {
                db.repo
                    .sql_into(&typed, &Params::None, Some(&caller), &mut results)
                    .await
            }
            Err(e) => Err(e),
        };
        typed.clear();
        let printed: String = results
            .iter()
            .map(|r| print::query_result(r, format))
            .collect();
        host.stdout(&printed);
        if let Err(e) = outcome {
            host.stderr(&format!("error: {}\n", CliError::from(e)));
        }
    }
    crate::work::end_sql_session(cx, db);
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::is_exit;

    #[test]
    fn exit_words_leave_and_statements_do_not() {
        for word in ["exit", "QUIT;", " \\q ", "exit ;"] {
            assert!(is_exit(word), "{word}");
        }
        for not in ["exits", "select 'exit'", "quit now"] {
            assert!(!is_exit(not), "{not}");
        }
    }
}
