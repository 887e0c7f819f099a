//! CSV as RFC 4180 has it (a header row, `,` between fields, `"` around fields that hold a
//! comma, a quote or a line break, `""` for a quote inside one), read by a push parser and
//! written by [`field`].
//!
//! Hand-written rather than `csv-core`: an import must tell an empty unquoted field (NULL)
//! from a quoted empty one (`""`, the empty string), as Dolt does, and `csv-core` reports
//! neither how a field was quoted when reading nor lets one quote an empty field when
//! writing. The state machine below is small, and fed any split of the input it reads the
//! same records (the tests cut a sample at every byte).

use alloc::string::String;
use alloc::vec::Vec;

use super::{Cell, ImportError, Record};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of a field (after a comma or a line break, or at the start of input).
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the field's end, or the first of a doubled quote.
    QuoteInQuoted,
}

/// Reads records from bytes fed in pieces; a piece may end anywhere, even inside a UTF-8
/// character.
pub struct Reader {
    state: State,
    field: Vec<u8>,
    quoted: bool,
    fields: Vec<Cell>,
    /// The line being read (1-based) and the one the current record started on.
    line: u64,
    record_line: u64,
    /// After a `\r` that ended a record: a `\n` next belongs to it.
    after_cr: bool,
    /// How many bytes of a UTF-8 byte order mark the input has started with, while that
    /// is undecided (`None` once it is).
    bom: Option<usize>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            state: State::FieldStart,
            field: Vec::new(),
            quoted: false,
            fields: Vec::new(),
            line: 1,
            record_line: 1,
            after_cr: false,
            bom: Some(0),
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Reader {
    /// Reads `bytes`, adding each record they complete to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), ImportError> {
        for &b in bytes {
            // A byte order mark (Excel writes one) is no part of the first field.
            if let Some(held) = self.bom {
                if b == BOM[held] {
                    self.bom = (held + 1 < BOM.len()).then_some(held + 1);
                    continue;
                }
                self.replay_bom(out)?;
            }
            self.byte(b, out)?;
        }
        Ok(())
    }

    /// Bytes held as the start of a byte order mark that turned out to be data.
    fn replay_bom(&mut self, out: &mut Vec<Record>) -> Result<(), ImportError> {
        let held = self.bom.take().unwrap_or(0);
        BOM[..held].iter().try_for_each(|&b| self.byte(b, out))
    }

    fn byte(&mut self, b: u8, out: &mut Vec<Record>) -> Result<(), ImportError> {
        let after_cr = core::mem::take(&mut self.after_cr);
        match self.state {
            State::FieldStart => match b {
                b'\n' if after_cr => {}
                b'"' => {
                    self.state = State::Quoted;
                    self.quoted = true;
                }
                b',' => self.end_field()?,
                b'\r' | b'\n' => self.end_line(b, out)?,
                _ => {
                    self.field.push(b);
                    self.state = State::Unquoted;
                }
            },
            State::Unquoted => match b {
                b',' => self.end_field()?,
                b'\r' | b'\n' => self.end_line(b, out)?,
                b'"' => {
                    return Err(self.error(
                        "a quote inside an unquoted field (quote the whole field and double the quote)",
                    ))
                }
                _ => self.field.push(b),
            },
            State::Quoted => {
                if b == b'"' {
                    self.state = State::QuoteInQuoted;
                } else {
                    if b == b'\n' {
                        self.line += 1;
                    }
                    self.field.push(b);
                }
            }
            State::QuoteInQuoted => match b {
                b'"' => {
                    self.field.push(b'"');
                    self.state = State::Quoted;
                }
                b',' => self.end_field()?,
                b'\r' | b'\n' => self.end_line(b, out)?,
                _ => {
                    return Err(self.error(
                        "a character after a quoted field's closing quote (double a quote inside a quoted field)",
                    ))
                }
            },
        }
        Ok(())
    }

    fn error(&self, why: &str) -> ImportError {
        ImportError::Format(alloc::format!("line {}: {why}", self.line))
    }

    fn end_field(&mut self) -> Result<(), ImportError> {
        let bytes = core::mem::take(&mut self.field);
        let cell = if bytes.is_empty() && !self.quoted {
            Cell::Null
        } else {
            Cell::Text(String::from_utf8(bytes).map_err(|_| self.error("the text is not UTF-8"))?)
        };
        self.fields.push(cell);
        self.quoted = false;
        self.state = State::FieldStart;
        Ok(())
    }

