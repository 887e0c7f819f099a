//! MySQL 8's regular expressions: `expr [NOT] REGEXP pattern` (and RLIKE), REGEXP_LIKE,
//! REGEXP_INSTR, REGEXP_SUBSTR and REGEXP_REPLACE. MySQL matches with ICU; here
//! regex-automata's meta engine does, in time linear in the text, with ICU's syntax for what
//! patterns usually hold (classes, repetitions, groups, anchors, `(?i)`) but without
//! back-references or look-around, which it refuses. Positions count characters from 1, as
//! MySQL's do; text compares bytewise, as everywhere in Cairn (MySQL's default collation
//! ignores case), so a pattern is case-sensitive unless match type 'i' or `(?i)` says not.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use regex_automata::meta::{BuildError, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Input, PatternID};

use crate::db::value::Value;
use crate::sql::expr::Expr;
use crate::sql::functions::{text, whole, Func};
use crate::sql::strings::made;
use crate::sql::SqlError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegexpFunc {
    /// REGEXP_LIKE: 1 or 0, as MySQL's function.
    Like,
    /// The REGEXP and RLIKE operators: true or false, as LIKE.
    Matches,
    Instr,
    Substr,
    Replace,
}

/// The most memory a pattern's compiled form (its NFA) may take: `a{1000}{1000}` is refused
/// rather than built in gigabytes, and a search's time grows with it.
const NFA_LIMIT: usize = 1 << 20;

pub fn lookup(name: &str) -> Option<(RegexpFunc, usize, usize)> {
    Some(match name {
        "regexp_like" => (RegexpFunc::Like, 2, 3),
        "regexp_instr" => (RegexpFunc::Instr, 2, 6),
        "regexp_substr" => (RegexpFunc::Substr, 2, 5),
        "regexp_replace" => (RegexpFunc::Replace, 3, 6),
        _ => return None,
    })
}

/// A call whose pattern and match type are literals, with the pattern compiled here, once,
/// not on every row; any other stays a call that compiles its pattern when evaluated.
pub(crate) fn precompiled(f: RegexpFunc, args: Vec<Expr>) -> Result<Expr, SqlError> {
    let literal = |i: usize| match args.get(i) {
        Some(Expr::Literal(v)) if !v.is_null() => Some(Some(v)),
        Some(_) => None,
        None => Some(None),
    };
    match (literal(1), literal(f.match_type_at())) {
        (Some(Some(pattern)), Some(match_type)) => {
            let re = f.compile(pattern, match_type)?;
            Ok(Expr::Regexp(f, Arc::new(re), args))
        }
        _ => Ok(Expr::Call(Func::Regexp(f), args)),
    }
}

