//! MySQL's system variables as scripts set and read them (`SET [SESSION] name = value`, `SET
//! NAMES`, `@@name`, `SHOW VARIABLES`), mysqldump's header and footer above all. Three kinds:
//! - those Cairn follows: `autocommit` (`transaction.rs`), `foreign_key_checks` (off, a
//!   statement's changes are not held to foreign keys, and CREATE TABLE may name a parent
//!   that does not exist yet, as a dump's tables come in name order) and `sql_mode`'s
//!   NO_AUTO_VALUE_ON_ZERO (an AUTO_INCREMENT column keeps a 0 given, rather than numbering
//!   the row);
//! - those it takes and keeps because it already behaves as they ask, or more strictly:
//!   `unique_checks` (keys are always checked), `transaction_isolation` REPEATABLE-READ, the rest of `sql_mode` (always strict: a
//!   value that does not fit is refused, never cut), `time_zone` in UTC (Cairn keeps times in UTC), the
//!   character sets and collations of UTF-8 (all text is UTF-8), `sql_notes` and the like;
//! - read-only ones (`version`, `version_comment`).
//!
//! A value that would ask for other behaviour (`time_zone = '+02:00'`, `sql_mode =
//! 'ANSI_QUOTES'`, `character_set_client = latin1`) is refused, not kept, so a script never
//! runs as if it had been granted. Cairn has no server, so no global variables: `SET GLOBAL`
//! is refused and `@@global.name` reads as the session's default.

use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::db::value::Value;
use crate::sql::{unsupported, SqlError};

/// What VERSION() and @@version give: the MySQL release whose SQL Cairn follows, and Cairn's.
pub(crate) const VERSION: &str = concat!("8.0.33-cairn-", env!("CARGO_PKG_VERSION"));

/// What a variable takes.
#[derive(Clone, Copy)]
enum Takes {
    /// 0 or 1, ON or OFF (TRUE, FALSE); read as 0 or 1.
    Switch,
    /// One of these words, in any case; read as the first spelling given.
    Word(&'static [&'static str]),
    /// A comma-separated list of SQL modes, each one of `SQL_MODES`.
    SqlModes,
    /// Set by no one.
    ReadOnly,
}

struct Variable {
    name: &'static str,
    default: Default,
    takes: Takes,
}

#[derive(Clone, Copy)]
enum Default {
    Int(i64),
    Text(&'static str),
}

/// The names of UTF-8, the one character set Cairn's text has.
pub(crate) const UTF8: &[&str] = &["utf8mb4", "utf8", "utf8mb3"];
/// Collations of UTF-8 that compare as Cairn does, byte by byte.
pub(crate) const BINARY_COLLATIONS: &[&str] =
    &["utf8mb4_bin", "utf8mb4_0900_bin", "utf8_bin", "utf8mb3_bin"];
/// Time zones that are UTC.
const UTC: &[&str] = &["+00:00", "SYSTEM", "UTC", "-00:00", "+0:00"];

/// The modes Cairn's behaviour already has, or is stricter than: a strict mode refuses a
/// value that does not fit (Cairn always does); NO_AUTO_VALUE_ON_ZERO keeps an explicit 0 in
/// an AUTO_INCREMENT column (`Session::zero_numbers_rows`). Modes that change how a
/// statement parses or what it gives (ANSI_QUOTES, PIPES_AS_CONCAT, ...) are refused.
const SQL_MODES: &[&str] = &[
    "ERROR_FOR_DIVISION_BY_ZERO",
    "NO_AUTO_VALUE_ON_ZERO",
    "NO_ENGINE_SUBSTITUTION",
    "NO_ZERO_DATE",
    "NO_ZERO_IN_DATE",
    "ONLY_FULL_GROUP_BY",
    "STRICT_ALL_TABLES",
    "STRICT_TRANS_TABLES",
    "TRADITIONAL",
];

/// The variables, by name (autocommit is the session's own field, `Session::autocommit`).
const VARIABLES: &[Variable] = &[
    Variable {
        name: "character_set_client",
        default: Default::Text("utf8mb4"),
        takes: Takes::Word(UTF8),
    },
    Variable {
        name: "character_set_connection",
        default: Default::Text("utf8mb4"),
        takes: Takes::Word(UTF8),
    },
    Variable {
        name: "character_set_results",
        default: Default::Text("utf8mb4"),
        takes: Takes::Word(UTF8),
    },
    Variable {
        name: "collation_connection",
        default: Default::Text("utf8mb4_bin"),
        takes: Takes::Word(BINARY_COLLATIONS),
    },
    Variable {
        name: "foreign_key_checks",
        default: Default::Int(1),
        takes: Takes::Switch,
    },
    Variable {
        name: "sql_mode",
        default: Default::Text(
            "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
             ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
        ),
        takes: Takes::SqlModes,
    },
    Variable {
        name: "sql_notes",
        default: Default::Int(1),
        takes: Takes::Switch,
    },
    Variable {
        name: "sql_quote_show_create",
        default: Default::Int(1),
        takes: Takes::Switch,
    },
    Variable {
        name: "time_zone",
        default: Default::Text("SYSTEM"),
        takes: Takes::Word(UTC),
    },
    // Cairn's transactions are REPEATABLE READ, MySQL's default: each reads the state it
    // began with, and COMMIT fails where another writer changed the same rows meanwhile. A
    // level that reads differently is refused. `tx_isolation` is MySQL 5.7's name.
    Variable {
        name: "transaction_isolation",
        default: Default::Text("REPEATABLE-READ"),
        takes: Takes::Word(&["REPEATABLE-READ"]),
    },
    Variable {
        name: "tx_isolation",
        default: Default::Text("REPEATABLE-READ"),
        takes: Takes::Word(&["REPEATABLE-READ"]),
    },
    Variable {
        name: "unique_checks",
        default: Default::Int(1),
        takes: Takes::Switch,
    },
    Variable {
        name: "version",
        default: Default::Text(VERSION),
        takes: Takes::ReadOnly,
    },
    Variable {
        name: "version_comment",
        default: Default::Text("Cairn"),
        takes: Takes::ReadOnly,
    },
];

fn find(name: &str) -> Option<&'static Variable> {
    VARIABLES.iter().find(|v| v.name == name)
}

