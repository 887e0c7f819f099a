//! Dolt's version-control procedures, called from SQL: `CALL DOLT_COMMIT('-am', 'message')`,
//! `CALL DOLT_CHECKOUT('-b', 'feature')` and the rest take the command line's arguments as
//! strings. This module reads a call into a [`Procedure`]; the repository runs it
//! (`repo/procedure.rs`) between the statements before and after it, as the same verb the
//! command line runs.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Statement, Value as AstValue,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::sql::fast_parse::Cursor;
use crate::sql::SqlError;

/// A procedure call, its options read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Procedure {
    /// `DOLT_ADD('t', ...)`, `DOLT_ADD('.')` or `('-A')`: None stages every change.
    Add(Option<Vec<String>>),
    Commit {
        message: String,
        /// `-a`: stage the changed tables already tracked first.
        modified: bool,
        /// `-A`: stage every change, new tables included, first.
        all: bool,
        allow_empty: bool,
        /// `--amend`: replace HEAD (its message kept if none is given).
        amend: bool,
        /// `--author 'Name <email>'`: name and email, instead of the caller's.
        author: Option<(String, String)>,
    },
    /// `DOLT_CHECKOUT('branch')`, or with `-b` a new branch at `start` (default HEAD).
    Checkout {
        branch: String,
        new: bool,
        start: Option<String>,
    },
    /// `DOLT_BRANCH('name' [, 'start'])`.
    CreateBranch {
        name: String,
        start: Option<String>,
    },
    /// `DOLT_BRANCH('-d' | '-D', 'name')`.
    DeleteBranch {
        name: String,
        force: bool,
    },
    /// `DOLT_BRANCH('-m', 'old', 'new')`.
    RenameBranch {
        old: String,
        new: String,
    },
    /// `DOLT_TAG('name' [, 'ref'])`.
    CreateTag {
        name: String,
        target: Option<String>,
    },
    /// `DOLT_TAG('-d', 'name')`.
    DeleteTag(String),
    /// `DOLT_RESET()` unstages everything; `DOLT_RESET('--hard' [, 'ref'])` discards.
    Reset {
        hard: bool,
        target: Option<String>,
    },
    Merge {
        target: String,
        ff_only: bool,
        no_ff: bool,
        message: Option<String>,
    },
    /// `DOLT_MERGE('--abort')`.
    AbortMerge,
    CherryPick(String),
    Revert(String),
    /// `DOLT_CONFLICTS_RESOLVE('--ours' | '--theirs', 'table', ...)`.
    ResolveConflicts {
        ours: bool,
        tables: Vec<String>,
    },
}

impl Procedure {
    /// The procedure's name, as Dolt writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Procedure::Add(_) => "DOLT_ADD",
            Procedure::Commit { .. } => "DOLT_COMMIT",
            Procedure::Checkout { .. } => "DOLT_CHECKOUT",
            Procedure::CreateBranch { .. }
            | Procedure::DeleteBranch { .. }
            | Procedure::RenameBranch { .. } => "DOLT_BRANCH",
            Procedure::CreateTag { .. } | Procedure::DeleteTag(_) => "DOLT_TAG",
            Procedure::Reset { .. } => "DOLT_RESET",
            Procedure::Merge { .. } | Procedure::AbortMerge => "DOLT_MERGE",
            Procedure::CherryPick(_) => "DOLT_CHERRY_PICK",
            Procedure::Revert(_) => "DOLT_REVERT",
            Procedure::ResolveConflicts { .. } => "DOLT_CONFLICTS_RESOLVE",
        }
    }
}

/// The procedure a statement calls; None if it is not a CALL (cheap: the text is read only
/// up to its first word).
pub fn parse(text: &str) -> Result<Option<Procedure>, SqlError> {
    if Cursor::new(text).keyword("CALL").is_none() {
        return Ok(None);
    }
    let statements =
        Parser::parse_sql(&MySqlDialect {}, text).map_err(|e| SqlError::Syntax(e.to_string()))?;
    let [Statement::Call(call)] = &statements[..] else {
        return Err(SqlError::Syntax(format!("one CALL expected: {text}")));
    };
    let name = call.name.to_string().to_ascii_uppercase();
    let args = match &call.args {
        FunctionArguments::None => Vec::new(),
        FunctionArguments::List(list) if list.clauses.is_empty() => list
            .args
            .iter()
            .map(|arg| argument(&name, arg))
            .collect::<Result<_, _>>()?,
        _ => return Err(wrong(&name, "takes its arguments as quoted strings")),
    };
    Ok(Some(procedure(&name, args)?))
}

