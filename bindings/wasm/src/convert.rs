//! The core's values as plain JS objects (the shapes are declared in npm/index.d.ts:
//! `QueryResult`, `Status`, `Commit`, `TableDiff`, `Snapshot`, `SyncProgress`, ...): views
//! that derive `Serialize`, turned into JS by serde-wasm-bindgen.

use cairn_core::backup::Snapshot;
use cairn_core::db::commit::Commit;
use cairn_core::db::value::Value;
use cairn_core::repo::{
    Applied, MergeOutcome, Pulled, Pushed, RefKind, RowChange, Status, TableConflicts, TableDiff,
    TableStatus,
};
use cairn_core::sql::QueryResult;
use cairn_core::sync::{Progress, SyncStats};
use cairn_core::Hash;
use serde::ser::{Serialize, Serializer};
use serde_wasm_bindgen::Serializer as JsSerializer;
use wasm_bindgen::JsValue;

/// Integers beyond this become bigints in JS, where a number would lose digits.
const SAFE: i64 = (1 << 53) - 1;

/// Objects, not Maps; `None` and SQL NULL as `null`; 64-bit integers as bigints (only the
/// ones past `SAFE` are serialized as such, see `Sql`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = JsSerializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(true);
    // The views hold only strings, numbers, booleans, bytes and sequences of them, which
    // serde-wasm-bindgen always converts.
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

/// A hash as its base32 text.
struct B32<'a>(&'a Hash);

impl Serialize for B32<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_base32())
    }
}

/// A SQL value: integers as numbers while exact, else bigints; decimals as strings of their
/// exact digits (a JS number would round them); dates and times as MySQL's text; blobs as
/// Uint8Arrays.
struct Sql<'a>(&'a Value);

impl Serialize for Sql<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Int(i) if (-SAFE..=SAFE).contains(i) => s.serialize_f64(*i as f64),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Double(d) => s.serialize_f64(*d),
            Value::Decimal(d) => s.serialize_str(&d.to_string()),
            Value::Temporal(t) => s.serialize_str(&t.to_string()),
            Value::Text(t) => s.serialize_str(t),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Blob(b) => s.serialize_bytes(b),
        }
    }
}

/// A row of SQL values.
struct Row<'a>(&'a [Value]);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Sql))
    }
}

#[derive(serde::Serialize)]
struct QueryResultView<'a> {
    columns: &'a [String],
    rows: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    affected: Option<f64>,
}

pub fn query_result(r: &QueryResult) -> JsValue {
    to_js(&QueryResultView {
        columns: &r.columns,
        rows: r.rows.iter().map(|r| Row(r)).collect(),
        affected: r.affected.map(|n| n as f64),
    })
}

#[derive(serde::Serialize)]
struct TableStatusView<'a> {
    name: &'a str,
    change: &'static str,
}

fn table_statuses(list: &[TableStatus]) -> Vec<TableStatusView<'_>> {
    list.iter()
        .map(|t| TableStatusView {
            name: &t.name,
            change: t.change.label(),
        })
        .collect()
}

#[derive(serde::Serialize)]
struct StatusView<'a> {
    branch: &'a str,
    staged: Vec<TableStatusView<'a>>,
    unstaged: Vec<TableStatusView<'a>>,
    untracked: &'a [String],
    clean: bool,
    /// The tables a merge in progress left with conflicts; null when none is in progress.
    merging: Option<&'a [String]>,
    /// The branch's upstream and how far apart they are; null without one.
    upstream: Option<TrackingView<'a>>,
}

pub fn status(s: &Status) -> JsValue {
    to_js(&StatusView {
        branch: &s.branch,
        staged: table_statuses(&s.staged),
        unstaged: table_statuses(&s.unstaged),
        untracked: &s.untracked,
        clean: s.is_clean(),
        merging: s.merging.as_deref(),
        upstream: s.upstream.as_ref().map(|u| TrackingView {
            name: &u.name,
            gone: u.gone,
            ahead: u.ahead as f64,
            behind: u.behind as f64,
        }),
    })
}

