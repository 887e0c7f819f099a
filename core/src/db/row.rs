//! Rows as prolly map entries.
//!
//! A table with a primary key maps the key columns, in an order-preserving encoding (so the
//! map's bytewise order is the key's SQL order), to the other columns in a compact encoding.
//! A keyless table maps the hash of a row's full encoding to a count and the row, so equal
//! rows share one entry (docs/FORMAT.md, "Rows").

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_ivarint, put_uvarint, CodecError, Reader};
use crate::db::decimal::Decimal;
use crate::db::schema::Schema;
use crate::db::temporal::Temporal;
use crate::db::value::{int_value, ColumnType, Value};
use crate::hash::Hash;

/// The version of the row and schema encodings; every dataset map records it (`db::params`).
pub const ENCODING: u64 = 6;

/// Which columns go into the key and which into the value, worked out once per table.
#[derive(Clone, Debug)]
pub struct RowLayout {
    /// How many columns a row has.
    width: usize,
    key: Vec<Slot>,
    value: Vec<Slot>,
}

/// One column of an entry's key or value, in the order the entry holds them, with what
/// decoding does with it: everything a scan's per-row loop would otherwise look up by the
/// column's index (issue 16).
#[derive(Clone, Copy, Debug)]
struct Slot {
    column: usize,
    ty: ColumnType,
    /// Made into a value (else skipped and left NULL); see [`RowLayout::read_only`].
    read: bool,
}

impl RowLayout {
    pub fn new(schema: &Schema) -> Self {
        let slots = |columns: &[usize]| {
            columns
                .iter()
                .map(|&column| Slot {
                    column,
                    ty: schema.columns[column].ty,
                    read: true,
                })
                .collect()
        };
        let width = schema.columns.len();
        if schema.is_keyless() {
            let all: Vec<usize> = (0..width).collect();
            RowLayout {
                width,
                key: Vec::new(),
                value: slots(&all),
            }
        } else {
            RowLayout {
                width,
                key: slots(&schema.primary_key),
                value: slots(&schema.value_columns()),
            }
        }
    }

    /// Makes the rows this layout decodes hold values only for the columns `wanted` marks
    /// (a column past its end is wanted), the others left NULL: a scan that reads one column
    /// need not build a string for every other. An entry is still read to its end, so one
    /// of the wrong length fails as before. Encoding is unchanged.
    pub fn read_only(&mut self, wanted: &[bool]) {
        for slot in self.key.iter_mut().chain(&mut self.value) {
            slot.read = wanted.get(slot.column) != Some(&false);
        }
    }

    pub fn is_keyless(&self) -> bool {
        self.key.is_empty()
    }

    /// The map key of a keyed row: its primary key columns, order-preserving.
    pub fn key(&self, row: &[Value]) -> Vec<u8> {
        let mut out = Vec::with_capacity(16);
        self.push_key(&mut out, row);
        out
    }

    /// `key`, appended to `out`.
    pub fn push_key(&self, out: &mut Vec<u8>, row: &[Value]) {
        for slot in &self.key {
            encode_ordered(out, slot.ty, &row[slot.column]);
        }
    }

