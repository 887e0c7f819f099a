//! Bound parameters: `?` takes the next value of a list, `:name` the value of that name. They
//! are bound to the statement's tokens, never to its text, so a value is always one literal
//! however it is spelled (no quoting to get wrong, no injection).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::SqlError;
use crate::db::value::Value;

/// Values for a query's placeholders.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Params {
    #[default]
    None,
    /// For `?`, in order, across every statement of the query.
    Positional(Vec<Value>),
    /// For `:name`.
    Named(BTreeMap<String, Value>),
}

/// Binds what the positional parameters have not used yet, statement after statement.
pub(crate) struct Binder<'a> {
    params: &'a Params,
    next: usize,
}

impl<'a> Binder<'a> {
    pub fn new(params: &'a Params) -> Self {
        Binder { params, next: 0 }
    }

    /// The statement's tokens with each placeholder replaced by its value's literal.
    pub fn bind(&mut self, text: &str) -> Result<Vec<TokenWithSpan>, SqlError> {
        let tokens = Tokenizer::new(&MySqlDialect {}, text)
            .tokenize_with_location()
            .map_err(|e| SqlError::Syntax(e.to_string()))?;
        let mut out = Vec::with_capacity(tokens.len());
        let mut tokens = tokens.into_iter().peekable();
        while let Some(token) = tokens.next() {
            // The tokenizer reads `?` as a placeholder; `:name` is a colon and a word that
            // touch (the parser joins them later).
            let name = match (&token.token, tokens.peek().map(|t| &t.token)) {
                (Token::Placeholder(p), _) => p.clone(),
                (Token::Colon, Some(Token::Word(w))) if w.quote_style.is_none() => {
                    let name = format!(":{}", w.value);
                    tokens.next();
                    name
                }
                _ => {
                    out.push(token);
                    continue;
                }
            };
            for literal in literal(self.value(&name)?)? {
                out.push(TokenWithSpan::new(literal, token.span));
            }
        }
        Ok(out)
    }

    fn value(&mut self, placeholder: &str) -> Result<&'a Value, SqlError> {
        let missing = |what: String| SqlError::Parameter(what);
        match (self.params, placeholder) {
            (Params::Positional(values), "?") => {
                let value = values.get(self.next).ok_or_else(|| {
                    missing(format!(
                        "the query has more than {} ? placeholders",
                        values.len()
                    ))
                })?;
                self.next += 1;
                Ok(value)
            }
            (Params::Named(values), name) if name.starts_with(':') => values
                .get(&name[1..])
                .ok_or_else(|| missing(format!("no value for {name}"))),
            (Params::None, p) => Err(missing(format!("no parameters were given for {p}"))),
            (Params::Positional(_), p) => Err(missing(format!(
                "{p} needs named parameters; positional ones were given"
            ))),
            (Params::Named(_), p) => Err(missing(format!(
                "{p} needs positional parameters; named ones were given"
            ))),
        }
    }

    /// After the last statement: every positional value must have had its `?`.
    pub fn finish(&self) -> Result<(), SqlError> {
        match self.params {
            Params::Positional(values) if values.len() != self.next => {
                Err(SqlError::Parameter(format!(
                    "{} parameters were given for {} ? placeholders",
                    values.len(),
                    self.next
                )))
            }
            _ => Ok(()),
        }
    }
}

/// The tokens of a value's literal, as the expression compiler reads them back: a negative
/// number is a minus and its magnitude (so that i64::MIN stays a BIGINT).
fn literal(value: &Value) -> Result<Vec<Token>, SqlError> {
    Ok(match value {
        Value::Null => alloc::vec![Token::make_keyword("NULL")],
        Value::Bool(b) => alloc::vec![Token::make_keyword(if *b { "TRUE" } else { "FALSE" })],
        Value::Int(n) if *n < 0 => alloc::vec![
            Token::Minus,
            Token::Number(n.unsigned_abs().to_string(), false)
        ],
        Value::Int(n) => alloc::vec![Token::Number(n.to_string(), false)],
        Value::Decimal(d) if d.units < 0 => alloc::vec![
            Token::Minus,
            Token::Number(d.checked_neg().unwrap_or(*d).to_string(), false)
        ],
        Value::Decimal(d) => alloc::vec![Token::Number(d.to_string(), false)],
        Value::Double(x) if !x.is_finite() => {
            return Err(SqlError::Parameter(format!("{x} cannot be stored")))
        }
        // With an exponent, so 2.0 stays a DOUBLE (not a DECIMAL) and reads back exactly.
        Value::Double(x) if x.is_sign_negative() => {
            alloc::vec![Token::Minus, Token::Number(format!("{:e}", -x), false)]
        }
        Value::Double(x) => alloc::vec![Token::Number(format!("{x:e}"), false)],
        Value::Text(s) => alloc::vec![Token::SingleQuotedString(s.clone())],
        Value::Temporal(t) => alloc::vec![Token::SingleQuotedString(t.to_string())],
        Value::Blob(b) => {
            alloc::vec![Token::HexStringLiteral(crate::hex::Hex(b).to_string())]
        }
    })
}
