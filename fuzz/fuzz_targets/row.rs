#![no_main]
//! A schema and a row under it. The input is a schema's encoding, then a map key and value
//! (`cairn_fuzz::split` twice). A schema that decodes with no bytes left encodes to the same
//! bytes (in the form it was read in); a row that decodes encodes to bytes that decode and
//! encode to themselves (booleans, -0.0 keys and a NULL bitmap's spare bits have one
//! canonical form on the way out).

use cairn_core::codec::Reader;
use cairn_core::db::row::RowLayout;
use cairn_core::db::schema::Schema;
use cairn_fuzz::split;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (schema_bytes, rest) = split(data);
    let (key, value) = split(rest);
    let mut r = Reader::new(schema_bytes);
    let Ok((schema, unbuilt)) = Schema::decode_stored(&mut r) else {
        return;
    };
    if r.end().is_ok() {
        // Rows encoding 3's form of unique keys is a stored form of its own (a table whose
        // key maps are not built yet), written back as it was read.
        let mut again = Vec::new();
        if unbuilt {
            schema.encode_legacy(&mut again);
        } else {
            schema.encode(&mut again);
        }
        assert_eq!(again, schema_bytes);
    }
    let layout = RowLayout::new(&schema);
    if layout.is_keyless() {
        let Ok((count, row)) = layout.decode_keyless(value) else {
            return;
        };
        let (_, again) = layout.keyless_entry(&row, count);
        let (count2, row2) = layout
            .decode_keyless(&again)
            .expect("a re-encoded row decodes");
        assert_eq!(count2, count);
        assert_eq!(layout.keyless_entry(&row2, count2).1, again);
    } else {
        let Ok(row) = layout.decode(key, value) else {
            return;
        };
        let (k, v) = (layout.key(&row), layout.value(&row));
        let row2 = layout.decode(&k, &v).expect("a re-encoded row decodes");
        assert_eq!((layout.key(&row2), layout.value(&row2)), (k, v));
    }
});
