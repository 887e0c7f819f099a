//! ALTER TABLE (ADD, DROP, RENAME, MODIFY and CHANGE COLUMN; RENAME TO) and RENAME TABLE.
//!
//! An ALTER TABLE applies its operations in order to a copy of the schema and, when one of
//! them changes how rows are stored, to the rows read into memory; the table is written
//! anew only at the end, each row checked as an INSERT checks it, so a value that does not
//! fit the new schema fails the whole statement and the root stays as it was.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnOption, CreateIndex, DataType,
    Ident, IndexType, MySQLColumnPosition, ObjectName, RenameTable, RenameTableNameKind,
    TableConstraint,
};
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use crate::chunk_store::ChunkStore;
use crate::db::index;
use crate::db::root_value::{RootValue, TableRef};
use crate::db::schema::{Column, ForeignKey, Schema};
use crate::db::table::{Span, Table};
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::constraints::{self, parse_check, row_check};
use crate::sql::expr::{compile, Scope};
use crate::sql::{
    ddl, find_table, foreign_key, object_name, open_table, unsupported, QueryResult, SqlError,
};

/// A table being altered: its schema so far, and its rows once an operation needed them.
struct Altered {
    /// The table's name before the statement, and after it.
    old_name: String,
    name: String,
    schema: Schema,
    /// The stored table, whose rows stand until an operation rewrites them.
    stored: TableRef,
    /// Every row with its repeat count (keyless tables), read at the first operation that
    /// changes the rows.
    rows: Option<Vec<(Vec<Value>, u64)>>,
}

pub async fn alter_table<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    alter: AlterTable,
    now_ms: Option<u64>,
) -> Result<QueryResult, SqlError> {
    if alter.if_exists
        || alter.only
        || alter.location.is_some()
        || alter.on_cluster.is_some()
        || alter.table_type.is_some()
    {
        return unsupported("ALTER TABLE option");
    }
    let mut t = Altered::open(root, &object_name(&alter.name)?)?;
    for op in alter.operations {
        apply(store, root, &mut t, op, now_ms).await?;
    }
    t.store(store, root).await
}

/// CREATE [UNIQUE] INDEX name ON t (columns): as MySQL has it, ALTER TABLE t ADD [UNIQUE]
/// KEY name (columns).
pub async fn create_index<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    c: CreateIndex,
) -> Result<QueryResult, SqlError> {
    if c.concurrently
        || c.r#async
        || !c.include.is_empty()
        || c.nulls_distinct.is_some()
        || !c.with.is_empty()
        || c.predicate.is_some()
        || !c.index_options.is_empty()
        || !c.alter_options.is_empty()
        || matches!(c.using, Some(ref u) if !matches!(u, IndexType::BTree))
    {
        return unsupported(format!("CREATE INDEX option in {c}"));
    }
    let mut t = Altered::open(root, &object_name(&c.table_name)?)?;
    let name = c.name.as_ref().map(object_name).transpose()?;
    let exists = |n: &str| {
        t.schema
            .indexes
            .iter()
            .any(|k| k.name.eq_ignore_ascii_case(n))
    };
    if c.if_not_exists && name.as_deref().is_some_and(exists) {
        return Ok(QueryResult::affected(0));
    }
    let columns = ddl::key_columns(&t.schema, &c.columns)?;
    ddl::add_index(&mut t.schema, name, columns, c.unique)?;
    t.store(store, root).await
}

/// DROP INDEX name ON t: ALTER TABLE t DROP INDEX name.
pub async fn drop_index<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    name: &ObjectName,
    table: &ObjectName,
) -> Result<QueryResult, SqlError> {
    let mut t = Altered::open(root, &object_name(table)?)?;
    t.drop_index(&object_name(name)?)?;
    t.store(store, root).await
}