    /// The non-key columns of a row (all columns for a keyless table).
    pub fn value(&self, row: &[Value]) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        self.push_value(&mut out, row);
        out
    }

    /// `value`, appended to `out`.
    pub fn push_value(&self, out: &mut Vec<u8>, row: &[Value]) {
        let bitmap_at = out.len();
        out.resize(bitmap_at + self.value.len().div_ceil(8), 0);
        for (n, slot) in self.value.iter().enumerate() {
            match &row[slot.column] {
                Value::Null => out[bitmap_at + n / 8] |= 1 << (n % 8),
                v => encode_value(out, slot.ty, v),
            }
        }
    }

    /// The map entry of a keyless row seen `count` times.
    pub fn keyless_entry(&self, row: &[Value], count: u64) -> (Vec<u8>, Vec<u8>) {
        let body = self.value(row);
        let key = Hash::of(&body).0.to_vec();
        let mut value = Vec::with_capacity(body.len() + 2);
        put_uvarint(&mut value, count);
        value.extend_from_slice(&body);
        (key, value)
    }

    /// A keyless entry's count, and the row it holds.
    pub fn decode_keyless(&self, value: &[u8]) -> Result<(u64, Vec<Value>), CodecError> {
        let mut row = Vec::new();
        let count = self.decode_keyless_into(value, &mut row)?;
        Ok((count, row))
    }

    /// `decode_keyless` into `row` (see `decode_into`): the count.
    pub fn decode_keyless_into(
        &self,
        value: &[u8],
        row: &mut Vec<Value>,
    ) -> Result<u64, CodecError> {
        self.fit(row);
        let mut r = Reader::new(value);
        let count = r.uvarint()?;
        self.decode_columns(&mut r, row)?;
        r.end()?;
        Ok(count)
    }

    /// The row of a keyed entry.
    pub fn decode(&self, key: &[u8], value: &[u8]) -> Result<Vec<Value>, CodecError> {
        let mut row = Vec::new();
        self.decode_into(key, value, &mut row)?;
        Ok(row)
    }

    /// `decode` into `row`, whatever it held before (every column is written), so that a
    /// scan reuses one row's allocation, and its texts' buffers, for the next (issue 16).
    pub fn decode_into(
        &self,
        key: &[u8],
        value: &[u8],
        row: &mut Vec<Value>,
    ) -> Result<(), CodecError> {
        self.fit(row);
        let mut k = Reader::new(key);
        for slot in &self.key {
            let cell = &mut row[slot.column];
            if slot.read {
                decode_ordered_into(&mut k, slot.ty, cell)?;
            } else {
                skip_ordered(&mut k, slot.ty)?;
                set_null(cell);
            }
        }
        k.end()?;
        let mut r = Reader::new(value);
        self.decode_columns(&mut r, row)?;
        r.end()?;
        Ok(())
    }

    /// Makes `row` one value per column; what it holds is overwritten by the decoding.
    fn fit(&self, row: &mut Vec<Value>) {
        if row.len() != self.width {
            row.clear();
            row.resize_with(self.width, || Value::Null);
        }
    }

    /// Writes every value column of `row` (a NULL or a skipped one as NULL).
    fn decode_columns(&self, r: &mut Reader<'_>, row: &mut [Value]) -> Result<(), CodecError> {
        let bitmap = r.take(self.value.len().div_ceil(8))?;
        for (n, slot) in self.value.iter().enumerate() {
            let cell = &mut row[slot.column];
            if bitmap[n / 8] & (1 << (n % 8)) != 0 {
                set_null(cell);
            } else if slot.read {
                decode_value_into(r, slot.ty, cell)?;
            } else {
                skip_value(r, slot.ty)?;
                set_null(cell);
            }
        }
        Ok(())
    }
}

/// A scan leaves a skipped column NULL in every row: write it only once.
fn set_null(slot: &mut Value) {
    if !matches!(slot, Value::Null) {
        *slot = Value::Null;
    }
}

/// `decode_value` into `slot`, in place where it already holds a value of the column's kind
/// (the row before's, in a scan): no enum moved, no string allocated (issue 16).
fn decode_value_into(
    r: &mut Reader<'_>,
    ty: ColumnType,
    slot: &mut Value,
) -> Result<(), CodecError> {
    match (ty, &mut *slot) {
        (
            ColumnType::Integer {
                unsigned: false, ..
            },
            Value::Int(v),
        ) => *v = r.ivarint()?,
        (ColumnType::Integer { unsigned: true, .. }, Value::Int(v)) => {
            let n = r.uvarint()?;
            match i64::try_from(n) {
                Ok(n) => *v = n,
                Err(_) => *slot = int_value(n.into()),
            }
        }
        (ColumnType::Temporal(kind), Value::Temporal(t)) => {
            *t = Temporal {
                kind,
                value: r.ivarint()?,
            }
        }
        (ColumnType::Double, Value::Double(v)) => *v = f64::from_le_bytes(double(r.take(8)?)),
        (ColumnType::Bool, Value::Bool(v)) => *v = r.u8()? != 0,
        (ColumnType::Text { .. } | ColumnType::Json | ColumnType::Enum, Value::Text(s)) => {
            let text = r.str()?;
            s.clear();
            s.push_str(text);
        }
        (ColumnType::Blob { .. }, Value::Blob(b)) => {
            let bytes = r.bytes()?;
            b.clear();
            b.extend_from_slice(bytes);
        }
        _ => *slot = decode_value(r, ty)?,
    }
    Ok(())
}

