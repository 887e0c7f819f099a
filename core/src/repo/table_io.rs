//! `table import` and `table export` on the current branch's working set: an import reads
//! the working root when it starts and saves it once, at its end, only if every row went in.

use alloc::string::String;

use super::{Repo, Result};
use crate::db::root_value::RootValue;
use crate::db::working_set::WorkingSet;
use crate::import::{FileType, Import, Mode, Summary};
use crate::io::Storage;

/// An import under way: the parser and the working set it started from.
pub struct Importing {
    import: Import,
    ws: WorkingSet,
    root: RootValue,
}

impl Importing {
    /// Records read so far, for progress.
    pub fn rows(&self) -> u64 {
        self.import.rows()
    }
}

impl<S: Storage> Repo<S> {
    /// Starts importing a file into `table` of the working set: checks what can be checked
    /// before any data (the table is there, or is not, as `mode` needs). `now_ms` is the
    /// front end's clock, which DEFAULT CURRENT_TIMESTAMP columns the file leaves out take.
    pub async fn import_start(
        &self,
        table: &str,
        file_type: FileType,
        mode: Mode,
        now_ms: Option<u64>,
    ) -> Result<Importing> {
        let ws = self.working_set(&self.config.head).await?;
        let root = self.root_value(ws.working).await?;
        let import = Import::new(&root, table, file_type, mode, now_ms)?;
        Ok(Importing { import, ws, root })
    }

    /// The next piece of the file, of any size.
    pub async fn import_feed(&mut self, importing: &mut Importing, bytes: &[u8]) -> Result<()> {
        Ok(importing.import.feed(&mut self.store, bytes).await?)
    }

    /// The end of the file: the table is saved in the working set. If another writer changed
    /// the working set meanwhile, nothing is saved (the file cannot be read again here).
    pub async fn import_finish(&mut self, importing: Importing) -> Result<Summary> {
        let Importing {
            import,
            ws,
            mut root,
        } = importing;
        let summary = import.finish(&mut self.store, &mut root).await?;
        let working = self.put_root_value(&root).await?;
        self.set_working_set(WorkingSet { working, ..ws }).await?;
        Ok(summary)
    }

    /// Writes every row of `table` in the working set to `out`, in pieces; answers how many.
    pub async fn export_table(
        &self,
        table: &str,
        file_type: FileType,
        out: &mut dyn FnMut(&str) -> core::result::Result<(), String>,
    ) -> Result<u64> {
        let root = self.working_root().await?;
        Ok(crate::import::export(&self.store, &root, table, file_type, out).await?)
    }
}