async fn apply<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &RootValue,
    t: &mut Altered,
    op: AlterTableOperation,
    now_ms: Option<u64>,
) -> Result<(), SqlError> {
    match op {
        AlterTableOperation::AddColumn {
            if_not_exists: false,
            column_def,
            column_position,
            ..
        } => {
            let spec = ddl::column(&column_def)?;
            if spec.primary_key {
                return unsupported("ADD COLUMN ... PRIMARY KEY (the primary key is fixed)");
            }
            let column = spec.column.clone();
            if t.schema.column_index(&column.name).is_some() {
                return Err(SqlError::DuplicateColumn(column.name));
            }
            let rows = t.rows(store).await?;
            let has_default = column.default.is_some() || column.default_now;
            if !column.nullable && !has_default && !rows.is_empty() {
                return Err(SqlError::Definition(format!(
                    "column '{}' is NOT NULL and has no DEFAULT, and the table has rows: give \
                     it a DEFAULT, or add it as NULL, fill it in, then MODIFY it NOT NULL",
                    column.name
                )));
            }
            // Existing rows get the default, as MySQL fills them (the clock, for DEFAULT
            // CURRENT_TIMESTAMP).
            let fill = match rows.is_empty() {
                true => Value::Null,
                false => column
                    .default_at(now_ms)
                    .ok_or_else(|| constraints::no_clock(&column))?,
            };
            for (row, _) in rows.iter_mut() {
                row.push(fill.clone());
            }
            t.schema.columns.push(column);
            let i = t.schema.columns.len() - 1;
            spec.add_constraints(&mut t.schema, &t.name, i)?;
            match column_position {
                Some(p) => t.move_column(t.schema.columns.len() - 1, &p),
                None => Ok(()),
            }
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            drop_behavior: None,
            ..
        } => {
            for ident in column_names {
                let Some(i) = t.schema.column_index(&ident.value) else {
                    if if_exists {
                        continue;
                    }
                    return Err(SqlError::UnknownColumn(ident.value));
                };
                if t.schema.primary_key.contains(&i) {
                    // Dolt refuses this too; MySQL would shrink the key, which can merge rows.
                    return unsupported(format!(
                        "dropping primary key column '{}' (the primary key is fixed)",
                        t.schema.columns[i].name
                    ));
                }
                if t.schema.columns.len() == 1 {
                    return Err(SqlError::Definition(
                        "a table needs at least one column; use DROP TABLE instead".into(),
                    ));
                }
                if let Some(key) = foreign_key::needs_column(&t.schema, i) {
                    return Err(SqlError::Definition(format!(
                        "Cannot drop column '{}': needed in a foreign key constraint '{key}'",
                        t.schema.columns[i].name
                    )));
                }
                for (row, _) in t.rows(store).await?.iter_mut() {
                    row.remove(i);
                }
                t.schema.columns.remove(i);
                // As MySQL does, the column leaves every unique key, and a key left without
                // columns goes.
                t.renumber(|k| match k.cmp(&i) {
                    core::cmp::Ordering::Less => Some(k),
                    core::cmp::Ordering::Equal => None,
                    core::cmp::Ordering::Greater => Some(k - 1),
                });
            }
            Ok(())
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let i = t.column(&old_column_name)?;
            t.rename(i, &new_column_name)
        }
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            options,
            column_position,
        } => {
            let i = t.column(&col_name)?;
            t.redefine(store, i, &col_name, &data_type, &options, column_position)
                .await
        }
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            options,
            column_position,
        } => {
            let i = t.column(&old_name)?;
            t.rename(i, &new_name)?;
            t.redefine(store, i, &new_name, &data_type, &options, column_position)
                .await
        }
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::PrimaryKey(pk),
            not_valid: false,
        } if ddl::plain_key(&pk) => t.add_primary_key(store, &pk.columns).await,
        AlterTableOperation::DropPrimaryKey {
            drop_behavior: None,
        } => t.drop_primary_key(store).await,
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid: false,
        } => ddl::add_constraint(&mut t.schema, &t.name, &constraint),
        AlterTableOperation::DropConstraint {
            if_exists,
            name,
            drop_behavior: None,
        } => {
            let count = |s: &Schema| (s.checks.len(), s.indexes.len(), s.foreign_keys.len());
            let before = count(&t.schema);
            let is = |n: &str| n.eq_ignore_ascii_case(&name.value);
            t.schema.checks.retain(|c| !is(&c.name));
            t.schema.indexes.retain(|k| !(k.unique && is(&k.name)));
            t.schema.foreign_keys.retain(|k| !is(&k.name));
            if !if_exists && before == count(&t.schema) {
                return Err(SqlError::Definition(format!(
                    "constraint '{}' does not exist",
                    name.value
                )));
            }
            Ok(())
        }
        AlterTableOperation::DropIndex { name } => t.drop_index(&name.value),
        AlterTableOperation::DropForeignKey {
            name,
            drop_behavior: None,
        } => {
            // Its key stays, as in MySQL.
            let before = t.schema.foreign_keys.len();
            let is = |n: &str| n.eq_ignore_ascii_case(&name.value);
            t.schema.foreign_keys.retain(|k| !is(&k.name));
            if before == t.schema.foreign_keys.len() {
                return Err(SqlError::Definition(format!(
                    "can't DROP '{}'; check that it exists",
                    name.value
                )));
            }
            Ok(())
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let i = t.column(&column_name)?;
            let column = &mut t.schema.columns[i];
            match op {
                AlterColumnOperation::SetDefault { value } => ddl::set_default(column, &value)?,
                AlterColumnOperation::DropDefault => {
                    column.default = None;
                    column.default_now = false;
                }
                other => return unsupported(format!("ALTER COLUMN {other}")),
            }
            Ok(())
        }
        AlterTableOperation::AutoIncrement { value, .. } => {
            let n = ddl::auto_increment_start(Some(&value.value), &value)?;
            t.schema.set_auto_increment_start(n);
            Ok(())
        }
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::To(new) | RenameTableNameKind::As(new)) = table_name;
            t.name = new_table_name(root, &t.name, &object_name(&new)?)?;
            Ok(())
        }
        other => unsupported(format!("ALTER TABLE {other}")),
    }
}

