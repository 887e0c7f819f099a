//! JSON as Dolt imports and exports it, `{"rows": [{"column": value, ...}, ...]}`, read by a
//! push parser: a small scanner finds where each row object starts and ends (tracking strings
//! and nesting, so a brace inside a string is text), and serde_json reads each row on its own.
//! So a large file streams row by row, and serde_json (the field's standard, used with
//! `alloc` alone) does all the JSON grammar and unescaping. Numbers are kept as written
//! (`raw_value`), so a decimal comes in exactly, not through a double.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Cell, ImportError, Record};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the opening `{`.
    Open,
    /// Before the `"rows"` key.
    Key,
    /// Inside the key's quotes (its bytes gather in `key`).
    InKey {
        escaped: bool,
    },
    Colon,
    Bracket,
    /// Before the first row, or `]` of an empty list.
    FirstRow,
    /// Inside a row object: its nesting depth, and whether in a string (and after a `\`).
    Row {
        depth: u32,
        in_string: bool,
        escaped: bool,
    },
    /// After a row: `,` or `]`.
    AfterRow,
    /// After `,`: a row must follow.
    NextRow,
    Close,
    Done,
}

/// Reads rows from bytes fed in pieces.
pub struct Reader {
    state: State,
    key: Vec<u8>,
    row: Vec<u8>,
    rows_read: u64,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            state: State::Open,
            key: Vec::new(),
            row: Vec::new(),
            rows_read: 0,
        }
    }
}

/// Deeper nesting than this in a row is refused before serde_json sees it (whose own limit
/// is 128): values in cells are scalars anyway.
const MAX_DEPTH: u32 = 64;

impl Reader {
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), ImportError> {
        for &b in bytes {
            self.byte(b, out)?;
        }
        Ok(())
    }

    fn shape(&self, found: u8) -> ImportError {
        let found = match found {
            0 => String::from("the end of the file"),
            b if b.is_ascii_graphic() => format!("'{}'", b as char),
            b => format!("byte 0x{b:02x}"),
        };
        ImportError::Format(format!(
            "a JSON import is {{\"rows\": [{{\"column\": value, ...}}, ...]}}; found {found} \
             after {} rows",
            self.rows_read
        ))
    }

    fn byte(&mut self, b: u8, out: &mut Vec<Record>) -> Result<(), ImportError> {
        let space = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        // Whitespace between tokens; a UTF-8 byte order mark before the first.
        let skip = |state| space && !matches!(state, State::InKey { .. } | State::Row { .. });
        if skip(self.state) || (self.state == State::Open && matches!(b, 0xEF | 0xBB | 0xBF)) {
            return Ok(());
        }
        self.state = match self.state {
            State::Open if b == b'{' => State::Key,
            State::Key if b == b'"' => State::InKey { escaped: false },
            State::InKey { escaped } => {
                if b == b'"' && !escaped {
                    if self.key != b"rows" {
                        return Err(ImportError::Format(format!(
                            "a JSON import is {{\"rows\": [...]}}; found the key \"{}\"",
                            String::from_utf8_lossy(&self.key)
                        )));
                    }
                    State::Colon
                } else {
                    self.key.push(b);
                    if self.key.len() > 64 {
                        return Err(self.shape(b));
                    }
                    State::InKey {
                        escaped: b == b'\\' && !escaped,
                    }
                }
            }
            State::Colon if b == b':' => State::Bracket,
            State::Bracket if b == b'[' => State::FirstRow,
            State::FirstRow if b == b']' => State::Close,
            State::FirstRow | State::NextRow if b == b'{' => {
                self.row.push(b);
                State::Row {
                    depth: 1,
                    in_string: false,
                    escaped: false,
                }
            }
            State::Row {
                depth,
                in_string,
                escaped,
            } => {
                self.row.push(b);
                match (in_string, b) {
                    (true, b'\\') => State::Row {
                        depth,
                        in_string,
                        escaped: !escaped,
                    },
                    (true, b'"') if !escaped => State::Row {
                        depth,
                        in_string: false,
                        escaped: false,
                    },
                    (true, _) => State::Row {
                        depth,
                        in_string,
                        escaped: false,
                    },
                    (false, b'"') => State::Row {
                        depth,
                        in_string: true,
                        escaped: false,
                    },
                    (false, b'{' | b'[') if depth >= MAX_DEPTH => {
                        return Err(ImportError::Format(format!(
                            "row {}: values nest too deeply",
                            self.rows_read + 1
                        )))
                    }
                    (false, b'{' | b'[') => State::Row {
                        depth: depth + 1,
                        in_string,
                        escaped,
                    },
                    (false, b'}' | b']') if depth == 1 => {
                        self.end_row(out)?;
                        State::AfterRow
                    }
                    (false, b'}' | b']') => State::Row {
                        depth: depth - 1,
                        in_string,
                        escaped,
                    },
                    (false, _) => State::Row {
                        depth,
                        in_string,
                        escaped,
                    },
                }
            }
            State::AfterRow if b == b',' => State::NextRow,
            State::AfterRow if b == b']' => State::Close,
            State::Close if b == b'}' => State::Done,
            _ => return Err(self.shape(b)),
        };
        Ok(())
    }

    fn end_row(&mut self, out: &mut Vec<Record>) -> Result<(), ImportError> {
        self.rows_read += 1;
        let bytes = core::mem::take(&mut self.row);
        let number = self.rows_read;
        let row: Row = serde_json::from_slice(&bytes)
            .map_err(|e| ImportError::Format(format!("row {number}: {e}")))?;
        let mut names = Vec::with_capacity(row.0.len());
        let mut cells = Vec::with_capacity(row.0.len());
        for (name, raw) in row.0 {
            let cell = cell(raw.get()).map_err(|why| {
                ImportError::Format(format!("row {number}, column '{name}': {why}"))
            })?;
            names.push(name);
            cells.push(cell);
        }
        out.push(Record {
            line: number,
            names: Some(names),
            cells,
        });
        Ok(())
    }

    pub fn finish(&mut self, _out: &mut Vec<Record>) -> Result<(), ImportError> {
        match self.state {
            State::Done => Ok(()),
            _ => Err(self.shape(0)),
        }
    }
}