/// Whether Cairn knows the system variable `name` (lower case), autocommit aside.
pub(crate) fn known(name: &str) -> bool {
    find(name).is_some()
}

/// Whether `name` is a switch (0 or 1, shown as OFF or ON), autocommit included.
pub(crate) fn is_switch(name: &str) -> bool {
    name == "autocommit" || find(name).is_some_and(|v| matches!(v.takes, Takes::Switch))
}

/// The value a variable has until a session sets it.
pub(crate) fn default(name: &str) -> Option<Value> {
    Some(match find(name)?.default {
        Default::Int(n) => Value::Int(n),
        Default::Text(s) => Value::Text(s.into()),
    })
}

/// Every variable's name, in order, autocommit included: what SHOW VARIABLES lists.
pub(crate) fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = VARIABLES.iter().map(|v| v.name).collect();
    names.push("autocommit");
    names.sort_unstable();
    names
}

/// The value `SET name = value` stores, `value` given as a word or a string (`word`) or as
/// a computed value; `DEFAULT` gives the default. Refused with MySQL's errors: a read-only
/// variable (1238), a value the variable does not take (1231).
pub(crate) fn checked(name: &str, value: &Value) -> Result<Value, SqlError> {
    let Some(variable) = find(name) else {
        return unsupported(alloc::format!(
            "system variable {name}: Cairn knows {}",
            names().join(", ")
        ));
    };
    let wrong = |value: &str| SqlError::WrongValue {
        variable: name.into(),
        value: value.into(),
    };
    let text = match value {
        Value::Text(t) => t.clone(),
        Value::Int(n) => alloc::format!("{n}"),
        Value::Bool(b) => alloc::format!("{}", i64::from(*b)),
        Value::Null => return Err(wrong("NULL")),
        other => return Err(wrong(&other.to_string())),
    };
    if text.eq_ignore_ascii_case("DEFAULT") {
        return Ok(default(name).expect("known"));
    }
    match variable.takes {
        Takes::ReadOnly => Err(SqlError::Definition(alloc::format!(
            "Variable '{name}' is a read only variable"
        ))),
        Takes::Switch => switch(name, &text).map(|on| Value::Int(i64::from(on))),
        Takes::Word(words) => words
            .iter()
            .find(|w| w.eq_ignore_ascii_case(&text))
            .map(|w| Value::Text((*w).to_owned()))
            .ok_or_else(|| wrong(&text)),
        Takes::SqlModes => {
            let modes: Vec<String> = text
                .split(',')
                .map(|m| m.trim().to_ascii_uppercase())
                .filter(|m| !m.is_empty())
                .collect();
            match modes.iter().find(|m| !SQL_MODES.contains(&m.as_str())) {
                Some(m) => Err(wrong(m)),
                None => Ok(Value::Text(modes.join(","))),
            }
        }
    }
}

/// A switch's value as MySQL reads it: 1, ON or TRUE turn it on, 0, OFF or FALSE off;
/// any other value is refused (1231), naming the variable `name`.
pub(crate) fn switch(name: &str, text: &str) -> Result<bool, SqlError> {
    match text.to_ascii_uppercase().as_str() {
        "ON" | "TRUE" => Ok(true),
        "OFF" | "FALSE" => Ok(false),
        number => match number.parse::<i64>() {
            Ok(1) => Ok(true),
            Ok(0) => Ok(false),
            _ => Err(SqlError::WrongValue {
                variable: name.into(),
                value: text.into(),
            }),
        },
    }
}

/// Why `SET GLOBAL name` is refused.
pub(crate) fn global_refused(name: &str) -> Result<(), SqlError> {
    unsupported(alloc::format!(
        "SET GLOBAL {name}: Cairn has no server whose global variables would outlast this \
         session (SET SESSION {name} sets the session's)"
    ))
}