impl Altered {
    fn open(root: &RootValue, name: &str) -> Result<Altered, SqlError> {
        let (name, table) = open_table(root, name)?;
        Ok(Altered {
            old_name: name.clone(),
            name,
            schema: table.schema().clone(),
            stored: table.stored().clone(),
            rows: None,
        })
    }

    /// Checks the new schema and writes the table (rows and indexes) into `root`, under its
    /// new name if it has one.
    async fn store<S: Storage>(
        mut self,
        store: &mut ChunkStore<S>,
        root: &mut RootValue,
    ) -> Result<QueryResult, SqlError> {
        // A key of the table that references itself follows a rename of the table.
        for key in self.schema.foreign_keys.iter_mut() {
            if key.parent == self.old_name {
                key.parent.clone_from(&self.name);
            }
        }
        ddl::valid(&self.schema)?;
        foreign_key::resolve(root, &self.name, &mut self.schema, true)?;
        foreign_key::still_referenced(root, &self.old_name, &self.schema)?;
        for c in &self.schema.checks {
            // MySQL refuses to drop or rename a column a CHECK uses; so does Cairn.
            let scope = Scope {
                table: &self.name,
                schema: &self.schema,
            };
            if let Err(e) = parse_check(&c.expr).and_then(|e| compile(&e, Some(scope))) {
                return Err(SqlError::Definition(format!(
                    "check constraint '{}' uses a column this statement drops or renames ({e}); \
                     drop the constraint first",
                    c.name
                )));
            }
        }
        // A new CHECK is checked against every row, which the rebuild does.
        if self
            .schema
            .checks
            .iter()
            .any(|c| !self.stored.schema.checks.contains(c))
        {
            self.rows(store).await?;
        }
        let check = row_check(&self.name, &self.schema);
        // Rows rewritten get every index built anew; kept rows keep the indexes that stay, and
        // get any new one built (its unique keys may refuse them).
        let table = match self.rows {
            Some(rows) => {
                let table = Table::rebuild(store, self.schema, rows, check).await?;
                table.finish(store, &self.name).await?
            }
            None => {
                index::refresh(
                    store,
                    &self.name,
                    &self.stored,
                    &self.schema,
                    self.stored.rows,
                )
                .await?
            }
        };
        // The old name goes only once the new table is stored.
        let mut next = root.clone();
        next.tables.remove(&self.old_name);
        foreign_key::rename_parent(&mut next, &self.old_name, &self.name);
        next.tables.insert(self.name, table);
        *root = next;
        Ok(QueryResult::affected(0))
    }

