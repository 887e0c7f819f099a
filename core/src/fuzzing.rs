//! What the fuzz targets in `fuzz/` need of the crate's private decoders (feature `fuzzing`).
//! Not an API: nothing else may use it.

use alloc::vec::Vec;

pub use crate::sql::insert::InsertValues;
use crate::sql::SqlError;

/// Decodes a prolly node chunk and encodes it again from what the accessors return; panics
/// if a decoded node's lookups disagree with its entries' order.
pub fn reencode_node(chunk: &[u8]) -> Result<Vec<u8>, &'static str> {
    let node = crate::prolly::node::Node::decode(chunk.to_vec())?;
    let mut total = 0u64;
    for i in 0..node.len() {
        let key = node.key(i);
        assert_eq!(node.lower_bound(key), i);
        assert_eq!(node.upper_bound(key), i + 1);
        total += node.count(i);
    }
    assert_eq!(total, node.total());
    assert_eq!(node.child_index(&[]), 0);
    Ok(node.encode())
}

/// The fast INSERT parser.
pub fn fast_insert(sql: &str) -> Option<InsertValues> {
    crate::sql::fast_insert::parse(sql)
}

/// The same statement read by sqlparser, which the fast parser must agree with.
pub fn parsed_insert(sql: &str) -> Result<InsertValues, SqlError> {
    crate::sql::insert::parse_slow(sql)
}
