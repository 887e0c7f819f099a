//! MySQL's JSON paths: `$` followed by `.key`, `."key"`, `.*`, `[n]`, `[last]`,
//! `[last - n]`, `[m to n]`, `[*]` and `**`; finding what a path names in a document, and
//! the edits JSON_SET and its siblings make at a path without wildcards, and where in a
//! document each value found is (for JSON_SEARCH).

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::Value as Json;

use crate::sql::json::ordered;
use crate::sql::SqlError;

/// A parsed path.
#[derive(Debug)]
pub(crate) struct Path(Vec<Step>);

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    /// `.*`: every member of an object.
    AnyKey,
    Cell(Cell),
    /// `[m to n]`: the cells from m to n, both included.
    Cells(Cell, Cell),
    /// `[*]`: every cell of an array.
    AnyCell,
    /// `**`: the value and every value inside it, at any depth.
    Descend,
}

/// An array position: `[n]` from the front, `[last - n]` from the back.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cell {
    Front(usize),
    Back(usize),
}

impl Cell {
    /// The position in an array of `len` cells, negative when `last - n` is before the first.
    fn at(self, len: usize) -> isize {
        // Saturating: a path may spell any number (`[last - 9223372036854775808]`).
        let n = |n: usize| isize::try_from(n).unwrap_or(isize::MAX);
        match self {
            Cell::Front(i) => n(i),
            Cell::Back(i) => n(len).saturating_sub(1).saturating_sub(n(i)),
        }
    }
}

/// A step of a path that names one place: what the editing functions take.
pub(crate) enum Leg<'a> {
    Key(&'a str),
    Cell(Cell),
}

/// A path longer than this is refused, so a forged one costs little.
const MAX_PATH: usize = 1024;

/// The most values one search visits: `$**[*]**[*]` over a large document would otherwise
/// visit a number of values that grows with the document's size to the power of the `**`s.
const MAX_VISITS: usize = 1_000_000;