    /// The rows, read on first use.
    async fn rows<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
    ) -> Result<&mut Vec<(Vec<Value>, u64)>, SqlError> {
        if self.rows.is_none() {
            let mut rows = Vec::new();
            Table::new(&self.stored)
                .visit(store, &Span::All, |_, row, count| {
                    rows.push((core::mem::take(row), count));
                    Ok::<_, SqlError>(true)
                })
                .await?;
            self.rows = Some(rows);
        }
        Ok(self.rows.get_or_insert_with(Vec::new))
    }

    /// Renumbers the columns of the primary key and unique keys after columns moved or went
    /// (`f` is a column's new index, `None` if it went; a key column never goes).
    fn renumber(&mut self, f: impl Fn(usize) -> Option<usize>) {
        let key = core::mem::take(&mut self.schema.primary_key);
        self.schema.primary_key = key.into_iter().filter_map(&f).collect();
        for k in self.schema.indexes.iter_mut() {
            k.columns = k.columns.iter().filter_map(|&c| f(c)).collect();
        }
        self.schema.indexes.retain(|k| !k.columns.is_empty());
        // A foreign key's columns never go (DROP COLUMN refuses them).
        for k in self.schema.foreign_keys.iter_mut() {
            k.columns = k.columns.iter().filter_map(|&c| f(c)).collect();
        }
    }

    /// DROP PRIMARY KEY: the table becomes keyless (its rows written anew, each kept with
    /// as many copies as it has), its key's columns staying NOT NULL, as in MySQL.
    async fn drop_primary_key<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
    ) -> Result<(), SqlError> {
        if self.schema.primary_key.is_empty() {
            return Err(SqlError::Definition(
                "Can't DROP 'PRIMARY'; check that column/key exists".into(),
            ));
        }
        self.schema.primary_key.clear();
        // A foreign key of this table that found its rows through the primary key needs it.
        if let Some(fk) = self
            .schema
            .foreign_keys
            .iter()
            .find(|k| self.schema.key_over(&k.columns).is_none())
        {
            return Err(SqlError::Definition(format!(
                "Cannot drop index 'PRIMARY': needed in a foreign key constraint '{}'",
                fk.name
            )));
        }
        // The rows are read as stored, by the key they had.
        self.rows(store).await?;
        Ok(())
    }

    /// ADD PRIMARY KEY (columns) to a table without one: its columns become NOT NULL, and
    /// the rows are written anew by the key; a NULL, or a value the key would hold twice,
    /// fails the statement.
    async fn add_primary_key<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
        columns: &[sqlparser::ast::IndexColumn],
    ) -> Result<(), SqlError> {
        if !self.schema.primary_key.is_empty() {
            return Err(SqlError::Definition("Multiple primary key defined".into()));
        }
        let key = ddl::key_columns(&self.schema, columns)?;
        let rows = self.rows(store).await?;
        // A keyless table keeps repeated rows as one entry with a count: such a row would be
        // two rows of one key.
        if let Some((row, _)) = rows.iter().find(|(_, copies)| *copies > 1) {
            return Err(crate::db::table::TableError::DuplicateKey {
                key: key.iter().map(|&i| row[i].clone()).collect(),
            }
            .into());
        }
        for &i in &key {
            self.schema.columns[i].nullable = false;
        }
        self.schema.primary_key = key;
        Ok(())
    }

    /// DROP INDEX: of a key, unique or not.
    fn drop_index(&mut self, name: &str) -> Result<(), SqlError> {
        let before = self.schema.indexes.len();
        self.schema
            .indexes
            .retain(|k| !k.name.eq_ignore_ascii_case(name));
        if before == self.schema.indexes.len() {
            return Err(SqlError::Definition(format!(
                "can't DROP '{name}'; check that it exists"
            )));
        }
        let keyless = |k: &&ForeignKey| self.schema.key_over(&k.columns).is_none();
        if let Some(key) = self.schema.foreign_keys.iter().find(keyless) {
            return Err(SqlError::Definition(format!(
                "Cannot drop index '{name}': needed in a foreign key constraint '{}'",
                key.name
            )));
        }
        Ok(())
    }

    fn column(&self, name: &Ident) -> Result<usize, SqlError> {
        self.schema
            .column_index(&name.value)
            .ok_or_else(|| SqlError::UnknownColumn(name.value.clone()))
    }

    /// Names column `i` `new`; only the schema changes (rows do not store names).
    fn rename(&mut self, i: usize, new: &Ident) -> Result<(), SqlError> {
        if new.value.is_empty() {
            return Err(SqlError::Syntax("a column name cannot be empty".into()));
        }
        if self.schema.column_index(&new.value).is_some_and(|j| j != i) {
            return Err(SqlError::DuplicateColumn(new.value.clone()));
        }
        self.schema.columns[i].name = new.value.clone();
        Ok(())
    }

    /// MODIFY: column `i` gets a new type and options (and maybe a new place); its values
    /// are converted when the table is written anew.
    async fn redefine<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
        i: usize,
        name: &Ident,
        data_type: &DataType,
        options: &[ColumnOption],
        position: Option<MySQLColumnPosition>,
    ) -> Result<(), SqlError> {
        let options: Vec<_> = options.iter().map(|o| (None, o)).collect();
        let mut spec = ddl::column_of(&name.value, data_type, &options)?;
        let in_key = self.schema.primary_key.contains(&i);
        if spec.primary_key && !in_key {
            return unsupported("MODIFY ... PRIMARY KEY (the primary key is fixed)");
        }
        // A key column stays NOT NULL, as in MySQL.
        spec.column.nullable &= !in_key;
        self.rows(store).await?;
        // The table's AUTO_INCREMENT start stays with the column while it numbers rows.
        if spec.column.auto_increment {
            spec.column.auto_increment_start = self.schema.columns[i].auto_increment_start;
        }
        self.schema.columns[i] = spec.column.clone();
        spec.add_constraints(&mut self.schema, &self.name, i)?;
        if let Some(position) = position {
            self.move_column(i, &position)?;
        }
        Ok(())
    }

    /// Moves column `i` FIRST or AFTER another, in the schema and in every row read.
    fn move_column(&mut self, i: usize, position: &MySQLColumnPosition) -> Result<(), SqlError> {
        // The old index of each column, in the new order.
        let mut order: Vec<usize> = (0..self.schema.columns.len()).filter(|&j| j != i).collect();
        let at = match position {
            MySQLColumnPosition::First => 0,
            MySQLColumnPosition::After(other) => match self.schema.column_index(&other.value) {
                Some(j) if j != i => order.iter().position(|&k| k == j).map_or(0, |p| p + 1),
                _ => return Err(SqlError::UnknownColumn(other.value.clone())),
            },
        };
        order.insert(at, i);
        let mut columns: Vec<Option<Column>> = core::mem::take(&mut self.schema.columns)
            .into_iter()
            .map(Some)
            .collect();
        self.schema.columns = order.iter().filter_map(|&j| columns[j].take()).collect();
        self.renumber(|k| order.iter().position(|&j| j == k));
        if let Some(rows) = self.rows.as_mut() {
            for (row, _) in rows.iter_mut() {
                let mut old: Vec<Value> = core::mem::take(row);
                *row = order
                    .iter()
                    .map(|&j| core::mem::replace(&mut old[j], Value::Null))
                    .collect();
            }
        }
        Ok(())
    }
}

