//! JSON text as a JSON column accepts it (RFC 8259, one value, whitespace around it): checked
//! on every write, stored as given. The check is a recognizer with a bounded nesting depth,
//! so no input can exhaust the stack.

/// How deeply arrays and objects may nest, as MySQL bounds JSON documents (100).
pub const MAX_DEPTH: usize = 100;

/// Where and why `text` is not one JSON value: the byte offset and what was expected there.
pub fn check(text: &str) -> Result<(), (usize, &'static str)> {
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
    };
    p.ws();
    p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err((p.i, "the end of the document"));
    }
    Ok(())
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8, what: &'static str) -> Result<(), (usize, &'static str)> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err((self.i, what))
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), (usize, &'static str)> {
        match self.peek() {
            Some(b'{') => self.container(depth, b'}', true),
            Some(b'[') => self.container(depth, b']', false),
            Some(b'"') => self.string(),
            Some(b't') => self.word(b"true"),
            Some(b'f') => self.word(b"false"),
            Some(b'n') => self.word(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err((self.i, "a value")),
        }
    }

    /// An object (`keyed`) or an array, from its opening bracket.
    fn container(
        &mut self,
        depth: usize,
        close: u8,
        keyed: bool,
    ) -> Result<(), (usize, &'static str)> {
        if depth >= MAX_DEPTH {
            return Err((self.i, "less nesting (at most 100 levels)"));
        }
        self.i += 1;
        self.ws();
        if self.peek() == Some(close) {
            self.i += 1;
            return Ok(());
        }
        loop {
            if keyed {
                if self.peek() != Some(b'"') {
                    return Err((self.i, "a member name in double quotes"));
                }
                self.string()?;
                self.ws();
                self.eat(b':', "':'")?;
                self.ws();
            }
            self.value(depth + 1)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(c) if c == close => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err((self.i, "',' or a closing bracket")),
            }
        }
    }

    fn word(&mut self, w: &[u8]) -> Result<(), (usize, &'static str)> {
        if self.b[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(())
        } else {
            Err((self.i, "true, false or null"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), (usize, &'static str)> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err((self.i, "a digit")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err((self.i, "a digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err((self.i, "a digit in the exponent"));
            }
        }
        Ok(())
    }

    fn string(&mut self) -> Result<(), (usize, &'static str)> {
        self.i += 1;
        loop {
            match self.peek() {
                None => return Err((self.i, "a closing '\"'")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    return Err((self.i, "four hex digits after \\u"));
                                }
                                self.i += 1;
                            }
                        }
                        _ => {
                            return Err((
                                self.i,
                                "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)",
                            ))
                        }
                    }
                }
                Some(c) if c < 0x20 => return Err((self.i, "no control character in a string")),
                Some(_) => self.i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn accepts_json_and_says_where_other_text_goes_wrong() {
        for ok in [
            "1",
            " -0.5e+10 ",
            "\"a\\u00e9\\n\"",
            "[]",
            "{}",
            "{\"a\": [1, true, null, {\"b\": \"c\"}], \"d\": -1}",
            "\"é\"",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, at) in [
            ("", 0),
            ("01", 1),
            ("[1,]", 3),
            ("{a: 1}", 1),
            ("{\"a\" 1}", 5),
            ("tru", 0),
            ("1 2", 2),
            ("\"a", 2),
            ("\"\\x\"", 2),
            ("[1.]", 3),
            ("\"\u{1}\"", 1),
            ("NaN", 0),
        ] {
            assert_eq!(check(bad).map_err(|e| e.0), Err(at), "{bad}");
        }
        let deep: String = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(check(&deep), Ok(()));
        let deeper: String = "[".repeat(100_000);
        assert!(check(&deeper).is_err());
    }
}
