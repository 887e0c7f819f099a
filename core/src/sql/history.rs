//! Versioned SQL, as Dolt has it: `SELECT ... FROM t AS OF 'rev'` reads a table as a commit
//! has it, and the system tables `dolt_log`, `dolt_branches`, `dolt_diff_<table>` and
//! `dolt_history_<table>` read the commit graph; `ACTIVE_BRANCH()` and `DOLT_HASHOF('rev')`
//! name the branch a script runs on and the commit a revision names.
//!
//! The executor knows nothing of refs or commits: the caller scans the script first
//! ([`needs`]), resolves what it names into a [`History`] (the repository does, in
//! `repo/system_tables.rs`), and runs the script with it. The history is read once, before
//! the first statement, as the working root is.
//!
//! sqlparser's MySQL dialect has no `AS OF`, so [`mark_as_of`] rewrites `t AS OF 'rev'` to
//! `t('rev')` (table arguments, which it does parse) before the parser sees it; the general
//! query path reads such a table from the revision's root value.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, TableFunctionArgs, Value as AstValue, ValueWithSpan,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::db::root_value::RootValue;
use crate::db::temporal::{Temporal, TimeType};
use crate::db::value::Value;
use crate::sql::tokens::{blank, solid};
use crate::sql::{split, unsupported, SqlError};

/// The prefix Dolt reserves for system tables.
pub const SYSTEM_PREFIX: &str = "dolt_";

/// What a script reads beyond the working root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The revisions its `AS OF` clauses name, as written.
    pub revisions: BTreeSet<String>,
    /// Words that may name a system table, lower case (a word is only a candidate: a user
    /// table of that name, or a column, is not a system table).
    pub system_tables: BTreeSet<String>,
    /// The revisions its `DOLT_HASHOF('rev')` calls name, as written.
    pub hashes: BTreeSet<String>,
}

impl Needs {
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty() && self.system_tables.is_empty() && self.hashes.is_empty()
    }
}

/// A system table's rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SystemTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// What the script reads beyond the working root, resolved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The root value of each revision `AS OF` names.
    pub roots: BTreeMap<String, RootValue>,
    /// System tables by lower-case name.
    pub tables: BTreeMap<String, SystemTable>,
    /// The branch the script runs on, which `ACTIVE_BRANCH()` gives; None: NULL.
    pub branch: Option<String>,
    /// The commit each revision `DOLT_HASHOF` names resolves to, as `dolt_log` prints it.
    pub hashes: BTreeMap<String, String>,
    /// When the script runs, in milliseconds since the Unix epoch (UTC), for NOW(),
    /// CURDATE() and UNIX_TIMESTAMP(): the core has no clock, so the front end says. None: those are refused.
    pub now_ms: Option<u64>,
    /// The session the script runs in (`session.rs`): its user variables, LAST_INSERT_ID and
    /// autocommit, which last from one script to the next.
    pub session: crate::sql::session::Session,
}

/// The revisions and system tables `sql` may read. A cheap text test first, so a bulk load
/// is not tokenized twice.
pub fn needs(sql: &str) -> Result<Needs, SqlError> {
    let mut needs = Needs::default();
    let bytes = sql.as_bytes();
    if !may_need(bytes) {
        return Ok(needs);
    }
    for text in split::statements(sql) {
        let tokens = Tokenizer::new(&MySqlDialect {}, text)
            .tokenize_with_location()
            .map_err(|e| SqlError::Syntax(e.to_string()))?;
        let words: Vec<&Token> = tokens
            .iter()
            .map(|t| &t.token)
            .filter(|t| !blank(t))
            .collect();
        for (i, token) in words.iter().enumerate() {
            let Token::Word(w) = token else { continue };
            let lower = w.value.to_ascii_lowercase();
            if is_as_of(&words[i..]) {
                needs.revisions.insert(revision(words.get(i + 2).copied())?);
            }
            if lower == HASHOF {
                if let [Token::LParen, arg, Token::RParen, ..] = words[i + 1..] {
                    needs.hashes.extend(quoted(arg).cloned());
                }
            } else if lower.starts_with(SYSTEM_PREFIX) {
                needs.system_tables.insert(lower);
            }
        }
    }
    Ok(needs)
}