impl RegexpFunc {
    fn name(self) -> &'static str {
        match self {
            RegexpFunc::Like => "REGEXP_LIKE",
            RegexpFunc::Matches => "REGEXP",
            RegexpFunc::Instr => "REGEXP_INSTR",
            RegexpFunc::Substr => "REGEXP_SUBSTR",
            RegexpFunc::Replace => "REGEXP_REPLACE",
        }
    }

    /// Where the match type argument is.
    fn match_type_at(self) -> usize {
        match self {
            RegexpFunc::Like | RegexpFunc::Matches => 2,
            RegexpFunc::Substr => 4,
            RegexpFunc::Instr | RegexpFunc::Replace => 5,
        }
    }

    /// The function on evaluated arguments (none NULL: `Func::call` answers those), its
    /// pattern compiled for this call.
    pub fn call(self, args: &[Value]) -> Result<Value, SqlError> {
        let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
        let re = self.compile(arg(1), args.get(self.match_type_at()))?;
        self.run(&re, args)
    }

    fn compile(self, pattern: &Value, match_type: Option<&Value>) -> Result<Regex, SqlError> {
        let pattern = text(pattern, self.name())?;
        let match_type = match_type.map(|m| text(m, self.name())).transpose()?;
        compile(&pattern, match_type.as_deref().unwrap_or(""))
    }

    /// The function on evaluated arguments, with its pattern compiled as `re`.
    pub(crate) fn run(self, re: &Regex, args: &[Value]) -> Result<Value, SqlError> {
        if args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        let name = self.name();
        let subject = text(args.first().unwrap_or(&Value::Null), name)?;
        let int = |i: usize, default: i64| args.get(i).map_or(Ok(default), |v| whole(v, name));
        let (pos_at, all) = match self {
            RegexpFunc::Like => return Ok(Value::Int(re.is_match(subject.as_str()).into())),
            RegexpFunc::Matches => return Ok(Value::Bool(re.is_match(subject.as_str()))),
            RegexpFunc::Replace => (3, 0),
            RegexpFunc::Instr | RegexpFunc::Substr => (2, 1),
        };
        let start = start(&subject, int(pos_at, 1)?)?;
        // The occurrence-th match, counted from 1 (less is the first); 0 replaces all.
        let occurrence = int(pos_at + 1, all)?;
        let skip = usize::try_from(occurrence.max(1) - 1).unwrap_or(usize::MAX);
        let input = Input::new(&subject).range(start..);
        Ok(match self {
            RegexpFunc::Instr => {
                let after =
                    match int(4, 0)? {
                        0 => false,
                        1 => true,
                        _ => return Err(SqlError::TypeMismatch(
                            "Incorrect arguments to regexp_instr: return_option must be 1 or 0."
                                .into(),
                        )),
                    };
                match re.find_iter(input).nth(skip) {
                    Some(m) => {
                        let at = if after { m.end() } else { m.start() };
                        Value::Int(subject[..at].chars().count() as i64 + 1)
                    }
                    None => Value::Int(0),
                }
            }
            RegexpFunc::Substr => match re.find_iter(input).nth(skip) {
                Some(m) => Value::Text(subject[m.range()].into()),
                None => Value::Null,
            },
            _ => {
                let repl = text(args.get(2).unwrap_or(&Value::Null), name)?;
                let mut out = String::new();
                let mut copied = 0;
                for caps in re.captures_iter(input).skip(skip) {
                    let Some(m) = caps.get_match() else { continue };
                    out.push_str(&subject[copied..m.start()]);
                    expand(&repl, &caps, &subject, &mut out)?;
                    made(out.len(), name)?;
                    copied = m.end();
                    if occurrence != 0 {
                        break;
                    }
                }
                out.push_str(&subject[copied..]);
                made(out.len(), name)?;
                Value::Text(out)
            }
        })
    }
}

/// A pattern compiled with MySQL's match type letters: c (case-sensitive, the default here),
/// i (case-insensitive), m (`^` and `$` at line ends too), n (`.` matches line ends), u (only
/// `\n` ends a line; else `\r` does too, nearer ICU's line ends). A later c or i overrides
/// an earlier one, as in MySQL.
fn compile(pattern: &str, match_type: &str) -> Result<Regex, SqlError> {
    let mut flags = syntax::Config::new().crlf(true);
    for c in match_type.chars() {
        flags = match c {
            'c' => flags.case_insensitive(false),
            'i' => flags.case_insensitive(true),
            'm' => flags.multi_line(true),
            'n' => flags.dot_matches_new_line(true),
            'u' => flags.crlf(false),
            _ => return Err(illegal("Illegal argument to a regular expression.")),
        };
    }
    Regex::builder()
        .syntax(flags)
        .configure(Regex::config().nfa_size_limit(Some(NFA_LIMIT)))
        .build(pattern)
        .map_err(|e| pattern_error(pattern, &e))
}

fn illegal(words: &str) -> SqlError {
    SqlError::TypeMismatch(words.into())
}

