//! FOREIGN KEY and REFERENCES in CREATE and ALTER TABLE: declaring a key, checking it
//! against its parent table, and the DDL a key forbids (dropping a parent table, a column or
//! an index a key needs). The rows are held to the keys by `db::foreign`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use sqlparser::ast::{ForeignKeyConstraint, ReferentialAction};

use crate::db::root_value::RootValue;
use crate::db::schema::{Action, Column, ForeignKey, Schema};
use crate::db::value::ColumnType;
use crate::sql::constraints::parse_check;
use crate::sql::expr::{compile, Scope};
use crate::sql::{ddl, find_table, object_name, unsupported, SqlError};

/// Adds the key `fk` declares to `schema` (of table `table`): over its columns, or over
/// `column` for a column's REFERENCES. As MySQL does, a key of the table that starts with
/// the columns is made if there is none, named after the constraint. The parent is checked
/// later, by [`resolve`], once every table the statement makes is known.
pub(crate) fn add(
    schema: &mut Schema,
    table: &str,
    fk: &ForeignKeyConstraint,
    column: Option<usize>,
) -> Result<(), SqlError> {
    if fk.match_kind.is_some() || fk.characteristics.is_some() {
        return unsupported(format!("foreign key option in {fk}"));
    }
    let columns = match column {
        Some(i) if fk.columns.is_empty() => alloc::vec![i],
        Some(_) => return unsupported(format!("REFERENCES with columns of its own: {fk}")),
        None => {
            let names: Vec<&str> = fk.columns.iter().map(|c| c.value.as_str()).collect();
            ddl::column_positions(schema, &names)?
        }
    };
    if columns.is_empty() || columns.len() != fk.referred_columns.len() {
        return Err(SqlError::Definition(format!(
            "a foreign key names as many columns of its parent as of its table: {fk}"
        )));
    }
    let taken = |schema: &Schema, n: &str| {
        schema
            .foreign_keys
            .iter()
            .any(|k| k.name.eq_ignore_ascii_case(n))
    };
    let given = fk.name.as_ref().map(|n| n.value.clone());
    let name = match given.clone() {
        Some(n) if n.is_empty() || taken(schema, &n) => {
            return Err(SqlError::Definition(format!(
                "duplicate foreign key constraint name '{n}'"
            )))
        }
        Some(n) => n,
        None => (1..)
            .map(|n| format!("{table}_ibfk_{n}"))
            .find(|n| !taken(schema, n))
            .unwrap_or_default(),
    };
    let action = |a: Option<ReferentialAction>| match a {
        None | Some(ReferentialAction::NoAction) => Ok(Action::NoAction),
        Some(ReferentialAction::Restrict) => Ok(Action::Restrict),
        Some(ReferentialAction::Cascade) => Ok(Action::Cascade),
        Some(ReferentialAction::SetNull) => Ok(Action::SetNull),
        // InnoDB refuses it too.
        Some(ReferentialAction::SetDefault) => unsupported("a foreign key's SET DEFAULT"),
    };
    let key = ForeignKey {
        name,
        columns: columns.clone(),
        parent: object_name(&fk.foreign_table)?,
        parent_columns: fk
            .referred_columns
            .iter()
            .map(|c| c.value.clone())
            .collect(),
        on_delete: action(fk.on_delete)?,
        on_update: action(fk.on_update)?,
    };
    for (when, action) in [("DELETE", key.on_delete), ("UPDATE", key.on_update)] {
        let not_null = columns.iter().find(|&&i| !schema.columns[i].nullable);
        if let (Action::SetNull, Some(&i)) = (action, not_null) {
            return Err(SqlError::Definition(format!(
                "column '{}' cannot be NOT NULL: needed in a foreign key constraint '{}' \
                 ON {when} SET NULL",
                schema.columns[i].name, key.name
            )));
        }
    }
    if schema.key_over(&columns).is_none() {
        let index = given.or_else(|| fk.index_name.as_ref().map(|n| n.value.clone()));
        ddl::add_index(schema, index, columns, false)?;
    }
    schema.foreign_keys.push(key);
    Ok(())
}

/// Checks each foreign key of `schema` (table `table`, about to be stored in `root`) against
/// its parent, as MySQL does, and writes the parent's table and column names as the parent
/// spells them. A key may reference its own table, and with `missing_parent_refused` false
/// (`foreign_key_checks = 0`) a table that does not exist yet, as written.
pub(crate) fn resolve(
    root: &RootValue,
    table: &str,
    schema: &mut Schema,
    missing_parent_refused: bool,
) -> Result<(), SqlError> {
    let own = schema.clone();
    for key in schema.foreign_keys.iter_mut() {
        if key.parent.eq_ignore_ascii_case(table) {
            key.parent = table.into();
            check_key(key, &own, &own)?;
            continue;
        }
        if !missing_parent_refused && find_table(root, &key.parent).is_err() {
            continue;
        }
        key.parent = find_table(root, &key.parent).map_err(|_| {
            SqlError::Definition(format!(
                "Failed to open the referenced table '{}' of foreign key constraint '{}'",
                key.parent, key.name
            ))
        })?;
        check_key(key, &own, &root.tables[&key.parent].schema)?;
    }
    actions_clear_of_checks(table, schema)
}

