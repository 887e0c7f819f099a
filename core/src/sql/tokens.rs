//! The blanks of a statement's tokens, which the rewrites of tokens before parsing
//! (`history.rs`, `session.rs`, `intervals.rs`) look past.

use sqlparser::tokenizer::{Token, TokenWithSpan};

/// Whitespace and comments: sqlparser tokenizes both as whitespace.
pub(crate) fn blank(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

/// The positions of the tokens that are not blanks.
pub(crate) fn solid(tokens: &[TokenWithSpan]) -> impl DoubleEndedIterator<Item = usize> + '_ {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !blank(&t.token))
        .map(|(i, _)| i)
}