    fn end_line(&mut self, b: u8, out: &mut Vec<Record>) -> Result<(), ImportError> {
        let blank = self.fields.is_empty() && self.field.is_empty() && !self.quoted;
        if !blank {
            self.end_field()?;
            out.push(Record {
                line: self.record_line,
                names: None,
                cells: core::mem::take(&mut self.fields),
            });
        }
        self.state = State::FieldStart;
        self.after_cr = b == b'\r';
        self.line += 1;
        self.record_line = self.line;
        Ok(())
    }

    /// The end of the input: a last record without a line break after it.
    pub fn finish(&mut self, out: &mut Vec<Record>) -> Result<(), ImportError> {
        self.replay_bom(out)?;
        match self.state {
            State::Quoted => Err(ImportError::Format(alloc::format!(
                "line {}: a quoted field is not closed by the end of the file",
                self.record_line
            ))),
            _ => {
                let line = self.line;
                self.end_line(b'\n', out)?;
                self.line = line;
                Ok(())
            }
        }
    }
}

/// Whether text must be quoted in a CSV field: it is empty (an empty field is NULL), or holds
/// a separator, a quote or a line break, or starts with a byte order mark's bytes.
fn needs_quotes(text: &str) -> bool {
    text.is_empty()
        || text.starts_with('\u{feff}')
        || text
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends one field: `None` (NULL) as nothing, text quoted where it must be.
pub fn field(out: &mut String, text: Option<&str>) {
    let Some(text) = text else { return };
    if !needs_quotes(text) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn read_in_two(input: &[u8], cut: usize) -> Result<Vec<Record>, ImportError> {
        crate::import::read_in_two(crate::import::Reader::Csv(Reader::default()), input, cut)
    }

    const SAMPLE: &str =
        "\u{feff}id,name,note\r\n1,\"a, \"\"b\"\"\",\r\n\n2,\"\",\"two\nlines\"\n3,é€😀,x";

    #[test]
    fn reads_the_same_records_however_the_input_is_cut() {
        let expected = vec![
            Record {
                names: None,
                line: 1,
                cells: vec![text("id"), text("name"), text("note")],
            },
            Record {
                names: None,
                line: 2,
                cells: vec![text("1"), text("a, \"b\""), Cell::Null],
            },
            Record {
                names: None,
                line: 4,
                cells: vec![text("2"), text(""), text("two\nlines")],
            },
            Record {
                names: None,
                line: 6,
                cells: vec![text("3"), text("é€😀"), text("x")],
            },
        ];
        for cut in 0..=SAMPLE.len() {
            assert_eq!(
                read_in_two(SAMPLE.as_bytes(), cut).unwrap(),
                expected,
                "cut at {cut}"
            );
        }
        // A byte at a time, too.
        let mut reader = Reader::default();
        let mut out = Vec::new();
        for b in SAMPLE.as_bytes() {
            reader.feed(core::slice::from_ref(b), &mut out).unwrap();
        }
        reader.finish(&mut out).unwrap();
        assert_eq!(out, expected);
    }

    #[test]
    fn refuses_malformed_input_with_its_line() {
        let cases: [(&[u8], &str); 4] = [
            (b"a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field"),
            (b"a\n\"open\n", "line 2: a quoted field is not closed"),
            (b"a\n\"x\"y\n", "line 2: a character after a quoted field's"),
            (b"a\n\xef\xff\n", "line 2: the text is not UTF-8"),
        ];
        for (input, wanted) in cases {
            for cut in 0..=input.len() {
                let e = read_in_two(input, cut).unwrap_err().to_string();
                assert!(e.starts_with(wanted), "{input:?} at {cut}: {e}");
            }
        }
    }

    #[test]
    fn writes_fields_that_read_back() {
        let values = [
            None,
            Some(""),
            Some("plain"),
            Some("a,b"),
            Some("q\"q"),
            Some("l\r\n2"),
        ];
        let mut line = String::new();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            field(&mut line, *v);
        }
        assert_eq!(line, ",\"\",plain,\"a,b\",\"q\"\"q\",\"l\r\n2\"");
        line.push('\n');
        let records = read_in_two(line.as_bytes(), 0).unwrap();
        let cells: Vec<Cell> = values.iter().map(|v| v.map_or(Cell::Null, text)).collect();
        assert_eq!(records[0].cells, cells);
    }
}