/// One argument: a quoted string, as Dolt's procedures take them.
fn argument(procedure: &str, arg: &FunctionArg) -> Result<String, SqlError> {
    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) = arg {
        if let AstValue::SingleQuotedString(s) | AstValue::DoubleQuotedString(s) = &v.value {
            return Ok(s.clone());
        }
    }
    Err(wrong(
        procedure,
        format!("takes its arguments as quoted strings, not {arg}"),
    ))
}

fn wrong(procedure: &str, why: impl core::fmt::Display) -> SqlError {
    SqlError::Procedure(format!("{procedure} {why}"))
}

/// Dolt's procedures that reach other stores or files, which the SQL engine has no access to
/// (the core knows nothing of sockets or files), and what to do instead, outside SQL. Worded
/// for every front end: each has a verb or method of that name.
const OUTSIDE_SQL: [(&str, &str); 7] = [
    ("DOLT_PUSH", "push"),
    ("DOLT_PULL", "pull"),
    ("DOLT_FETCH", "fetch"),
    ("DOLT_CLONE", "clone"),
    ("DOLT_REMOTE", "add or remove the remote"),
    ("DOLT_BACKUP", "back up"),
    ("DOLT_GC", "collect garbage"),
];

/// The procedures, each with its options and whether each takes a value (`-m` is a
/// message to DOLT_COMMIT, a flag to DOLT_BRANCH).
const PROCEDURES: [(&str, &[(&str, bool)]); 10] = [
    ("DOLT_ADD", &[("-A", false), ("--all", false)]),
    (
        "DOLT_COMMIT",
        &[
            ("-m", true),
            ("--message", true),
            ("-a", false),
            ("-A", false),
            ("--all", false),
            ("--ALL", false),
            ("--allow-empty", false),
            ("--amend", false),
            ("--author", true),
        ],
    ),
    ("DOLT_CHECKOUT", &[("-b", true)]),
    (
        "DOLT_BRANCH",
        &[
            ("-d", false),
            ("-D", false),
            ("--delete", false),
            ("-f", false),
            ("--force", false),
            ("-m", false),
            ("--move", false),
            ("-c", false),
            ("--copy", false),
        ],
    ),
    ("DOLT_TAG", &[("-d", false), ("--delete", false)]),
    ("DOLT_RESET", &[("--hard", false), ("--soft", false)]),
    (
        "DOLT_MERGE",
        &[
            ("--abort", false),
            ("--ff-only", false),
            ("--no-ff", false),
            ("-m", true),
            ("--message", true),
        ],
    ),
    ("DOLT_CHERRY_PICK", &[]),
    ("DOLT_REVERT", &[]),
    (
        "DOLT_CONFLICTS_RESOLVE",
        &[("--ours", false), ("--theirs", false)],
    ),
];

