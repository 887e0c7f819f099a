//! How results read as text: the layouts `git` and `dolt` users know. Shared by the native
//! CLI and the Node one (through the wasm build), so both print the same.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::db::commit::Commit;
use crate::db::value::Value;
use crate::hash::Hash;
use crate::repo::{
    RowChange, SchemaChange, Status, TableChange, TableConflicts, TableDiff, Tracking,
};
use crate::sql::{format, QueryResult};

pub fn status(s: &Status) -> String {
    let mut out = format!("On branch {}\n", s.branch);
    if let Some(up) = &s.upstream {
        out.push_str(&tracking(up));
    }
    match s.merging.as_deref() {
        Some([]) => out.push_str(
            "\nAll conflicts fixed but you are still merging.\n  (use \"cairn commit\" to conclude merge)\n",
        ),
        Some(conflicts) => {
            out.push_str(
                "\nYou have unmerged tables.\n  (fix conflicts and run \"cairn commit\")\n  (use \"cairn merge --abort\" to abort the merge)\n\nUnmerged tables:\n  (use \"cairn conflicts cat <table>\" to see the conflicts, \"cairn conflicts resolve [--ours|--theirs] <table>\" to settle them)\n",
            );
            for name in conflicts {
                let _ = writeln!(out, "\t{:<16}{}", "both modified:", printable(name));
            }
        }
        None => {}
    }
    if !s.staged.is_empty() {
        out.push_str("\nChanges to be committed:\n  (use \"cairn reset\" to unstage)\n");
        for t in &s.staged {
            let _ = writeln!(
                out,
                "\t{:<16}{}",
                format!("{}:", t.change.label()),
                printable(&t.name)
            );
        }
    }
    if !s.unstaged.is_empty() {
        out.push_str(
            "\nChanges not staged for commit:\n  (use \"cairn add <table>\" to update what will be committed)\n",
        );
        for t in &s.unstaged {
            let _ = writeln!(
                out,
                "\t{:<16}{}",
                format!("{}:", t.change.label()),
                printable(&t.name)
            );
        }
    }
    if !s.untracked.is_empty() {
        out.push_str(
            "\nUntracked files:\n  (use \"cairn add <table>\" to include in what will be committed)\n",
        );
        for name in &s.untracked {
            let _ = writeln!(out, "\t{:<16}{}", "new table:", printable(name));
        }
    }
    if s.is_clean() {
        out.push_str("nothing to commit, working tree clean\n");
    }
    out
}

/// Where the branch stands against its upstream, in Git's words.
fn tracking(up: &Tracking) -> String {
    let name = printable(&up.name);
    let commits = |n: usize| match n {
        1 => String::from("1 commit"),
        n => format!("{n} commits"),
    };
    match (up.gone, up.ahead, up.behind) {
        (true, _, _) => format!(
            "Your branch is based on '{name}', but the upstream is gone.\n"
        ),
        (false, 0, 0) => format!("Your branch is up to date with '{name}'.\n"),
        (false, ahead, 0) => format!(
            "Your branch is ahead of '{name}' by {}.\n  (use \"cairn push\" to publish your local commits)\n",
            commits(ahead)
        ),
        (false, 0, behind) => format!(
            "Your branch is behind '{name}' by {}, and can be fast-forwarded.\n  (use \"cairn pull\" to update your local branch)\n",
            commits(behind)
        ),
        (false, ahead, behind) => format!(
            "Your branch and '{name}' have diverged,\nand have {ahead} and {behind} different commits each, respectively.\n  (use \"cairn pull\" to merge the remote branch into yours)\n"
        ),
    }
}

/// One commit as `log` shows it; `decorations` are the names pointing at it.
pub fn commit(hash: &Hash, c: &Commit, decorations: &[String]) -> String {
    let mut out = format!("commit {hash}");
    if !decorations.is_empty() {
        let _ = write!(out, " ({})", decorations.join(", "));
    }
    if c.parents.len() > 1 {
        let short: Vec<String> = c
            .parents
            .iter()
            .map(|p| format!("{p}")[..8].into())
            .collect();
        let _ = write!(out, "\nMerge: {}", short.join(" "));
    }
    let _ = write!(
        out,
        "\nAuthor: {} <{}>\nDate:   {}\n\n",
        printable(&c.author),
        printable(&c.email),
        time(c.time_ms)
    );
    for line in c.message.lines() {
        let _ = writeln!(out, "\t{}", printable(line));
    }
    out
}

/// Text from a store as a terminal may show it: control characters (an escape sequence
/// that would move the cursor or retitle the window, a bell, a carriage return) escaped as
/// Rust writes them, everything else as it is.
pub fn printable(text: &str) -> alloc::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return alloc::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    alloc::borrow::Cow::Owned(out)
}

pub fn diff(diffs: &[TableDiff]) -> String {
    let mut out = String::new();
    for d in diffs {
        let _ = writeln!(out, "diff --cairn a/{0} b/{0}", printable(&d.name));
        match d.change {
            TableChange::New => out.push_str("added table\n"),
            TableChange::Deleted => out.push_str("deleted table\n"),
            TableChange::Modified => {
                for change in &d.schema_changes {
                    out.push_str(&schema_change(change));
                }
            }
        }
        if d.rows.is_empty() {
            continue;
        }
        let mut columns = vec![String::new()];
        columns.extend(d.schema.columns.iter().map(|c| c.name.clone()));
        let mut rows = Vec::new();
        let mark = |m: &str, row: &[Value]| {
            let mut r = vec![Value::Text(m.into())];
            r.extend_from_slice(row);
            r
        };
        for change in &d.rows {
            match change {
                RowChange::Added(r) => rows.push(mark("+", r)),
                RowChange::Removed(r) => rows.push(mark("-", r)),
                RowChange::Modified { old, new } => {
                    rows.push(mark("<", old));
                    rows.push(mark(">", new));
                }
            }
        }
        let result = QueryResult {
            columns,
            rows,
            affected: None,
        };
        out.push_str(&format::format_table(&result));
    }
    out
}

