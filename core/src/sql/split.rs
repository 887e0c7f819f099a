//! Cuts a script into statements at the semicolons outside quotes and comments, following
//! MySQL's lexical rules, so each statement can go to the fast INSERT parser or to sqlparser
//! on its own (and a failure stops the script after the statements before it ran).

use alloc::vec::Vec;

/// The statements of `sql`, without their semicolons; blank pieces are left out (a piece of
/// comments only is kept, and parses to no statement).
pub fn statements(sql: &str) -> Vec<&str> {
    scan(sql).0
}

/// Whether `sql` ends inside a statement: after its last semicolon (outside quotes and
/// comments) there is more than blanks and comments, or a quote is still open. What an
/// interactive shell asks before it runs what was typed.
pub fn ends_open(sql: &str) -> bool {
    scan(sql).1
}

/// The statements, and whether the text ends inside one.
fn scan(sql: &str) -> (Vec<&str>, bool) {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut open = false;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"' | b'`') => {
                let end = skip_quoted(bytes, i, quote);
                // A string not closed yet: the statement goes on on the next line.
                open = true;
                i = end;
            }
            b'#' => i = line_end(bytes, i),
            b'-' if bytes.get(i + 1) == Some(&b'-')
                && bytes.get(i + 2).is_none_or(u8::is_ascii_whitespace) =>
            {
                i = line_end(bytes, i)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = find(bytes, i + 2, b"*/").map_or(bytes.len(), |end| end + 2)
            }
            b';' => {
                push(&mut out, &sql[start..i]);
                i += 1;
                start = i;
                open = false;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                open = true;
                // A bulk INSERT is mostly bytes no rule above stops at: skip them in one go.
                i += 1 + next_of(&bytes[i + 1..], &STOPS).unwrap_or(bytes.len() - i - 1);
            }
        }
    }
    push(&mut out, &sql[start..]);
    (out, open)
}

/// The bytes `scan` must look at: quotes, comment starts, semicolons and whitespace.
static STOPS: [bool; 256] = byte_set(b"'\"`#-/; \t\n\r\x0c");

/// A table of which bytes are in `set`, for `next_of`.
pub(crate) const fn byte_set(set: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = true;
        i += 1;
    }
    table
}

/// Where the first byte of `table`'s set is in `bytes`. A table lookup per byte, which a
/// CPU runs far faster than a `match` that jumps on every byte.
pub(crate) fn next_of(bytes: &[u8], table: &[bool; 256]) -> Option<usize> {
    bytes.iter().position(|&b| table[usize::from(b)])
}

fn push<'a>(out: &mut Vec<&'a str>, piece: &'a str) {
    if !piece.trim().is_empty() {
        out.push(piece);
    }
}

/// The index just past the quoted string or identifier opening at `open`. A doubled quote
/// stands for itself; in strings (not backquoted names) a backslash escapes the next byte.
fn skip_quoted(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    find(bytes, from, b"\n").unwrap_or(bytes.len())
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::{ends_open, statements};

    #[test]
    fn a_statement_is_open_until_its_semicolon_outside_quotes() {
        for open in [
            "select 1",
            "select 1;\nselect",
            "select ';",
            "select 1; select \"a;",
        ] {
            assert!(ends_open(open), "{open}");
        }
        for done in [
            "",
            "  \n",
            "select 1;",
            "select ';' ;  ",
            "select 1; -- done\n",
            "x; /* c */",
        ] {
            assert!(!ends_open(done), "{done}");
        }
    }

    #[test]
    fn splits_outside_quotes_and_comments() {
        let sql =
            "select ';'; select \"a;\\\";\" -- c;\n; select `x;y` # z;\n;/* ; */ select 1;  ;";
        assert_eq!(
            statements(sql),
            [
                "select ';'",
                " select \"a;\\\";\" -- c;\n",
                " select `x;y` # z;\n",
                "/* ; */ select 1"
            ]
        );
        assert_eq!(
            statements("select 1 --x; select 2"),
            ["select 1 --x", " select 2"]
        );
        assert_eq!(statements("'unterminated; still"), ["'unterminated; still"]);
        assert!(statements(" ;\n; ").is_empty());
    }
}
