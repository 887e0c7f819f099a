//! The database model over the chunk store: values and schemas, rows as prolly map entries,
//! root values, commits, working sets and the map of datasets at the store's root.

pub mod commit;
pub mod conflict;
pub mod constraints;
pub mod datasets;
pub mod decimal;
pub mod foreign;
pub mod index;
pub mod json;
pub mod kind;
pub mod params;
pub mod root_value;
pub mod row;
pub mod schema;
pub mod table;
pub mod temporal;
pub(crate) mod three_way;
pub mod value;
pub mod working_set;