/// One line saying how a table's schema changed.
fn schema_change(change: &SchemaChange) -> String {
    let keys = |k: &[String]| {
        let names: Vec<String> = k.iter().map(|n| format!("`{}`", printable(n))).collect();
        format!("({})", names.join(", "))
    };
    let start = |n: &Option<u64>| n.map_or("none".into(), |n| format!("{n}"));
    match change {
        SchemaChange::ColumnAdded { name, definition } => {
            format!(
                "added column `{}` {}\n",
                printable(name),
                printable(definition)
            )
        }
        SchemaChange::ColumnDropped { name, definition } => {
            format!(
                "dropped column `{}` {}\n",
                printable(name),
                printable(definition)
            )
        }
        SchemaChange::ColumnChanged { name, old, new } => format!(
            "changed column `{}`: {} -> {}\n",
            printable(name),
            printable(old),
            printable(new)
        ),
        SchemaChange::KeyChanged { old, new } => {
            format!("changed primary key: {} -> {}\n", keys(old), keys(new))
        }
        SchemaChange::ConstraintAdded(c) => format!("added {}\n", printable(c)),
        SchemaChange::ConstraintDropped(c) => format!("dropped {}\n", printable(c)),
        SchemaChange::AutoIncrementStart { old, new } => format!(
            "changed AUTO_INCREMENT start: {} -> {}\n",
            start(old),
            start(new)
        ),
    }
}

/// `diff --stat`: per table, how many rows were added, removed and modified, then totals.
pub fn diff_stat(diffs: &[TableDiff]) -> String {
    let width = diffs
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let mut total = [0usize; 3];
    for d in diffs {
        let mut counts = [0usize; 3];
        for change in &d.rows {
            counts[match change {
                RowChange::Added(_) => 0,
                RowChange::Removed(_) => 1,
                RowChange::Modified { .. } => 2,
            }] += 1;
        }
        for (t, c) in total.iter_mut().zip(counts) {
            *t += c;
        }
        let what = match d.change {
            TableChange::New => " (new table)",
            TableChange::Deleted => " (deleted table)",
            TableChange::Modified if d.schema_changed => " (schema changed)",
            TableChange::Modified => "",
        };
        let _ = writeln!(
            out,
            " {:<width$} | +{} -{} ~{}{what}",
            printable(&d.name),
            counts[0],
            counts[1],
            counts[2]
        );
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
        " {} changed, {} added, {} removed, {} modified",
        plural(diffs.len(), "table", "tables"),
        plural(total[0], "row", "rows"),
        total[1],
        total[2]
    );
    out
}

/// A commit on one line, as `log --oneline` shows it: the hash's start, the names pointing
/// at it, the message's first line.
pub fn commit_oneline(hash: &Hash, c: &Commit, decorations: &[String]) -> String {
    let mut out: String = format!("{hash}")[..8].into();
    if !decorations.is_empty() {
        let _ = write!(out, " ({})", decorations.join(", "));
    }
    let first = c.message.lines().next().unwrap_or("");
    let _ = writeln!(out, " {}", printable(first));
    out
}

/// A table's merge conflicts: for a schema conflict, the three schemas as SQL; for rows,
/// each conflicting row's base, ours and theirs versions.
pub fn conflicts(table: &str, c: &TableConflicts) -> String {
    match c {
        TableConflicts::Schema(schemas) => {
            let mut out = format!("schema conflict in table '{}':\n", printable(table));
            for (side, schema) in ["base", "ours", "theirs"].iter().zip(schemas.iter()) {
                let sql = schema
                    .as_ref()
                    .map_or("no such table".into(), |s| s.to_sql(table));
                let _ = writeln!(out, "{side}:");
                for line in sql.lines() {
                    let _ = writeln!(out, "    {}", printable(line));
                }
            }
            out
        }
        TableConflicts::Rows { schema, rows } => {
            let mut columns = vec![String::new()];
            columns.extend(schema.columns.iter().map(|c| c.name.clone()));
            let mut shown = Vec::new();
            for versions in rows {
                for (side, row) in ["base", "ours", "theirs"].iter().zip(versions) {
                    let mut r = vec![Value::Text(match row {
                        Some(_) => (*side).into(),
                        None => format!("{side} (no row)"),
                    })];
                    match row {
                        Some(row) => r.extend_from_slice(row),
                        None => r.extend(schema.columns.iter().map(|_| Value::Null)),
                    }
                    shown.push(r);
                }
            }
            format::format_table(&QueryResult {
                columns,
                rows: shown,
                affected: None,
            })
        }
    }
}

/// A commit time as Git prints it, in UTC: `Wed Nov 25 08:44:27 2026 +0000`.
pub fn time(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {} {:02}:{:02}:{:02} {} +0000",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        day,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        year
    )
}

/// A time as ISO 8601 and RFC 3339 write it, in UTC to the second: `2026-11-25T08:44:27Z`.
pub fn iso_time(ms: u64) -> String {
    let secs = ms / 1000;
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil-date: days since 1970-01-01 to (year, month, day). Also
/// the calendar of `retention`'s buckets.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_git_does() {
        assert_eq!(time(0), "Thu Jan 1 00:00:00 1970 +0000");
        assert_eq!(time(1_795_596_267_000), "Wed Nov 25 08:44:27 2026 +0000");
        assert_eq!(time(951_782_400_000), "Tue Feb 29 00:00:00 2000 +0000");
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_795_596_267_999), "2026-11-25T08:44:27Z");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00Z");
    }
}