/// Eight bytes `Reader::take(8)` gave, as an array.
fn double(bytes: &[u8]) -> [u8; 8] {
    bytes.try_into().unwrap_or_default()
}

/// One non-NULL value of a column of type `ty`, as a row's value encoding holds it (also a
/// column default's encoding in a schema).
pub fn encode_value(out: &mut Vec<u8>, ty: ColumnType, value: &Value) {
    match (ty, value) {
        (_, Value::Null) => {}
        (ColumnType::Integer { unsigned: true, .. }, v) => put_uvarint(out, unsigned(v)),
        (_, Value::Decimal(d)) => {
            let zigzag = ((d.units << 1) ^ (d.units >> 127)) as u128;
            let bytes = zigzag.to_le_bytes();
            let len = bytes
                .iter()
                .rposition(|&b| b != 0)
                .map_or(0, |last| last + 1);
            put_bytes(out, &bytes[..len]);
        }
        (_, Value::Int(v)) => put_ivarint(out, *v),
        (_, Value::Temporal(t)) => put_ivarint(out, t.value),
        (_, Value::Double(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (_, Value::Bool(v)) => out.push(*v as u8),
        (_, Value::Text(s)) => put_bytes(out, s.as_bytes()),
        (_, Value::Blob(b)) => put_bytes(out, b),
    }
}

/// The value `encode_value` wrote for a column of type `ty`.
pub fn decode_value(r: &mut Reader<'_>, ty: ColumnType) -> Result<Value, CodecError> {
    Ok(match ty {
        ColumnType::Integer { unsigned: true, .. } => int_value(r.uvarint()?.into()),
        ColumnType::Integer { .. } => Value::Int(r.ivarint()?),
        ColumnType::Temporal(kind) => Value::Temporal(Temporal {
            kind,
            value: r.ivarint()?,
        }),
        ColumnType::Decimal { scale, .. } => {
            let bytes = r.bytes()?;
            if bytes.len() > 16 || bytes.last() == Some(&0) {
                return Err(CodecError::Invalid("decimal"));
            }
            let mut le = [0; 16];
            le[..bytes.len()].copy_from_slice(bytes);
            let zigzag = u128::from_le_bytes(le);
            let units = ((zigzag >> 1) as i128) ^ -((zigzag & 1) as i128);
            Value::Decimal(Decimal { units, scale })
        }
        ColumnType::Double => Value::Double(f64::from_le_bytes(double(r.take(8)?))),
        ColumnType::Bool => Value::Bool(r.u8()? != 0),
        ColumnType::Text { .. } | ColumnType::Json | ColumnType::Enum => Value::Text(r.string()?),
        ColumnType::Blob { .. } => Value::Blob(r.bytes()?.to_vec()),
    })
}

/// Reads past one value `encode_value` wrote for a column of type `ty`, making nothing of it.
fn skip_value(r: &mut Reader<'_>, ty: ColumnType) -> Result<(), CodecError> {
    match ty {
        ColumnType::Integer { unsigned: true, .. } => r.uvarint().map(drop),
        ColumnType::Integer { .. } | ColumnType::Temporal(_) => r.ivarint().map(drop),
        ColumnType::Double => r.take(8).map(drop),
        ColumnType::Bool => r.u8().map(drop),
        ColumnType::Decimal { .. }
        | ColumnType::Text { .. }
        | ColumnType::Json
        | ColumnType::Enum
        | ColumnType::Blob { .. } => r.bytes().map(drop),
    }
}

/// Order-preserving encoding of one key column of type `ty`: integers and temporal values as
/// big-endian with the sign bit flipped (unsigned ones as they are), decimals likewise in 16 bytes (every value
/// of a column is at its scale), doubles by the usual sign trick, text and blobs with 0x00
/// escaped as 0x00 0xff and ended by 0x00 0x01, so a shorter string sorts before its
/// extensions.
pub fn encode_ordered(out: &mut Vec<u8>, ty: ColumnType, value: &Value) {
    match (ty, value) {
        // Key columns are NOT NULL; the schema checks that before rows are encoded.
        (_, Value::Null) => out.push(0),
        (ColumnType::Integer { unsigned: true, .. }, v) => {
            out.extend_from_slice(&unsigned(v).to_be_bytes())
        }
        (_, Value::Decimal(d)) => {
            out.extend_from_slice(&((d.units as u128) ^ (1 << 127)).to_be_bytes())
        }
        (_, Value::Int(v)) => out.extend_from_slice(&((*v as u64) ^ (1 << 63)).to_be_bytes()),
        (_, Value::Temporal(t)) => {
            out.extend_from_slice(&((t.value as u64) ^ (1 << 63)).to_be_bytes())
        }
        (_, Value::Double(v)) => {
            let v = if *v == 0.0 { 0.0 } else { *v };
            let bits = v.to_bits();
            let ordered = if bits >> 63 == 1 {
                !bits
            } else {
                bits ^ (1 << 63)
            };
            out.extend_from_slice(&ordered.to_be_bytes());
        }
        (_, Value::Bool(v)) => out.push(*v as u8),
        (_, Value::Text(s)) => escape(out, s.as_bytes()),
        (_, Value::Blob(b)) => escape(out, b),
    }
}

/// The value of an unsigned column (coerced: an `Int` of at least 0, or a decimal of scale 0
/// past i64::MAX) as a u64.
fn unsigned(v: &Value) -> u64 {
    match v {
        Value::Int(n) => *n as u64,
        Value::Decimal(d) => d.units as u64,
        _ => 0,
    }
}

fn escape(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        out.push(b);
        if b == 0 {
            out.push(0xff);
        }
    }
    out.extend_from_slice(&[0, 1]);
}

fn unescape(r: &mut Reader<'_>) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    unescaped(r, |b| out.push(b))?;
    Ok(out)
}

/// Reads escaped key bytes to their end, handing each unescaped byte to `push`.
fn unescaped(r: &mut Reader<'_>, mut push: impl FnMut(u8)) -> Result<(), CodecError> {
    loop {
        match r.u8()? {
            0 => match r.u8()? {
                0xff => push(0),
                1 => return Ok(()),
                _ => return Err(CodecError::Invalid("escaped key bytes")),
            },
            b => push(b),
        }
    }
}

/// An eight-byte big-endian key word.
fn word(r: &mut Reader<'_>) -> Result<u64, CodecError> {
    Ok(u64::from_be_bytes(
        r.take(8)?.try_into().unwrap_or_default(),
    ))
}

fn decode_ordered(r: &mut Reader<'_>, ty: ColumnType) -> Result<Value, CodecError> {
    Ok(match ty {
        ColumnType::Integer { unsigned: true, .. } => int_value(word(r)?.into()),
        ColumnType::Integer { .. } => Value::Int((word(r)? ^ (1 << 63)) as i64),
        ColumnType::Temporal(kind) => Value::Temporal(Temporal {
            kind,
            value: (word(r)? ^ (1 << 63)) as i64,
        }),
        ColumnType::Decimal { scale, .. } => {
            let o = u128::from_be_bytes(r.take(16)?.try_into().unwrap_or_default());
            Value::Decimal(Decimal {
                units: (o ^ (1 << 127)) as i128,
                scale,
            })
        }
        ColumnType::Double => {
            let o = word(r)?;
            let bits = if o >> 63 == 1 { o ^ (1 << 63) } else { !o };
            Value::Double(f64::from_bits(bits))
        }
        ColumnType::Bool => Value::Bool(r.u8()? != 0),
        ColumnType::Text { .. } | ColumnType::Json | ColumnType::Enum => {
            Value::Text(String::from_utf8(unescape(r)?).map_err(|_| CodecError::BadUtf8)?)
        }
        ColumnType::Blob { .. } => Value::Blob(unescape(r)?),
    })
}

/// `decode_ordered` into `slot`, in place for a signed integer, the common key.
fn decode_ordered_into(
    r: &mut Reader<'_>,
    ty: ColumnType,
    slot: &mut Value,
) -> Result<(), CodecError> {
    match (ty, &mut *slot) {
        (
            ColumnType::Integer {
                unsigned: false, ..
            },
            Value::Int(v),
        ) => *v = (word(r)? ^ (1 << 63)) as i64,
        _ => *slot = decode_ordered(r, ty)?,
    }
    Ok(())
}

/// Reads past one key column `encode_ordered` wrote, making nothing of it (its escapes are
/// checked, as a decoding would).
fn skip_ordered(r: &mut Reader<'_>, ty: ColumnType) -> Result<(), CodecError> {
    match ty {
        ColumnType::Integer { .. } | ColumnType::Temporal(_) | ColumnType::Double => {
            r.take(8).map(drop)
        }
        ColumnType::Decimal { .. } => r.take(16).map(drop),
        ColumnType::Bool => r.u8().map(drop),
        ColumnType::Text { .. } | ColumnType::Json | ColumnType::Enum | ColumnType::Blob { .. } => {
            unescaped(r, |_| {})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::Column;
    use crate::db::value::IntWidth;
    use alloc::vec;

    fn schema(types: &[ColumnType], pk: &[usize]) -> Schema {
        Schema {
            columns: types
                .iter()
                .enumerate()
                .map(|(i, &ty)| Column::new(alloc::format!("c{i}"), ty, !pk.contains(&i)))
                .collect(),
            primary_key: pk.to_vec(),
            ..Schema::default()
        }
    }

    /// `layout`, decoding only the columns `mask` marks.
    fn reading(layout: &RowLayout, mask: &[bool]) -> RowLayout {
        let mut layout = layout.clone();
        layout.read_only(mask);
        layout
    }

    #[test]
    fn key_order_is_sql_order() {
        let text = ColumnType::Text { max_len: None };
        let layout = RowLayout::new(&schema(
            &[ColumnType::BIGINT, text, ColumnType::Double],
            &[0, 1, 2],
        ));
        let values = [i64::MIN, -5, -1, 0, 1, 7, i64::MAX];
        let texts = ["", "\0", "\0a", "a", "a\0", "ab", "b"];
        let doubles = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
        ];
        let mut rows = Vec::new();
        for &i in &values {
            for t in texts {
                for &d in &doubles {
                    rows.push(vec![Value::Int(i), Value::Text(t.into()), Value::Double(d)]);
                }
            }
        }
        let mut sorted = rows.clone();
        sorted.sort_by(|a, b| {
            a.iter()
                .zip(b)
                .map(|(x, y)| x.sql_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(core::cmp::Ordering::Equal)
        });
        let mut by_key = rows.clone();
        by_key.sort_by_key(|r| layout.key(r));
        // -0.0 and 0.0 are one key; compare decoded values through their keys.
        let keys = |rs: &[Vec<Value>]| rs.iter().map(|r| layout.key(r)).collect::<Vec<_>>();
        assert_eq!(keys(&by_key), keys(&sorted));
        for r in &rows {
            let back = layout.decode(&layout.key(r), &layout.value(r)).unwrap();
            assert_eq!(layout.key(&back), layout.key(r));
        }
    }

    #[test]
    fn values_round_trip_with_nulls() {
        let s = schema(
            &[
                ColumnType::INT,
                ColumnType::Text { max_len: Some(10) },
                ColumnType::Double,
                ColumnType::Bool,
                ColumnType::Blob { max_len: None },
            ],
            &[0],
        );
        let layout = RowLayout::new(&s);
        let row = vec![
            Value::Int(-3),
            Value::Null,
            Value::Double(2.5),
            Value::Bool(true),
            Value::Blob(vec![0, 1]),
        ];
        assert_eq!(
            layout
                .decode(&layout.key(&row), &layout.value(&row))
                .unwrap(),
            row
        );
        let keyless = RowLayout::new(&schema(&[ColumnType::INT, ColumnType::INT], &[]));
        let row = vec![Value::Int(1), Value::Null];
        let (key, value) = keyless.keyless_entry(&row, 3);
        assert_eq!(key.len(), 20);
        assert_eq!(keyless.decode_keyless(&value).unwrap(), (3, row));
    }

    const UBIG: ColumnType = ColumnType::Integer {
        width: IntWidth::Big,
        unsigned: true,
    };

    /// docs/FORMAT.md, "Rows": the bytes of each new type as a key and as a value.
    #[test]
    fn decimal_and_unsigned_bytes_in_docs_format() {
        let dec = ColumnType::Decimal {
            precision: 5,
            scale: 2,
        };
        let tiny = ColumnType::Integer {
            width: IntWidth::Tiny,
            unsigned: false,
        };
        let d = |units| Value::Decimal(Decimal { units, scale: 2 });
        let layout = RowLayout::new(&schema(&[dec, UBIG, dec, UBIG, tiny], &[0, 1]));
        let row = vec![
            d(-150),
            int_value(u64::MAX.into()),
            d(-150),
            Value::Int(300),
            Value::Int(-1),
        ];
        // -1.50 is -150 units: 2^127 - 150 big-endian; u64::MAX as it is.
        let mut key = vec![0x7f];
        key.extend_from_slice(&[0xff; 14]);
        key.push(0x6a);
        key.extend_from_slice(&[0xff; 8]);
        assert_eq!(layout.key(&row), key);
        // Bitmap, -1.50 as zigzag 299 in 2 bytes, 300 as uvarint, -1 as ivarint.
        assert_eq!(layout.value(&row), [0, 2, 0x2b, 0x01, 0xac, 0x02, 0x01]);
        assert_eq!(layout.decode(&key, &layout.value(&row)).unwrap(), row);
        // Zero is no bytes; a length past 16 or a trailing zero byte is not a decimal.
        let one = RowLayout::new(&schema(&[dec], &[]));
        assert_eq!(one.value(&[d(0)]), [0, 0]);
        assert!(one.decode_keyless(&[1, 0, 1, 0]).is_err());
        let mut long = vec![1, 0, 17];
        long.extend_from_slice(&[1; 17]);
        assert!(one.decode_keyless(&long).is_err());
    }

    #[test]
    fn decimal_and_unsigned_keys_sort_by_value() {
        let dec = ColumnType::Decimal {
            precision: 38,
            scale: 3,
        };
        let layout = RowLayout::new(&schema(&[dec, UBIG], &[0, 1]));
        let units = [
            -(10i128.pow(38) - 1),
            -1500,
            -1,
            0,
            1,
            999,
            10i128.pow(38) - 1,
        ];
        let unsigned = [
            0,
            1,
            i64::MAX as u128,
            i64::MAX as u128 + 1,
            u64::MAX.into(),
        ];
        let mut rows = Vec::new();
        for &u in &units {
            for &n in &unsigned {
                rows.push(vec![
                    Value::Decimal(Decimal { units: u, scale: 3 }),
                    int_value(n as i128),
                ]);
            }
        }
        let mut by_key = rows.clone();
        by_key.sort_by_key(|r| layout.key(r));
        assert_eq!(by_key, rows);
        for r in &rows {
            assert_eq!(&layout.decode(&layout.key(r), &layout.value(r)).unwrap(), r);
        }
    }

    #[test]
    fn garbage_is_an_error() {
        let layout = RowLayout::new(&schema(
            &[ColumnType::BIGINT, ColumnType::Text { max_len: None }],
            &[0],
        ));
        assert!(layout.decode(&[1, 2, 3], &[0]).is_err());
        assert!(layout.decode(&[0; 8], &[0, 9, b'x']).is_err());
        assert!(layout.decode(&[0; 9], &[1]).is_err());
    }

    /// Only the wanted columns become values; the others are skipped, every type of them,
    /// and an entry of the wrong length still fails.
    #[test]
    fn decodes_only_the_wanted_columns() {
        let dec = ColumnType::Decimal {
            precision: 5,
            scale: 2,
        };
        let types = [
            ColumnType::INT,
            ColumnType::Text { max_len: None },
            UBIG,
            ColumnType::Double,
            ColumnType::Bool,
            dec,
            ColumnType::Blob { max_len: None },
            ColumnType::Temporal(crate::db::temporal::TimeType::Date),
            ColumnType::BIGINT,
        ];
        let layout = RowLayout::new(&schema(&types, &[0]));
        let row = vec![
            Value::Int(7),
            Value::Text("seven".into()),
            int_value(u64::MAX.into()),
            Value::Double(7.5),
            Value::Bool(true),
            Value::Decimal(Decimal {
                units: -150,
                scale: 2,
            }),
            Value::Blob(vec![7; 3]),
            Value::Temporal(Temporal {
                kind: crate::db::temporal::TimeType::Date,
                value: 19_000,
            }),
            Value::Int(-7),
        ];
        let (key, value) = (layout.key(&row), layout.value(&row));
        for wanted in 0..types.len() {
            let mask: Vec<bool> = (0..types.len()).map(|i| i == wanted).collect();
            let layout = reading(&layout, &mask);
            let expected: Vec<Value> = (0..types.len())
                .map(|i| match i == wanted {
                    true => row[i].clone(),
                    false => Value::Null,
                })
                .collect();
            assert_eq!(layout.decode(&key, &value).unwrap(), expected);
            let mut longer = value.clone();
            longer.push(0);
            let mut buffer = Vec::new();
            assert!(layout.decode_into(&key, &longer, &mut buffer).is_err());
            assert!(layout
                .decode_into(&key, &value[..value.len() - 1], &mut buffer)
                .is_err());
            // The key is read to its end too, wanted or not.
            assert!(layout
                .decode_into(&key[..key.len() - 1], &value, &mut buffer)
                .is_err());
            assert!(layout
                .decode_into(&[&key[..], &[0]].concat(), &value, &mut buffer)
                .is_err());
        }
    }

    /// A key column that is not wanted is skipped: a text key's escapes are still checked,
    /// and the columns after it read from the right place.
    #[test]
    fn skips_a_key_column_not_wanted() {
        let text = ColumnType::Text { max_len: None };
        let layout = RowLayout::new(&schema(&[text, ColumnType::BIGINT, text], &[0, 1]));
        let row = vec![
            Value::Text("a\0b".into()),
            Value::Int(-9),
            Value::Text("v".into()),
        ];
        let (key, value) = (layout.key(&row), layout.value(&row));
        let mut got = Vec::new();
        let layout = reading(&layout, &[false, true, true]);
        layout.decode_into(&key, &value, &mut got).unwrap();
        assert_eq!(
            got,
            vec![Value::Null, Value::Int(-9), Value::Text("v".into())]
        );
        // 0x00 0x02 is no escape the encoding writes.
        let mut bad = key.clone();
        let at = bad.iter().position(|&b| b == 0).unwrap();
        bad[at + 1] = 2;
        assert!(layout.decode_into(&bad, &value, &mut got).is_err());
    }

    /// A scan decodes every row into the one buffer: what a row leaves there (values, NULLs,
    /// columns skipped or not, a row of another width) must not show in the next.
    #[test]
    fn a_reused_row_buffer_holds_only_the_last_row() {
        let types = [
            ColumnType::BIGINT,
            ColumnType::Text { max_len: None },
            ColumnType::Double,
            ColumnType::Blob { max_len: None },
        ];
        let keyed = RowLayout::new(&schema(&types, &[0]));
        let keyless = RowLayout::new(&schema(&types, &[]));
        let rows = [
            vec![
                Value::Int(1),
                Value::Text("one".into()),
                Value::Double(1.5),
                Value::Blob(vec![1]),
            ],
            vec![Value::Int(2), Value::Null, Value::Null, Value::Null],
            vec![
                Value::Int(3),
                Value::Null,
                Value::Double(-3.0),
                Value::Blob(vec![]),
            ],
            vec![
                Value::Int(4),
                Value::Text("four".into()),
                Value::Null,
                Value::Blob(vec![4; 4]),
            ],
            // Decoded in place over the row before's values, shorter and then longer.
            vec![
                Value::Int(5),
                Value::Text("5".into()),
                Value::Double(5.0),
                Value::Blob(vec![5]),
            ],
        ];
        let masks = [
            None,
            Some(vec![true, false, true, false]),
            Some(vec![false, true, false, true]),
        ];
        let mut buffer = vec![Value::Text("left over".into())];
        for mask in &masks {
            for row in rows.iter().chain(rows.iter().rev()) {
                let (key, value) = (keyed.key(row), keyed.value(row));
                let mut fresh = keyed.decode(&key, &value).unwrap();
                if let Some(mask) = mask {
                    for (v, &w) in fresh.iter_mut().zip(mask) {
                        if !w {
                            *v = Value::Null;
                        }
                    }
                }
                let keyed = mask.as_ref().map_or(keyed.clone(), |m| reading(&keyed, m));
                keyed.decode_into(&key, &value, &mut buffer).unwrap();
                assert_eq!(buffer, fresh);
                let (_, value) = keyless.keyless_entry(row, 2);
                let keyless = mask
                    .as_ref()
                    .map_or(keyless.clone(), |m| reading(&keyless, m));
                assert_eq!(keyless.decode_keyless_into(&value, &mut buffer), Ok(2));
                assert_eq!(buffer, fresh);
            }
        }
    }
}