/// A row's members in the file's order (the order a created table's columns take), each
/// value as written.
struct Row(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Row, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Row;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of column names and values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let mut members: Vec<(String, Box<RawValue>)> = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    if members.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                        return Err(serde::de::Error::custom(format!(
                            "column '{name}' appears twice"
                        )));
                    }
                    members.push((name, value));
                }
                Ok(Row(members))
            }
        }
        d.deserialize_map(Members)
    }
}

/// A value as the cell it is: a JSON number keeps its text, to be read as SQL reads a
/// literal.
fn cell(raw: &str) -> Result<Cell, String> {
    Ok(match raw.as_bytes().first() {
        Some(b'n') => Cell::Null,
        Some(b't') => Cell::Bool(true),
        Some(b'f') => Cell::Bool(false),
        Some(b'"') => Cell::Text(serde_json::from_str(raw).map_err(|e| format!("{e}"))?),
        Some(b'{' | b'[') => return Err("a value cannot be an object or a list".into()),
        _ => Cell::Number(raw.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn read_in_two(input: &[u8], cut: usize) -> Result<Vec<Record>, ImportError> {
        crate::import::read_in_two(crate::import::Reader::Json(Reader::default()), input, cut)
    }

    const SAMPLE: &str = " {\"rows\" : [ {\"id\":1, \"name\":\"a \\\"}{\\\\\", \"n\":null},\n\
        {\"id\":-2.50,\"name\":\"é😀\",\"ok\":true} ] }\n";

    #[test]
    fn reads_the_same_rows_however_the_input_is_cut() {
        let expected = vec![
            Record {
                line: 1,
                names: Some(vec!["id".into(), "name".into(), "n".into()]),
                cells: vec![
                    Cell::Number("1".into()),
                    Cell::Text("a \"}{\\".into()),
                    Cell::Null,
                ],
            },
            Record {
                line: 2,
                names: Some(vec!["id".into(), "name".into(), "ok".into()]),
                cells: vec![
                    Cell::Number("-2.50".into()),
                    Cell::Text("é😀".into()),
                    Cell::Bool(true),
                ],
            },
        ];
        for cut in 0..=SAMPLE.len() {
            assert_eq!(
                read_in_two(SAMPLE.as_bytes(), cut).unwrap(),
                expected,
                "cut at {cut}"
            );
        }
        assert_eq!(read_in_two(b"{\"rows\":[]}", 3).unwrap(), vec![]);
    }

    #[test]
    fn refuses_other_shapes() {
        for (input, wanted) in [
            ("[1]", "a JSON import is {\"rows\""),
            (
                "{\"data\":[]}",
                "a JSON import is {\"rows\": [...]}; found the key \"data\"",
            ),
            ("{\"rows\":[1]}", "a JSON import is"),
            ("{\"rows\":[{\"a\":1}", "a JSON import is"),
            ("{\"rows\":[{\"a\":1,}]}", "row 1: "),
            (
                "{\"rows\":[{\"a\":[1]}]}",
                "row 1, column 'a': a value cannot be",
            ),
            (
                "{\"rows\":[{\"a\":1,\"A\":2}]}",
                "row 1: column 'A' appears twice",
            ),
            ("{\"rows\":[]} x", "a JSON import is"),
        ] {
            for cut in 0..=input.len() {
                let e = read_in_two(input.as_bytes(), cut).unwrap_err().to_string();
                assert!(e.starts_with(wanted), "{input} at {cut}: {e}");
            }
        }
    }
}