/// `tokens` with each `AS OF 'rev'` written as `('rev')`.
pub fn mark_as_of(tokens: Vec<TokenWithSpan>) -> Result<Vec<TokenWithSpan>, SqlError> {
    if !tokens
        .iter()
        .any(|t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::OF))
    {
        return Ok(tokens);
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let rest: Vec<usize> = solid(&tokens[i..]).take(3).map(|at| i + at).collect();
        let words: Vec<&Token> = rest.iter().map(|&at| &tokens[at].token).collect();
        if blank(&tokens[i].token) || !is_as_of(&words) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        let rev = revision(words.get(2).copied())?;
        let span = tokens[i].span;
        for token in [Token::LParen, Token::SingleQuotedString(rev), Token::RParen] {
            out.push(TokenWithSpan { token, span });
        }
        i = rest[2] + 1;
    }
    Ok(out)
}

/// The literals `mark_clock` wrote, each with the call it stands for, as written.
pub type ClockCalls = Vec<(String, String)>;

/// `tokens` with each reading of the clock (NOW(), CURRENT_TIMESTAMP, CURDATE(), CURTIME(),
/// their synonyms and UTC_ forms, UNIX_TIMESTAMP() with no argument) written as a literal of `now_ms`, so every one in a
/// statement reads the same instant, as in MySQL. Times are UTC: Cairn has no session time
/// zone. Without a clock, the calls are left for the executor to refuse. Also answers each
/// literal written with the call it stands for, to name result columns as written.
pub fn mark_clock(
    tokens: Vec<TokenWithSpan>,
    now_ms: Option<u64>,
) -> (Vec<TokenWithSpan>, ClockCalls) {
    let mut written = Vec::new();
    let Some(now_ms) = now_ms else {
        return (tokens, written);
    };
    let now = Temporal {
        kind: TimeType::DateTime(0),
        value: i64::try_from(now_ms / 1000)
            .unwrap_or(i64::MAX)
            .saturating_mul(1_000_000),
    };
    let printed = now.to_string();
    let seconds = (now_ms / 1000).to_string();
    let (date, time) = printed
        .split_once(' ')
        .unwrap_or((printed.as_str(), "00:00:00"));
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let replaced = match &tokens[i].token {
            Token::Word(w) if w.quote_style.is_none() && !in_column_option(&out) => {
                clock_call(&w.value)
            }
            _ => None,
        };
        let Some((kind, needs_parens)) = replaced else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        // The call's parentheses, empty; the keyword forms may go without.
        let rest: Vec<usize> = solid(&tokens[i + 1..])
            .take(2)
            .map(|at| i + 1 + at)
            .collect();
        let parens = matches!(rest.as_slice(),
            [l, r] if tokens[*l].token == Token::LParen && tokens[*r].token == Token::RParen);
        if needs_parens && !parens {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        let call = match (&tokens[i].token, parens) {
            (Token::Word(w), true) => alloc::format!("{}()", w.value),
            (other, _) => other.to_string(),
        };
        let span = tokens[i].span;
        let (keyword, text) = match kind {
            "date" => ("DATE", date),
            "time" => ("TIME", time),
            "seconds" => {
                // UNIX_TIMESTAMP(): an integer, the clock's whole seconds.
                written.push((seconds.clone(), call));
                out.push(TokenWithSpan {
                    token: Token::Number(seconds.clone(), false),
                    span,
                });
                i = rest[1] + 1;
                continue;
            }
            _ => ("TIMESTAMP", printed.as_str()),
        };
        written.push((alloc::format!("{keyword} '{text}'"), call));
        out.push(TokenWithSpan {
            token: Token::make_keyword(keyword),
            span,
        });
        out.push(TokenWithSpan {
            token: Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
            span,
        });
        out.push(TokenWithSpan {
            token: Token::SingleQuotedString(text.into()),
            span,
        });
        i = if parens { rest[1] + 1 } else { i + 1 };
    }
    (out, written)
}