impl Path {
    pub(crate) fn parse(text: &str) -> Result<Path, SqlError> {
        let invalid = || SqlError::TypeMismatch(format!("invalid JSON path expression '{text}'"));
        if text.len() > MAX_PATH {
            return Err(invalid());
        }
        let mut rest = text
            .trim()
            .strip_prefix('$')
            .ok_or_else(invalid)?
            .trim_start();
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("**") {
                steps.push(Step::Descend);
                rest = after;
            } else if let Some(after) = rest.strip_prefix('.') {
                let after = after.trim_start();
                if let Some(after) = after.strip_prefix('*') {
                    steps.push(Step::AnyKey);
                    rest = after;
                } else if let Some(quoted) = after.strip_prefix('"') {
                    // A quoted key ends at the first unescaped quote.
                    let end = quoted
                        .char_indices()
                        .scan(false, |escaped, (i, c)| {
                            let done = c == '"' && !*escaped;
                            *escaped = c == '\\' && !*escaped;
                            Some((i, done))
                        })
                        .find(|(_, done)| *done)
                        .map(|(i, _)| i)
                        .ok_or_else(invalid)?;
                    let key: String = serde_json::from_str(&format!("\"{}\"", &quoted[..end]))
                        .map_err(|_| invalid())?;
                    steps.push(Step::Key(key));
                    rest = &quoted[end + 1..];
                } else {
                    let end = after
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .unwrap_or(after.len());
                    if end == 0 {
                        return Err(invalid());
                    }
                    steps.push(Step::Key(after[..end].into()));
                    rest = &after[end..];
                }
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or_else(invalid)?;
                steps.push(cells(&after[..end]).ok_or_else(invalid)?);
                rest = &after[end + 1..];
            } else {
                return Err(invalid());
            }
            rest = rest.trim_start();
        }
        // `**` names nothing by itself; MySQL refuses it last, and twice in a row.
        let descends = |i: usize| matches!(steps.get(i), Some(Step::Descend));
        if (0..steps.len()).any(|i| descends(i) && (i + 1 == steps.len() || descends(i + 1))) {
            return Err(invalid());
        }
        Ok(Path(steps))
    }

    /// Whether the path may name several values (wildcards and ranges): JSON_EXTRACT then
    /// gives an array of what it found.
    pub(crate) fn is_wild(&self) -> bool {
        self.0
            .iter()
            .any(|s| !matches!(s, Step::Key(_) | Step::Cell(_)))
    }

    /// Its steps, for a function that needs the path to name one place.
    pub(crate) fn legs(&self) -> Result<Vec<Leg<'_>>, SqlError> {
        self.0
            .iter()
            .map(|s| match s {
                Step::Key(k) => Ok(Leg::Key(k)),
                Step::Cell(c) => Ok(Leg::Cell(*c)),
                _ => Err(SqlError::TypeMismatch(
                    "in this situation, path expressions may not contain the * and ** tokens \
                     or an array range"
                        .into(),
                )),
            })
            .collect()
    }

    /// Every value the path names in `doc`, in document order.
    pub(crate) fn find_all<'a>(&self, doc: &'a Json) -> Result<Vec<&'a Json>, SqlError> {
        let mut found = Vec::new();
        Walk::new(&mut |_, v| found.push(v)).walk(&self.0, doc)?;
        // `$**.a**.b` can reach one value along two routes; MySQL gives it once.
        let mut seen = BTreeSet::new();
        found.retain(|v| seen.insert(*v as *const Json));
        Ok(found)
    }

    /// Each value the path names in `doc` and each value inside those, with where it is,
    /// in document order; a value reached along two routes is visited twice.
    pub(crate) fn search<'a>(
        &self,
        doc: &'a Json,
        visit: &mut dyn FnMut(&[Place<'a>], &'a Json),
    ) -> Result<(), SqlError> {
        let mut steps = self.0.clone();
        steps.push(Step::Descend);
        Walk::new(visit).walk(&steps, doc)
    }

    /// The one value a path without wildcards names, if it is there.
    pub(crate) fn find<'a>(&self, doc: &'a Json) -> Result<Option<&'a Json>, SqlError> {
        let legs = self.legs()?;
        let mut at = doc;
        for leg in &legs {
            at = match (leg, at) {
                (Leg::Key(k), Json::Object(o)) => match o.get(*k) {
                    Some(v) => v,
                    None => return Ok(None),
                },
                (Leg::Cell(c), Json::Array(a)) => match usize::try_from(c.at(a.len())) {
                    Ok(i) if i < a.len() => &a[i],
                    _ => return Ok(None),
                },
                // MySQL reads any other value as an array of itself.
                (Leg::Cell(c), other) if c.at(1) == 0 => other,
                _ => return Ok(None),
            };
        }
        Ok(Some(at))
    }
}

/// `n`, `last`, `last - n`, `*` or `a to b` between brackets.
fn cells(text: &str) -> Option<Step> {
    let text = text.trim();
    if text == "*" {
        return Some(Step::AnyCell);
    }
    let one = |t: &str| -> Option<Cell> {
        let t = t.trim();
        match t.strip_prefix("last") {
            Some("") => Some(Cell::Back(0)),
            Some(rest) => Some(Cell::Back(
                rest.trim_start().strip_prefix('-')?.trim().parse().ok()?,
            )),
            None => Some(Cell::Front(t.parse().ok()?)),
        }
    };
    match text.split_once(" to ") {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            // MySQL refuses a range that is backwards whatever the array's length.
            match (a, b) {
                (Cell::Front(m), Cell::Front(n)) if m > n => None,
                (Cell::Back(m), Cell::Back(n)) if m < n => None,
                _ => Some(Step::Cells(a, b)),
            }
        }
        None => one(text).map(Step::Cell),
    }
}

/// A step into a value: where in a document a search found something.
#[derive(Clone, Copy)]
pub(crate) enum Place<'a> {
    Key(&'a str),
    Cell(usize),
}