#[derive(serde::Serialize)]
struct TrackingView<'a> {
    name: &'a str,
    gone: bool,
    ahead: f64,
    behind: f64,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CommitView<'a> {
    hash: B32<'a>,
    root: B32<'a>,
    parents: Vec<B32<'a>>,
    author: &'a str,
    email: &'a str,
    time_ms: f64,
    message: &'a str,
    decorations: &'a [String],
}

pub fn commit(at: &Hash, c: &Commit, decorations: &[String]) -> JsValue {
    to_js(&CommitView {
        hash: B32(at),
        root: B32(&c.root),
        parents: c.parents.iter().map(B32).collect(),
        author: &c.author,
        email: &c.email,
        time_ms: c.time_ms as f64,
        message: &c.message,
        decorations,
    })
}

#[derive(serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum RowChangeView<'a> {
    Added { row: Row<'a> },
    Removed { row: Row<'a> },
    Modified { old: Row<'a>, new: Row<'a> },
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct TableDiffView<'a> {
    name: &'a str,
    change: &'static str,
    schema_changed: bool,
    columns: Vec<&'a str>,
    rows: Vec<RowChangeView<'a>>,
}

pub fn diffs(diffs: &[TableDiff]) -> JsValue {
    let views: Vec<TableDiffView<'_>> = diffs
        .iter()
        .map(|d| TableDiffView {
            name: &d.name,
            change: d.change.label(),
            schema_changed: d.schema_changed,
            columns: d.schema.columns.iter().map(|c| c.name.as_str()).collect(),
            rows: d
                .rows
                .iter()
                .map(|c| match c {
                    RowChange::Added(r) => RowChangeView::Added { row: Row(r) },
                    RowChange::Removed(r) => RowChangeView::Removed { row: Row(r) },
                    RowChange::Modified { old, new } => RowChangeView::Modified {
                        old: Row(old),
                        new: Row(new),
                    },
                })
                .collect(),
        })
        .collect();
    to_js(&views)
}

#[derive(serde::Serialize)]
struct RefView<'a> {
    name: &'a str,
    hash: B32<'a>,
}

pub fn refs(refs: Vec<(String, Hash)>) -> JsValue {
    let views: Vec<RefView<'_>> = refs
        .iter()
        .map(|(name, at)| RefView {
            name,
            hash: B32(at),
        })
        .collect();
    to_js(&views)
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotView<'a> {
    id: String,
    time_ms: f64,
    datasets: B32<'a>,
    head: &'a str,
    tags: &'a [String],
    message: &'a str,
    added: Option<f64>,
    adopted_by: Option<&'a str>,
}

pub fn snapshot(s: &Snapshot) -> JsValue {
    to_js(&SnapshotView {
        id: s.id(),
        time_ms: s.time_ms as f64,
        datasets: B32(&s.datasets),
        head: &s.head,
        tags: &s.details.tags,
        message: &s.details.message,
        added: s.details.added.map(|n| n as f64),
        adopted_by: s.details.adopted_by.as_deref(),
    })
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsView {
    table_files: f64,
    chunks: f64,
    bytes: f64,
    repaired: f64,
}

fn stats_view(s: &SyncStats) -> StatsView {
    StatsView {
        table_files: s.table_files as f64,
        chunks: s.chunks as f64,
        bytes: s.bytes as f64,
        repaired: s.repaired as f64,
    }
}

pub fn stats(s: &SyncStats) -> JsValue {
    to_js(&stats_view(s))
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressView {
    phase: &'static str,
    chunks_done: f64,
    chunks_total: f64,
    bytes_done: f64,
    bytes_total: f64,
}

pub fn progress(p: &Progress) -> JsValue {
    to_js(&ProgressView {
        phase: p.phase.name(),
        chunks_done: p.chunks_done as f64,
        chunks_total: p.chunks_total as f64,
        bytes_done: p.bytes_done as f64,
        bytes_total: p.bytes_total as f64,
    })
}

#[derive(serde::Serialize)]
struct TransferView<'a> {
    updated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<B32<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<B32<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<StatsView>,
}

#[derive(serde::Serialize)]
struct RefUpdateView<'a> {
    name: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<B32<'a>>,
    new: B32<'a>,
}