fn procedure(name: &str, args: Vec<String>) -> Result<Procedure, SqlError> {
    let Some(&(_, spec)) = PROCEDURES.iter().find(|(p, _)| *p == name) else {
        return Err(unknown(name));
    };
    let o = Options::read(name, args, spec)?;
    Ok(match name {
        "DOLT_ADD" => match (o.has("-A") || o.has("--all"), &o.plain[..]) {
            (true, []) => Procedure::Add(None),
            (false, [dot]) if dot == "." => Procedure::Add(None),
            (false, [_, ..]) => Procedure::Add(Some(o.plain)),
            _ => return Err(wrong(name, "takes table names, '.' or '-A'")),
        },
        "DOLT_COMMIT" => {
            o.no_plain()?;
            let amend = o.has("--amend");
            let message = match (o.value(&["-m", "--message"])?, amend) {
                (Some(message), _) => message,
                (None, true) => String::new(),
                (None, false) => return Err(wrong(name, "needs a message: '-m', 'message'")),
            };
            let author = match o.value(&["--author"])? {
                None => None,
                Some(written) => Some(author(&written).ok_or_else(|| {
                    wrong(
                        name,
                        format!("--author takes 'Name <email>', not '{written}'"),
                    )
                })?),
            };
            Procedure::Commit {
                message,
                modified: o.has("-a") || o.has("--all"),
                all: o.has("-A") || o.has("--ALL"),
                allow_empty: o.has("--allow-empty"),
                amend,
                author,
            }
        }
        "DOLT_CHECKOUT" => {
            let new = o.value(&["-b"])?;
            match (new, &o.plain[..]) {
                (Some(branch), []) => Procedure::Checkout {
                    branch,
                    new: true,
                    start: None,
                },
                (Some(branch), [start]) => Procedure::Checkout {
                    branch,
                    new: true,
                    start: Some(start.clone()),
                },
                (None, [branch]) => Procedure::Checkout {
                    branch: branch.clone(),
                    new: false,
                    start: None,
                },
                _ => {
                    return Err(wrong(
                        name,
                        "takes a branch, or '-b', 'new-branch' [, 'start']",
                    ))
                }
            }
        }
        "DOLT_BRANCH" => {
            let delete = o.has("-d") || o.has("--delete") || o.has("-D");
            let force = o.has("-D") || o.has("-f") || o.has("--force");
            let rename = o.has("-m") || o.has("--move");
            let copy = o.has("-c") || o.has("--copy");
            match ((delete, rename, copy), &o.plain[..]) {
                ((true, false, false), [branch]) => Procedure::DeleteBranch {
                    name: branch.clone(),
                    force,
                },
                ((false, true, false), [old, new]) => Procedure::RenameBranch {
                    old: old.clone(),
                    new: new.clone(),
                },
                // `-c old new`: a new branch at the old one's commit.
                ((false, false, true), [old, new]) if !force => Procedure::CreateBranch {
                    name: new.clone(),
                    start: Some(old.clone()),
                },
                ((false, false, false), [branch]) if !force => Procedure::CreateBranch {
                    name: branch.clone(),
                    start: None,
                },
                ((false, false, false), [branch, start]) if !force => Procedure::CreateBranch {
                    name: branch.clone(),
                    start: Some(start.clone()),
                },
                _ => {
                    return Err(wrong(
                        name,
                        "takes 'name' [, 'start'], '-d', 'name', '-m', 'old', 'new' or '-c', \
                         'old', 'new'",
                    ))
                }
            }
        }
        "DOLT_TAG" => match (o.has("-d") || o.has("--delete"), &o.plain[..]) {
            (true, [tag]) => Procedure::DeleteTag(tag.clone()),
            (false, [tag]) => Procedure::CreateTag {
                name: tag.clone(),
                target: None,
            },
            (false, [tag, target]) => Procedure::CreateTag {
                name: tag.clone(),
                target: Some(target.clone()),
            },
            _ => return Err(wrong(name, "takes 'name' [, 'ref'] or '-d', 'name'")),
        },
        "DOLT_RESET" => {
            let hard = o.has("--hard");
            match &o.plain[..] {
                [] => Procedure::Reset { hard, target: None },
                [target] if hard => Procedure::Reset {
                    hard,
                    target: Some(target.clone()),
                },
                _ => {
                    return Err(wrong(
                        name,
                        "takes '--hard' [, 'ref'], or nothing to unstage every table",
                    ))
                }
            }
        }
        "DOLT_MERGE" => {
            let message = o.value(&["-m", "--message"])?;
            match (o.has("--abort"), &o.plain[..]) {
                (true, []) => Procedure::AbortMerge,
                (false, [target]) => Procedure::Merge {
                    target: target.clone(),
                    ff_only: o.has("--ff-only"),
                    no_ff: o.has("--no-ff"),
                    message,
                },
                _ => return Err(wrong(name, "takes a branch, tag or commit, or '--abort'")),
            }
        }
        "DOLT_CHERRY_PICK" | "DOLT_REVERT" => {
            let [commit] = &o.plain[..] else {
                return Err(wrong(name, "takes one commit"));
            };
            match name {
                "DOLT_REVERT" => Procedure::Revert(commit.clone()),
                _ => Procedure::CherryPick(commit.clone()),
            }
        }
        "DOLT_CONFLICTS_RESOLVE" => {
            let (ours, theirs) = (o.has("--ours"), o.has("--theirs"));
            if ours == theirs || o.plain.is_empty() {
                return Err(wrong(name, "takes '--ours' or '--theirs', then tables"));
            }
            Procedure::ResolveConflicts {
                ours,
                tables: o.plain,
            }
        }
        _ => return Err(unknown(name)),
    })
}