/// MySQL's words for a pattern it would refuse, with the parser's reason and where.
fn pattern_error(pattern: &str, e: &BuildError) -> SqlError {
    use regex_syntax::ast::ErrorKind as K;
    let Some(err) = e.syntax_error() else {
        // Built from a valid pattern, it failed only for being too big.
        return SqlError::Syntax(format!(
            "The regular expression pattern exceeds limits on size or complexity ({NFA_LIMIT} bytes compiled)."
        ));
    };
    let (words, reason, span) = match err {
        regex_syntax::Error::Parse(p) => {
            let words = match p.kind() {
                K::GroupUnclosed | K::GroupUnopened => "Mismatched parenthesis in regular expression",
                K::ClassUnclosed => "The regular expression contains an unclosed bracket expression",
                K::ClassRangeInvalid => "The regular expression contains an [x-y] character range where x comes after y",
                K::RepetitionCountInvalid => "The maximum is less than the minimum in a {min,max} interval",
                K::RepetitionCountUnclosed | K::RepetitionCountDecimalEmpty | K::DecimalEmpty | K::DecimalInvalid => {
                    "Incorrect description of a {min,max} interval"
                }
                K::EscapeUnrecognized | K::EscapeUnexpectedEof | K::ClassEscapeInvalid => {
                    "Unrecognized escape sequence in regular expression"
                }
                K::UnsupportedBackreference | K::UnsupportedLookAround => {
                    "The regular expression contains a feature that is not implemented in this library"
                }
                K::NestLimitExceeded(_) | K::CaptureLimitExceeded => {
                    "The regular expression pattern exceeds limits on size or complexity"
                }
                _ => "Syntax error in regular expression",
            };
            (words, p.kind().to_string(), p.span())
        }
        regex_syntax::Error::Translate(t) => (
            "Syntax error in regular expression",
            t.kind().to_string(),
            t.span(),
        ),
        other => return SqlError::Syntax(format!("Syntax error in regular expression: {other}")),
    };
    let at = pattern
        .get(..span.start.offset)
        .map_or(0, |p| p.chars().count())
        + 1;
    SqlError::Syntax(format!("{words} ({reason}, at character {at})."))
}

/// The byte offset of character `pos` (counted from 1) of `s`, where a search starts; one
/// past the last character is its end. MySQL refuses any other position.
fn start(s: &str, pos: i64) -> Result<usize, SqlError> {
    let skip = pos.checked_sub(1).and_then(|p| usize::try_from(p).ok());
    let mut offsets = s.char_indices().map(|(i, _)| i).chain([s.len()]);
    skip.and_then(|n| offsets.nth(n))
        .ok_or_else(|| illegal("Index out of bounds in regular expression search."))
}

/// Appends the replacement `repl` for a match, as ICU expands one: `$n` is what group n
/// matched (the most digits that still name a group), `${name}` a named group's, and `\c`
/// is `c` itself.
fn expand(repl: &str, caps: &Captures, subject: &str, out: &mut String) -> Result<(), SqlError> {
    let mut rest = repl;
    while let Some(i) = rest.find(['$', '\\']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if rest[i..].starts_with('\\') {
            // A trailing backslash escapes nothing and is dropped, as ICU drops it.
            let len = tail.chars().next().map_or(0, char::len_utf8);
            out.push_str(&tail[..len]);
            rest = &tail[len..];
            continue;
        }
        let (group, used) = match tail.strip_prefix('{') {
            Some(named) => {
                let group = named.find('}').and_then(|end| {
                    let index = caps.group_info().to_index(PatternID::ZERO, &named[..end]);
                    index.map(|g| (g, end + 2))
                });
                group.ok_or_else(|| illegal("A capture group has an invalid name."))?
            }
            None => {
                let (mut group, mut used) = (None, 0);
                for d in tail.bytes().take_while(u8::is_ascii_digit) {
                    let n = group.unwrap_or(0) * 10 + usize::from(d - b'0');
                    if n >= caps.group_len() {
                        break;
                    }
                    (group, used) = (Some(n), used + 1);
                }
                match (group, tail.starts_with(|c: char| c.is_ascii_digit())) {
                    (Some(g), _) => (g, used),
                    (None, true) => {
                        return Err(illegal("Index out of bounds in regular expression search."))
                    }
                    (None, false) => return Err(illegal("A capture group has an invalid name.")),
                }
            }
        };
        if let Some(span) = caps.get_group(group) {
            out.push_str(&subject[span.range()]);
        }
        rest = &tail[used..];
    }
    out.push_str(rest);
    Ok(())
}