/// `tokens` with each `LAST_INSERT_ID()` written as the session's value, an unsigned
/// integer, read once per statement as the clock is; the result's columns are named by the
/// call (`written`).
pub fn mark_last_insert_id(
    tokens: Vec<TokenWithSpan>,
    value: u64,
    written: &mut ClockCalls,
) -> Vec<TokenWithSpan> {
    let literal = alloc::format!("CAST({value} AS UNSIGNED)");
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let is_call = matches!(&tokens[i].token,
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("last_insert_id"));
        let parens: Vec<usize> = solid(&tokens[i + 1..])
            .take(2)
            .map(|at| i + 1 + at)
            .collect();
        let empty_call = is_call
            && matches!(parens.as_slice(), [l, r] if tokens[*l].token == Token::LParen && tokens[*r].token == Token::RParen);
        let replacement = empty_call
            .then(|| {
                Tokenizer::new(&MySqlDialect {}, &literal)
                    .tokenize_with_location()
                    .ok()
            })
            .flatten();
        let Some(replacement) = replacement else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let span = tokens[i].span;
        out.extend(replacement.into_iter().map(|t| TokenWithSpan {
            token: t.token,
            span,
        }));
        // Named as written, as MySQL names it.
        written.push((literal.clone(), alloc::format!("{}()", tokens[i])));
        i = parens[1] + 1;
    }
    out
}

const HASHOF: &str = "dolt_hashof";
const ACTIVE_BRANCH: &str = "active_branch";