/// Where a search is written as MySQL writes a path: `$[1][0].k`, a key that is not an
/// identifier quoted (`$."a b"`).
pub(crate) fn written(trail: &[Place<'_>]) -> String {
    let mut out = String::from("$");
    for place in trail {
        match place {
            Place::Cell(i) => out.push_str(&format!("[{i}]")),
            Place::Key(k) => {
                let mut chars = k.chars();
                let plain = chars
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                    && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                out.push('.');
                match plain {
                    true => out.push_str(k),
                    false => out.push_str(&Json::String(String::from(*k)).to_string()),
                }
            }
        }
    }
    out
}

/// A search through a document: the places to the value it is at, what it does with each
/// value found, and how many more values it may visit.
struct Walk<'a, 'v> {
    trail: Vec<Place<'a>>,
    visit: &'v mut dyn FnMut(&[Place<'a>], &'a Json),
    budget: usize,
}

impl<'a, 'v> Walk<'a, 'v> {
    fn new(visit: &'v mut dyn FnMut(&[Place<'a>], &'a Json)) -> Self {
        Walk {
            trail: Vec::new(),
            visit,
            budget: MAX_VISITS,
        }
    }

    /// `steps` walked from `at` after a step to it (none where a cell step read a value
    /// that is not an array as an array of itself).
    fn into(
        &mut self,
        place: Option<Place<'a>>,
        steps: &[Step],
        at: &'a Json,
    ) -> Result<(), SqlError> {
        let Some(place) = place else {
            return self.walk(steps, at);
        };
        self.trail.push(place);
        let done = self.walk(steps, at);
        self.trail.pop();
        done
    }

    fn walk(&mut self, steps: &[Step], at: &'a Json) -> Result<(), SqlError> {
        self.budget = self.budget.checked_sub(1).ok_or_else(|| {
            SqlError::Unsupported("a JSON path that visits this many values".into())
        })?;
        let Some((step, rest)) = steps.split_first() else {
            (self.visit)(&self.trail, at);
            return Ok(());
        };
        let cell = |i: usize| matches!(at, Json::Array(_)).then_some(Place::Cell(i));
        match (step, at) {
            (Step::Key(k), Json::Object(o)) => {
                if let Some((k, v)) = o.get_key_value(k) {
                    self.into(Some(Place::Key(k)), rest, v)?;
                }
            }
            (Step::AnyKey, Json::Object(o)) => {
                for (k, v) in ordered(o) {
                    self.into(Some(Place::Key(k)), rest, v)?;
                }
            }
            (Step::AnyCell, Json::Array(a)) => {
                for (i, v) in a.iter().enumerate() {
                    self.into(Some(Place::Cell(i)), rest, v)?;
                }
            }
            (Step::Cell(c), _) => {
                let items = as_cells(at);
                if let Some(i) = usize::try_from(c.at(items.len()))
                    .ok()
                    .filter(|i| *i < items.len())
                {
                    self.into(cell(i), rest, &items[i])?;
                }
            }
            (Step::Cells(from, to), _) => {
                let items = as_cells(at);
                let first = from.at(items.len()).max(0);
                let last = to.at(items.len()).min(items.len() as isize - 1);
                if first <= last {
                    let first = first as usize;
                    for (i, v) in items[first..=last as usize].iter().enumerate() {
                        self.into(cell(first + i), rest, v)?;
                    }
                }
            }
            (Step::Descend, _) => {
                self.walk(rest, at)?;
                match at {
                    Json::Array(a) => {
                        for (i, v) in a.iter().enumerate() {
                            self.into(Some(Place::Cell(i)), steps, v)?;
                        }
                    }
                    Json::Object(o) => {
                        for (k, v) in ordered(o) {
                            self.into(Some(Place::Key(k)), steps, v)?;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// An array's cells; any other value is an array of itself, as MySQL reads it.
fn as_cells(v: &Json) -> &[Json] {
    match v {
        Json::Array(a) => a,
        other => core::slice::from_ref(other),
    }
}

/// The value at `legs` in `doc`, to change it.
fn get_mut<'a>(legs: &[Leg<'_>], doc: &'a mut Json) -> Option<&'a mut Json> {
    let mut at = doc;
    for leg in legs {
        at = match (leg, at) {
            (Leg::Key(k), Json::Object(o)) => o.get_mut(*k)?,
            (Leg::Cell(c), Json::Array(a)) => {
                let i = usize::try_from(c.at(a.len())).ok()?;
                a.get_mut(i)?
            }
            (Leg::Cell(c), other) if c.at(1) == 0 => other,
            _ => return None,
        };
    }
    Some(at)
}

/// What an editing function does at a path: JSON_SET sets, JSON_INSERT adds only where
/// nothing is, JSON_REPLACE replaces only what is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Set,
    Insert,
    Replace,
}

impl Edit {
    /// `value` put at `path` in `doc`. A path whose parent is not there changes nothing;
    /// a cell past an array's end appends to it, and a value that is not an array becomes
    /// the first cell of one when a cell after it is set.
    pub(crate) fn apply(self, doc: &mut Json, path: &Path, value: Json) -> Result<(), SqlError> {
        let legs = path.legs()?;
        let (add, replace) = (self != Edit::Replace, self != Edit::Insert);
        let Some((last, parents)) = legs.split_last() else {
            if replace {
                *doc = value;
            }
            return Ok(());
        };
        let Some(parent) = get_mut(parents, doc) else {
            return Ok(());
        };
        match (last, parent) {
            (Leg::Key(k), Json::Object(o)) if (if o.contains_key(*k) { replace } else { add }) => {
                o.insert((*k).into(), value);
            }
            (Leg::Cell(c), Json::Array(a)) => match usize::try_from(c.at(a.len())) {
                Ok(i) if i < a.len() && replace => a[i] = value,
                Ok(i) if i >= a.len() && add => a.push(value),
                _ => {}
            },
            (Leg::Cell(c), other) => match c.at(1) {
                0 if replace => *other = value,
                n if n > 0 && add => {
                    let first = core::mem::take(other);
                    *other = Json::Array(alloc::vec![first, value]);
                }
                _ => {}
            },
            _ => {}
        }
        Ok(())
    }
}

/// JSON_REMOVE at one path: the member or cell it names goes; `$` is refused.
pub(crate) fn remove(doc: &mut Json, path: &Path) -> Result<(), SqlError> {
    let legs = path.legs()?;
    let Some((last, parents)) = legs.split_last() else {
        return Err(SqlError::TypeMismatch(
            "the path expression '$' is not allowed in this context".into(),
        ));
    };
    match (last, get_mut(parents, doc)) {
        (Leg::Key(k), Some(Json::Object(o))) => {
            o.remove(*k);
        }
        (Leg::Cell(c), Some(Json::Array(a))) => {
            if let Ok(i) = usize::try_from(c.at(a.len())) {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// JSON_ARRAY_APPEND at one path: `value` joins the end of the array there; a value that
/// is not an array becomes the first cell of one.
pub(crate) fn append(doc: &mut Json, path: &Path, value: Json) -> Result<(), SqlError> {
    let legs = path.legs()?;
    match get_mut(&legs, doc) {
        Some(Json::Array(a)) => a.push(value),
        Some(other) => {
            let first = core::mem::take(other);
            *other = Json::Array(alloc::vec![first, value]);
        }
        None => {}
    }
    Ok(())
}

/// JSON_ARRAY_INSERT at one path, which must name a cell: `value` goes in at that
/// position (at the end, past it), moving the cells after it along.
pub(crate) fn insert_cell(doc: &mut Json, path: &Path, value: Json) -> Result<(), SqlError> {
    let legs = path.legs()?;
    let Some((Leg::Cell(c), parents)) = legs.split_last() else {
        return Err(SqlError::TypeMismatch(
            "a path expression is not a path to a cell in an array".into(),
        ));
    };
    if let Some(Json::Array(a)) = get_mut(parents, doc) {
        if let Ok(i) = usize::try_from(c.at(a.len())) {
            a.insert(i.min(a.len()), value);
        }
    }
    Ok(())
}
