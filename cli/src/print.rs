//! Printing SQL results in the format asked for on the command line.

use cairn_core::sql::{format, QueryResult};

pub fn query_result(result: &QueryResult, fmt: crate::args::ResultFormat) -> String {
    use crate::args::ResultFormat;
    if let Some(n) = result.affected {
        let s = if n == 1 { "" } else { "s" };
        return format!("Query OK, {n} row{s} affected\n");
    }
    match fmt {
        ResultFormat::Table => format::format_table(result),
        ResultFormat::Csv => format::format_csv(result),
        // JSON is one line with no newline of its own; a terminal wants one.
        ResultFormat::Json => format::format_json(result) + "\n",
    }
}