/// What a push moved (`Transfer` in index.d.ts): `old` and `new` are the ref asked for (when
/// it moved), `refs` every ref that moved, tags included.
pub fn pushed(p: &Pushed, asked: Option<&RefKind>) -> JsValue {
    let main = asked.and_then(|r| p.updated.iter().find(|u| &u.name == r));
    let view = TransferView {
        updated: !p.updated.is_empty(),
        old: main.and_then(|u| u.old.as_ref()).map(B32),
        new: main.map(|u| B32(&u.new)),
        stats: (!p.updated.is_empty()).then(|| stats_view(&p.stats)),
    };
    let out = to_js(&view);
    let refs: Vec<RefUpdateView<'_>> = p
        .updated
        .iter()
        .map(|u| RefUpdateView {
            name: u.name.name(),
            kind: match u.name {
                RefKind::Tag(_) => "tag",
                _ => "branch",
            },
            old: u.old.as_ref().map(B32),
            new: B32(&u.new),
        })
        .collect();
    crate::js::set(&out, "refs", to_js(&refs));
    out
}

/// What a merge, pull, revert or cherry-pick did (`MergeResult` in index.d.ts).
#[derive(serde::Serialize)]
struct MergeView<'a> {
    outcome: &'static str,
    /// The branch's new commit; null when it was up to date or waits on conflicts.
    commit: Option<B32<'a>>,
    conflicts: &'a [String],
    /// A pull's fetch.
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<StatsView>,
}

fn merge_view(m: &MergeOutcome) -> MergeView<'_> {
    match m {
        MergeOutcome::UpToDate => MergeView {
            outcome: "upToDate",
            commit: None,
            conflicts: &[],
            stats: None,
        },
        MergeOutcome::FastForward { to, .. } => MergeView {
            outcome: "fastForward",
            commit: Some(B32(to)),
            conflicts: &[],
            stats: None,
        },
        MergeOutcome::ThreeWay(applied) => applied_view(applied),
    }
}

fn applied_view(a: &Applied) -> MergeView<'_> {
    match a {
        Applied::Committed(at) => MergeView {
            outcome: "committed",
            commit: Some(B32(at)),
            conflicts: &[],
            stats: None,
        },
        Applied::Conflicts(tables) => MergeView {
            outcome: "conflicts",
            commit: None,
            conflicts: tables,
            stats: None,
        },
    }
}

pub fn merge(m: &MergeOutcome) -> JsValue {
    to_js(&merge_view(m))
}

pub fn applied(a: &Applied) -> JsValue {
    to_js(&applied_view(a))
}

pub fn pulled(p: &Pulled) -> JsValue {
    to_js(&MergeView {
        stats: Some(stats_view(&p.fetched.stats)),
        ..merge_view(&p.merge)
    })
}

/// One conflicting row: its base, ours and theirs versions (null: no such row there).
#[derive(serde::Serialize)]
struct RowConflictView<'a> {
    base: Option<Row<'a>>,
    ours: Option<Row<'a>>,
    theirs: Option<Row<'a>>,
}

/// A table's conflicts (`TableConflicts` in index.d.ts): a schema conflict as the three
/// CREATE TABLE statements, or the conflicting rows in the working table's columns.
#[derive(serde::Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum ConflictsView<'a> {
    Schema {
        base: Option<String>,
        ours: Option<String>,
        theirs: Option<String>,
    },
    Rows {
        columns: Vec<&'a str>,
        rows: Vec<RowConflictView<'a>>,
    },
}

pub fn conflicts(table: &str, c: &TableConflicts) -> JsValue {
    to_js(&match c {
        TableConflicts::Schema(schemas) => {
            let [base, ours, theirs] = schemas
                .each_ref()
                .map(|s| s.as_ref().map(|s| s.to_sql(table)));
            ConflictsView::Schema { base, ours, theirs }
        }
        TableConflicts::Rows { schema, rows } => ConflictsView::Rows {
            columns: schema.columns.iter().map(|c| c.name.as_str()).collect(),
            rows: rows
                .iter()
                .map(|[base, ours, theirs]| RowConflictView {
                    base: base.as_deref().map(Row),
                    ours: ours.as_deref().map(Row),
                    theirs: theirs.as_deref().map(Row),
                })
                .collect(),
        },
    })
}