/// MySQL refuses a CHECK over a column that a key's action writes (ON UPDATE CASCADE or
/// SET NULL, ON DELETE SET NULL), either way round: an action changes child rows without
/// their checks, so with this rule it never changes a value a check reads.
fn actions_clear_of_checks(table: &str, schema: &Schema) -> Result<(), SqlError> {
    let written: Vec<(usize, &str)> = schema
        .foreign_keys
        .iter()
        .filter(|k| {
            matches!(k.on_update, Action::Cascade | Action::SetNull)
                || k.on_delete == Action::SetNull
        })
        .flat_map(|k| k.columns.iter().map(move |&c| (c, k.name.as_str())))
        .collect();
    if written.is_empty() {
        return Ok(());
    }
    for check in &schema.checks {
        let mut e = compile(&parse_check(&check.expr)?, Some(Scope { table, schema }))?;
        let mut read = Vec::new();
        e.for_each_column(&mut |c| read.push(*c));
        if let Some((c, key)) = written.iter().find(|(c, _)| read.contains(c)) {
            return Err(SqlError::Definition(format!(
                "Column '{}' cannot be used in a check constraint '{}': needed in a foreign key \
                 constraint '{key}' referential action.",
                schema.columns[*c].name, check.name
            )));
        }
    }
    Ok(())
}

/// Checks `key` of a table of schema `own` against its parent's schema, and writes the
/// referenced columns' names as the parent spells them.
fn check_key(key: &mut ForeignKey, own: &Schema, parent: &Schema) -> Result<(), SqlError> {
    let mut positions = Vec::with_capacity(key.parent_columns.len());
    for c in key.parent_columns.iter_mut() {
        let Some(i) = parent.column_index(c) else {
            return Err(SqlError::Definition(format!(
                "Failed to add the foreign key constraint. Missing column '{c}' for \
                 constraint '{}' in the referenced table '{}'",
                key.name, key.parent
            )));
        };
        c.clone_from(&parent.columns[i].name);
        positions.push(i);
    }
    if parent.key_over(&positions).is_none() {
        return Err(SqlError::Definition(format!(
            "Failed to add the foreign key constraint. Missing index for constraint '{}' in \
             the referenced table '{}'",
            key.name, key.parent
        )));
    }
    for (&c, &p) in key.columns.iter().zip(&positions) {
        let (column, referenced) = (&own.columns[c], &parent.columns[p]);
        if !compatible(column, referenced) {
            return Err(SqlError::Definition(format!(
                "Referencing column '{}' and referenced column '{}' in foreign key constraint \
                 '{}' are incompatible.",
                column.name, referenced.name, key.name
            )));
        }
    }
    Ok(())
}

/// MySQL's rule: the same type, sign and size, except that strings may differ in length.
fn compatible(a: &Column, b: &Column) -> bool {
    match (a.ty, b.ty) {
        (ColumnType::Text { .. }, ColumnType::Text { .. })
        | (ColumnType::Blob { .. }, ColumnType::Blob { .. }) => true,
        (ColumnType::Enum, ColumnType::Enum) => a.members == b.members,
        (x, y) => x == y,
    }
}

/// Refuses an ALTER TABLE of `table` whose new schema `next` breaks a foreign key of another
/// table that references it: a referenced column gone, renamed or of another type, or the
/// key that finds its rows dropped.
pub(crate) fn still_referenced(
    root: &RootValue,
    table: &str,
    next: &Schema,
) -> Result<(), SqlError> {
    for (child, t) in root.tables.iter().filter(|(name, _)| *name != table) {
        for key in t.schema.foreign_keys.iter().filter(|k| k.parent == table) {
            if let Err(e) = check_key(&mut key.clone(), &t.schema, next) {
                return Err(SqlError::Definition(format!(
                    "this change breaks foreign key constraint '{}' of table '{child}' ({e}); \
                     drop that constraint first",
                    key.name
                )));
            }
        }
    }
    Ok(())
}

/// DROP TABLE of `names` (stored names): refused while a table that stays references one.
pub(crate) fn check_drop(root: &RootValue, names: &[String]) -> Result<(), SqlError> {
    for (child, t) in &root.tables {
        if names.contains(child) {
            continue;
        }
        if let Some(key) = t
            .schema
            .foreign_keys
            .iter()
            .find(|k| names.contains(&k.parent))
        {
            return Err(SqlError::Definition(format!(
                "Cannot drop table '{}' referenced by a foreign key constraint '{}' on table \
                 '{child}'.",
                key.parent, key.name
            )));
        }
    }
    Ok(())
}

/// Renames the parent `old` to `new` in every foreign key of `root` (RENAME TABLE and ALTER
/// TABLE ... RENAME carry the keys along, as MySQL does).
pub(crate) fn rename_parent(root: &mut RootValue, old: &str, new: &str) {
    for t in root.tables.values_mut() {
        // A schema is shared with other root values: copied only where a key changes.
        if !t.schema.foreign_keys.iter().any(|k| k.parent == old) {
            continue;
        }
        for key in alloc::sync::Arc::make_mut(&mut t.schema)
            .foreign_keys
            .iter_mut()
        {
            if key.parent == old {
                key.parent = new.into();
            }
        }
    }
}

/// The name of a foreign key of `schema` that needs column `i`, which a statement drops.
pub(crate) fn needs_column(schema: &Schema, i: usize) -> Option<String> {
    schema
        .foreign_keys
        .iter()
        .find(|k| k.columns.contains(&i))
        .map(|k| k.name.clone())
}