/// `tokens` with each `ACTIVE_BRANCH()` written as the branch the script runs on (NULL without
/// one) and each `DOLT_HASHOF('rev')` as the commit `rev` names (resolved by the caller from
/// [`Needs::hashes`]), both text, as Dolt gives them; the result's columns are named by the
/// calls (`written`). DOLT_HASHOF takes a quoted revision only, as `AS OF` does.
pub fn mark_versions(
    tokens: Vec<TokenWithSpan>,
    history: &History,
    written: &mut ClockCalls,
) -> Result<Vec<TokenWithSpan>, SqlError> {
    let call_at = |t: &TokenWithSpan| match &t.token {
        // Compared without lowercasing: this runs on every word of every statement.
        Token::Word(w) if w.quote_style.is_none() => [ACTIVE_BRANCH, HASHOF]
            .into_iter()
            .find(|name| w.value.eq_ignore_ascii_case(name)),
        _ => None,
    };
    if !tokens.iter().any(|t| call_at(t).is_some()) {
        return Ok(tokens);
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let Some(name) = call_at(&tokens[i]) else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let rest: Vec<usize> = solid(&tokens[i + 1..])
            .take(3)
            .map(|at| i + 1 + at)
            .collect();
        let token = |n: usize| rest.get(n).map(|&at| &tokens[at].token);
        if token(0) != Some(&Token::LParen) {
            // A column or table of that name, not a call.
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        let (value, last) = if name == HASHOF {
            let rev = match (token(1).and_then(quoted), token(2)) {
                (Some(rev), Some(Token::RParen)) => rev,
                _ => {
                    return Err(SqlError::Syntax(
                        "DOLT_HASHOF takes a quoted branch, tag or commit, as in \
                         DOLT_HASHOF('main~1')"
                            .into(),
                    ))
                }
            };
            match history.hashes.get(rev) {
                Some(hash) => (Some(hash.as_str()), rest[2]),
                None => {
                    return unsupported(alloc::format!("DOLT_HASHOF('{rev}') outside a repository"))
                }
            }
        } else if token(1) == Some(&Token::RParen) {
            (history.branch.as_deref(), rest[1])
        } else {
            return Err(SqlError::Syntax(
                "ACTIVE_BRANCH() takes no arguments".into(),
            ));
        };
        // Made as tokens, not text to tokenize: a branch name may hold quotes or backslashes.
        let (value, literal) = match value {
            Some(text) => (
                Token::SingleQuotedString(text.into()),
                alloc::format!("CAST('{}' AS CHAR)", text.replace('\'', "''")),
            ),
            None => (Token::make_keyword("NULL"), "CAST(NULL AS CHAR)".into()),
        };
        let space = || Token::Whitespace(sqlparser::tokenizer::Whitespace::Space);
        let span = tokens[i].span;
        out.extend(
            [
                Token::make_keyword("CAST"),
                Token::LParen,
                value,
                space(),
                Token::make_keyword("AS"),
                space(),
                Token::make_keyword("CHAR"),
                Token::RParen,
            ]
            .map(|token| TokenWithSpan { token, span }),
        );
        let call: String = tokens[i..=last]
            .iter()
            .map(|t| t.token.to_string())
            .collect();
        written.push((literal, call));
        i = last + 1;
    }
    Ok(out)
}

/// The text of a quoted string, as `AS OF` and DOLT_HASHOF take a revision.
fn quoted(token: &Token) -> Option<&String> {
    match token {
        Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Some(s),
        _ => None,
    }
}

/// Whether the tokens so far end with `DEFAULT` or `ON UPDATE`: a clock call there is a
/// column's `DEFAULT CURRENT_TIMESTAMP`, which the schema keeps as a call, read at each
/// write.
fn in_column_option(before: &[TokenWithSpan]) -> bool {
    let mut words = before
        .iter()
        .rev()
        .filter(|t| !blank(&t.token))
        .map(|t| match &t.token {
            Token::Word(w) => w.keyword,
            _ => Keyword::NoKeyword,
        });
    match words.next() {
        Some(Keyword::DEFAULT) => true,
        Some(Keyword::UPDATE) => words.next() == Some(Keyword::ON),
        _ => false,
    }
}

/// A result's column names as the statement wrote them: each literal `mark_clock` wrote in
/// place of a call named by the call. Columns name calls in the order the statement wrote
/// them, so each occurrence takes the first call of its literal not taken yet.
pub fn name_clock_columns(columns: &mut [String], written: &ClockCalls) {
    let mut taken = alloc::vec![false; written.len()];
    for column in columns {
        let mut from = 0;
        loop {
            let found = written
                .iter()
                .enumerate()
                .filter(|(i, _)| !taken[*i])
                .filter_map(|(i, (literal, _))| Some((column[from..].find(literal.as_str())?, i)))
                .min();
            let Some((at, i)) = found else { break };
            let (literal, call) = &written[i];
            let at = from + at;
            column.replace_range(at..at + literal.len(), call);
            taken[i] = true;
            from = at + call.len();
        }
    }
}

/// Whether a function of this name reads the clock when called with no arguments.
pub(crate) fn reads_clock(name: &str) -> bool {
    clock_call(name).is_some()
}

/// A word that reads the clock: what it gives ("datetime", "date", "time" or "seconds") and
/// whether it must be called with parentheses (the others are keywords too).
fn clock_call(word: &str) -> Option<(&'static str, bool)> {
    Some(match word.to_ascii_lowercase().as_str() {
        "unix_timestamp" => ("seconds", true),
        "now" | "sysdate" | "utc_timestamp" => ("datetime", true),
        "current_timestamp" | "localtime" | "localtimestamp" => ("datetime", false),
        "curdate" | "utc_date" => ("date", true),
        "current_date" => ("date", false),
        "curtime" | "utc_time" => ("time", true),
        "current_time" => ("time", false),
        _ => return None,
    })
}

/// The revision of a table's arguments as `mark_as_of` writes them, None for no arguments;
/// any other arguments are refused (Cairn has no table functions).
pub fn as_of(args: Option<&TableFunctionArgs>) -> Result<Option<&str>, SqlError> {
    let Some(args) = args else { return Ok(None) };
    match args.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(ValueWithSpan {
            value: AstValue::SingleQuotedString(rev),
            ..
        })))]
            if args.settings.is_none() =>
        {
            Ok(Some(rev))
        }
        _ => unsupported(
            "table arguments (write t AS OF 'revision' to read a table as a commit has it)",
        ),
    }
}