/// `new` as a table's new name, refused if another table has it already.
fn new_table_name(root: &RootValue, old: &str, new: &str) -> Result<String, SqlError> {
    if new.is_empty() {
        return Err(SqlError::Syntax("a table name cannot be empty".into()));
    }
    match find_table(root, new) {
        Ok(existing) if existing != old => Err(SqlError::TableExists(new.into())),
        _ => Ok(new.into()),
    }
}

/// RENAME TABLE a TO b [, c TO d ...]: applied in order, as MySQL does (so `a TO tmp, b TO a,
/// tmp TO b` swaps two tables); all or none.
pub fn rename_tables(
    root: &mut RootValue,
    renames: &[RenameTable],
) -> Result<QueryResult, SqlError> {
    let mut next = root.clone();
    for r in renames {
        let old = find_table(&next, &object_name(&r.old_name)?)?;
        let new = new_table_name(&next, &old, &object_name(&r.new_name)?)?;
        if let Some(table) = next.tables.remove(&old) {
            next.tables.insert(new.clone(), table);
            foreign_key::rename_parent(&mut next, &old, &new);
        }
    }
    *root = next;
    Ok(QueryResult::affected(0))
}

/// The table of `ALTER TABLE t DISABLE KEYS` or `ENABLE KEYS` (`tokens`, one statement), which
/// mysqldump writes around a table's rows and sqlparser does not parse. They pause and resume
/// the upkeep of MyISAM's plain indexes, and InnoDB ignores them; Cairn keeps every key in
/// step with each write, so they change nothing here either.
pub(crate) fn keys_switch(tokens: &[TokenWithSpan]) -> Option<&str> {
    // Six words at most: enough to tell, without walking a long statement.
    let words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::SemiColon))
        .take(6)
        .map(|t| match &t.token {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .collect::<Option<Vec<&Word>>>()?;
    let bare = |w: &Word, k: &str| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k);
    match words.as_slice() {
        [alter, table, name, switch, keys]
            if bare(alter, "ALTER")
                && bare(table, "TABLE")
                && (bare(switch, "DISABLE") || bare(switch, "ENABLE"))
                && bare(keys, "KEYS") =>
        {
            Some(&name.value)
        }
        _ => None,
    }
}