/// The error for a procedure Cairn does not have.
fn unknown(name: &str) -> SqlError {
    let names: Vec<&str> = PROCEDURES.iter().map(|(p, _)| *p).collect();
    let known = names.join(", ");
    match OUTSIDE_SQL.iter().find(|(p, _)| *p == name) {
        Some((_, instead)) => wrong(
            name,
            format!("reaches another store, which a SQL script cannot: {instead} outside SQL"),
        ),
        None => SqlError::Procedure(format!(
            "there is no procedure {name}: Cairn has no stored procedures, only {known}"
        )),
    }
}

/// A call's arguments, read as the command line reads them: options (`-m`, `--hard`, short
/// ones joined as in `-am`), an option's value in the argument after it, the rest plain.
struct Options {
    procedure: String,
    /// Each option as written, split (`-am` gives `-a` and `-m`), with its value if it takes
    /// one.
    given: Vec<(String, Option<String>)>,
    plain: Vec<String>,
}

impl Options {
    /// Reads `args` as options of `spec` (each option and whether it takes a value) and
    /// plain arguments; an option not in `spec` is refused.
    fn read(
        procedure: &str,
        args: Vec<String>,
        spec: &[(&str, bool)],
    ) -> Result<Options, SqlError> {
        let mut o = Options {
            procedure: procedure.into(),
            given: Vec::new(),
            plain: Vec::new(),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let names: Vec<String> = match arg.strip_prefix('-') {
                None | Some("") => {
                    o.plain.push(arg);
                    continue;
                }
                Some(long) if long.starts_with('-') => alloc::vec![arg.clone()],
                Some(short) => short.chars().map(|c| format!("-{c}")).collect(),
            };
            let last = names.len() - 1;
            for (i, name) in names.into_iter().enumerate() {
                let Some(&(_, takes_value)) = spec.iter().find(|(n, _)| *n == name) else {
                    return Err(wrong(procedure, format!("has no option {name}")));
                };
                let value = if takes_value {
                    if i != last {
                        return Err(wrong(
                            procedure,
                            format!("{name} takes a value, in the next argument"),
                        ));
                    }
                    let value = args.next().ok_or_else(|| {
                        wrong(procedure, format!("{name} needs a value after it"))
                    })?;
                    Some(value)
                } else {
                    None
                };
                o.given.push((name, value));
            }
        }
        Ok(o)
    }

    fn has(&self, name: &str) -> bool {
        self.given.iter().any(|(n, _)| n == name)
    }

    /// The value of the option named by any of `names`; refused if given twice.
    fn value(&self, names: &[&str]) -> Result<Option<String>, SqlError> {
        let mut values = self
            .given
            .iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .filter_map(|(_, v)| v.clone());
        let first = values.next();
        if values.next().is_some() {
            return Err(wrong(&self.procedure, format!("takes {} once", names[0])));
        }
        Ok(first)
    }

    fn no_plain(&self) -> Result<(), SqlError> {
        match self.plain.first() {
            Some(extra) => Err(wrong(&self.procedure, format!("has no use for '{extra}'"))),
            None => Ok(()),
        }
    }
}

/// `Name <email>`, as Git and Dolt write an author.
fn author(written: &str) -> Option<(String, String)> {
    let (name, rest) = written.split_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    let name = name.trim();
    (!name.is_empty() && !email.is_empty() && !email.contains(['<', '>']))
        .then(|| (name.to_string(), email.to_string()))
}