/// The catalog key of a table read as of a revision: not a name a user can write unquoted,
/// and distinct from every plain name because of the NUL.
pub fn versioned_key(table: &str, rev: &str) -> String {
    let mut key = table.to_ascii_lowercase();
    key.push('\0');
    key.push_str(rev);
    key
}

/// Whether the text may name a system table or hold `AS OF`: whether it holds `dolt_`, or
/// `AS`, blanks, `OF` (any case), or a comment that could stand between the two words. One
/// pass over the bytes, stopping only at the few that could start one: a bulk load may be
/// tens of megabytes.
fn may_need(sql: &[u8]) -> bool {
    static STARTS: [bool; 256] = split::byte_set(b"#/-dDaA");
    let prefix = SYSTEM_PREFIX.as_bytes();
    let starts = |at: usize, word: &[u8]| {
        sql.get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let mut at = 0;
    while let Some(found) = split::next_of(&sql[at..], &STARTS) {
        at += found;
        let may = match sql[at] {
            b'#' => true,
            b'/' => sql.get(at + 1) == Some(&b'*'),
            b'-' => sql.get(at + 1) == Some(&b'-'),
            b'd' | b'D' => starts(at, prefix),
            _ if starts(at, b"as") => {
                let after = &sql[at + 2..];
                let blank = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
                blank > 0 && starts(at + 2 + blank, b"of")
            }
            _ => false,
        };
        if may {
            return true;
        }
        at += 1;
    }
    false
}

/// Whether the tokens (blanks left out) start with an unquoted `AS OF`.
fn is_as_of(words: &[&Token]) -> bool {
    let keyword = |t: Option<&&Token>, k: Keyword| matches!(t, Some(Token::Word(w)) if w.keyword == k && w.quote_style.is_none());
    keyword(words.first(), Keyword::AS) && keyword(words.get(1), Keyword::OF)
}

/// The revision after `AS OF`: a quoted string, as Dolt takes it.
fn revision(token: Option<&Token>) -> Result<String, SqlError> {
    match token.and_then(quoted) {
        Some(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(SqlError::Syntax(
            "AS OF takes a quoted branch, tag or commit, as in AS OF 'main~1'".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| String::from(*s)).collect()
    }

    #[test]
    fn the_text_test_passes_what_may_need_history_and_only_that() {
        for may in [
            "select * from t as of 'v1'",
            "select * from t AS\n\tOf 'v1'",
            "select * from t as/* c */of 'v1'",
            "select * from t as -- c\n of 'v1'",
            "select * from t as # c\n of 'v1'",
            "select * from DOLT_LOG",
            "select 1 -- comment",
        ] {
            assert!(may_need(may.as_bytes()), "{may}");
        }
        for not in [
            "insert into t values (1,'name-1',-2.5),(2,'as',3)",
            "select a as alias, b aS\tx from t",
            "select * from dolt",
            "select 4/2, 3-1, 'a'",
            "as",
        ] {
            assert!(!may_need(not.as_bytes()), "{not}");
        }
    }

    #[test]
    fn needs_finds_revisions_and_system_table_names_but_not_inside_strings() {
        let n = needs(
            "select * from t as of 'v1' join u AS  /* c */ OF \"main~2\" on 1; \
             select 'x as of y', `as` from Dolt_Log; insert into t values (1, 'dolt_x')",
        )
        .unwrap();
        assert_eq!(n.revisions, set(&["v1", "main~2"]));
        assert_eq!(n.system_tables, set(&["dolt_log"]));
        // A bulk load with neither is not tokenized.
        assert!(needs("insert into t values (1, 'of course')")
            .unwrap()
            .is_empty());
        assert!(needs("select 1 as `of`").unwrap().is_empty());
        assert!(matches!(
            needs("select * from t as of ?"),
            Err(SqlError::Syntax(_))
        ));
    }

    #[test]
    fn dolt_hashof_and_active_branch_are_written_as_text_and_name_their_columns() {
        let sql = "select Dolt_HashOf('v1'), active_branch ( ), dolt_hashof from t \
                   where dolt_hashof(\"main~1\") = 'x'";
        let n = needs(sql).unwrap();
        assert_eq!(n.hashes, set(&["v1", "main~1"]));
        assert!(needs("select dolt_hashof(c) from t")
            .unwrap()
            .hashes
            .is_empty());
        let history = History {
            branch: Some("it's".into()),
            hashes: [("v1", "aaa"), ("main~1", "bbb")]
                .map(|(r, h)| (r.to_string(), h.to_string()))
                .into(),
            ..History::default()
        };
        let tokens = |sql: &str| {
            Tokenizer::new(&MySqlDialect {}, sql)
                .tokenize_with_location()
                .unwrap()
        };
        let mut written = ClockCalls::new();
        let marked = mark_versions(tokens(sql), &history, &mut written).unwrap();
        let parse = |marked| {
            sqlparser::parser::Parser::new(&MySqlDialect {})
                .with_tokens_with_locations(marked)
                .parse_statement()
                .unwrap()
                .to_string()
        };
        // The literals as the statement prints them, which name the columns.
        assert_eq!(
            parse(marked),
            "SELECT CAST('aaa' AS CHAR), CAST('it''s' AS CHAR), dolt_hashof FROM t \
             WHERE CAST('bbb' AS CHAR) = 'x'"
        );
        let literals: Vec<&str> = written.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            literals,
            [
                "CAST('aaa' AS CHAR)",
                "CAST('it''s' AS CHAR)",
                "CAST('bbb' AS CHAR)"
            ]
        );
        let calls: Vec<&str> = written.iter().map(|(_, call)| call.as_str()).collect();
        assert_eq!(
            calls,
            [
                "Dolt_HashOf('v1')",
                "active_branch ( )",
                "dolt_hashof(\"main~1\")"
            ]
        );
        // Without a branch, NULL; a revision the caller did not resolve, or a value that is
        // not a quoted revision, is refused.
        let none = History::default();
        let marked = mark_versions(tokens("select active_branch()"), &none, &mut written).unwrap();
        assert_eq!(parse(marked), "SELECT CAST(NULL AS CHAR)");
        for refused in [
            "select dolt_hashof('v1')",
            "select dolt_hashof(c)",
            "select active_branch(1)",
        ] {
            assert!(
                mark_versions(tokens(refused), &none, &mut written).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn as_of_becomes_a_table_argument_that_reads_back_as_the_revision() {
        let sql = "select a.x from t as of 'v1' as a where 'as of' = ''";
        let tokens = Tokenizer::new(&MySqlDialect {}, sql)
            .tokenize_with_location()
            .unwrap();
        let marked = mark_as_of(tokens).unwrap();
        let statement = sqlparser::parser::Parser::new(&MySqlDialect {})
            .with_tokens_with_locations(marked)
            .parse_statement()
            .unwrap();
        assert_eq!(
            statement.to_string(),
            "SELECT a.x FROM t('v1') AS a WHERE 'as of' = ''"
        );
        let sqlparser::ast::Statement::Query(q) = statement else {
            panic!("a query")
        };
        let sqlparser::ast::SetExpr::Select(select) = *q.body else {
            panic!("a select")
        };
        let sqlparser::ast::TableFactor::Table { args, .. } = &select.from[0].relation else {
            panic!("a table")
        };
        assert_eq!(as_of(args.as_ref()), Ok(Some("v1")));
        assert_eq!(as_of(None), Ok(None));
    }
}
