//! The exported `Repo` class: the core's repository over a JS adapter. Every operation is a
//! promise; the configuration text goes in at `open` and comes back from `config()`, for the
//! JS side to store where its location keeps it. Clocks, authors and new ids come from JS.
//!
//! As with `ChunkStore`, JS may start an operation before the last one settled, so the
//! repository sits behind an async lock rather than being borrowed across an await.

use std::future::Future;
use std::rc::Rc;

use async_lock::Mutex;
use cairn_core::backup::{self, Note, Repair, SyncOutcome};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{CommitOptions, Config, DiffTarget, Signature, UserKey};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::error::Error;
use crate::storage::JsStorage;
use crate::{args, convert, js};

type Core = cairn_core::repo::Repo<JsStorage>;

/// A checked argument, or a promise rejected with the INVALID_ARGUMENT error.
macro_rules! arg {
    ($checked:expr) => {
        match $checked {
            Ok(value) => value,
            Err(e) => return Promise::reject(&JsValue::from(e)),
        }
    };
}

#[wasm_bindgen]
pub struct Repo {
    repo: Rc<Mutex<Core>>,
}

async fn store(adapter: JsValue) -> Result<ChunkStore<JsStorage>, Error> {
    Ok(ChunkStore::open(args::adapter(adapter)?).await?)
}

/// The author and time JS gives for a new commit.
fn author(name: &JsValue, email: &JsValue, time_ms: f64) -> Result<Signature, Error> {
    Ok(Signature {
        name: args::string(name, "author_name")?,
        email: args::string(email, "author_email")?,
        time_ms: args::time_ms(time_ms)?,
    })
}

fn locations(map: &std::collections::BTreeMap<String, String>) -> JsValue {
    map.iter()
        .map(|(name, url)| {
            js::object(&[("name", name.as_str().into()), ("url", url.as_str().into())])
        })
        .collect::<js_sys::Array>()
        .into()
}

impl Repo {
    fn wrap(repo: Core) -> Repo {
        Repo {
            repo: Rc::new(Mutex::new(repo)),
        }
    }

    /// Runs `op` on the repository as a promise that rejects with the operation's error.
    /// Every operation starts from the store's current root: a handle kept open sees what
    /// other handles, processes and tabs committed, and never writes from a stale state.
    /// `revert` (with `revert`) or `cherryPick` of commit `spec`.
    fn pick(&self, spec: &JsValue, author: Result<Signature, Error>, revert: bool) -> Promise {
        let spec = arg!(args::string(spec, "ref"));
        let author = arg!(author);
        self.run(|repo| async move {
            let mut repo = repo.lock().await;
            let applied = match revert {
                true => repo.revert(&spec, &author).await?,
                false => repo.cherry_pick(&spec, &author).await?,
            };
            Ok(convert::applied(&applied))
        })
    }

    fn run<F, Fut>(&self, op: F) -> Promise
    where
        F: FnOnce(Rc<Mutex<Core>>) -> Fut,
        Fut: Future<Output = Result<JsValue, Error>> + 'static,
    {
        let repo = self.repo.clone();
        let op = op(self.repo.clone());
        future_to_promise(async move {
            let reloaded = repo.lock().await.reload().await;
            reloaded.map_err(|e| JsValue::from(Error::from(e)))?;
            op.await.map_err(JsValue::from)
        })
    }
}

#[wasm_bindgen]
impl Repo {
    /// Creates a database in the empty store behind `adapter`, with a new config of id `id`.
    pub async fn init(
        adapter: JsValue,
        id: JsValue,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
    ) -> Result<Repo, Error> {
        let id = args::string(&id, "id")?;
        let author = author(&author_name, &author_email, time_ms)?;
        let store = store(adapter).await?;
        Ok(Repo::wrap(
            Core::init(store, Config::new(&id), &author).await?,
        ))
    }

    /// Opens the database behind `adapter` with its configuration text.
    pub async fn open(adapter: JsValue, config: JsValue) -> Result<Repo, Error> {
        let config = args::string(&config, "config")?;
        let config = Config::decode(&config)?;
        let store = store(adapter).await?;
        Ok(Repo::wrap(Core::open(store, config).await?))
    }

    /// Clones the remote behind `remote` into the empty store behind `adapter`; `url` is
    /// recorded as `origin`.
    pub async fn clone(
        adapter: JsValue,
        remote: JsValue,
        url: JsValue,
        id: JsValue,
        on_progress: Option<Function>,
        signal: JsValue,
    ) -> Result<Repo, Error> {
        let url = args::string(&url, "url")?;
        let id = args::string(&id, "id")?;
        let (store, remote) = (store(adapter).await?, store(remote).await?);
        let mut progress = args::progress(on_progress, signal);
        let cloned = Core::clone_from(store, &remote, &url, &id, &mut progress).await;
        let repo = progress.settle(cloned)?;
        Ok(Repo::wrap(repo))
    }

    /// Restores a snapshot (default: the latest) of the backup behind `src` into the empty
    /// store behind `dst`; resolves to `{ snapshot, stats, remotes, adopted, config }`, the
    /// config text of the new database (id `id`, the snapshot's branch checked out). With
    /// `adopt_url` (the backup's URL, as the new database will sync to it), the new database
    /// also adopts the backup (`backup::adopt`, at `now_ms`): `adopted` is the snapshot that
    /// records it, else null. `remotes`: those whose tracking branches came along.
    #[wasm_bindgen(js_name = backupRestore)]
    #[allow(clippy::too_many_arguments)]
    pub async fn backup_restore(
        src: JsValue,
        dst: JsValue,
        snapshot: JsValue,
        id: JsValue,
        adopt_url: JsValue,
        now_ms: f64,
        on_progress: Option<Function>,
        signal: JsValue,
    ) -> Result<JsValue, Error> {
        let snapshot = args::opt_string(&snapshot, "snapshot")?;
        let id = args::string(&id, "id")?;
        let adopt_url = args::opt_string(&adopt_url, "url")?;
        let now = args::time_ms(now_ms)?;
        // Damaged table files do not stop the snapshots that never used them.
        let mut src = ChunkStore::open_damaged(args::adapter(src)?).await?;
        let mut dst = store(dst).await?;
        let mut progress = args::progress(on_progress, signal);
        let restored = backup::restore(&src, snapshot.as_deref(), &mut dst, &mut progress).await;
        let restored = progress.settle(restored)?;
        let mut config = Config::new(&id);
        config.head = restored.snapshot.head.clone();
        let adopted = match adopt_url {
            Some(url) => {
                let snap = backup::adopt(&mut src, &restored, &id, now).await?;
                config.synced.insert(url, snap.id());
                convert::snapshot(&snap)
            }
            None => JsValue::NULL,
        };
        let remotes: js_sys::Array = restored
            .remotes
            .iter()
            .map(|r| JsValue::from(r.as_str()))
            .collect();
        Ok(js::object(&[
            ("snapshot", convert::snapshot(&restored.snapshot)),
            ("stats", convert::stats(&restored.stats)),
            ("remotes", remotes.into()),
            ("adopted", adopted),
            ("config", config.encode().into()),
        ]))
    }

    /// Names the database for SQL after the store's location (`Repo::name_database_after`):
    /// called once, as the JS Repo is made, before any operation holds the repository.
    #[wasm_bindgen(js_name = nameDatabaseAfter)]
    pub fn name_database_after(&self, location: JsValue) -> Result<(), Error> {
        let location = args::string(&location, "location")?;
        let mut repo = self
            .repo
            .try_lock()
            .ok_or_else(|| args::invalid("name the database before any operation".into()))?;
        repo.name_database_after(&location);
        Ok(())
    }

    /// Re-reads the store's root; every operation does this first, so callers rarely need to.
    pub fn reload(&self) -> Promise {
        self.run(|_| async { Ok(JsValue::UNDEFINED) })
    }

    /// The configuration: `{ text, head, id, userName?, userEmail?, remotes, backups }`.
    /// Without `run`'s reload: the configuration is not in the store, and `Repo` (JS) asks
    /// for it after every operation, where a reload cost a manifest read (a transaction in
    /// IndexedDB) each time.
    pub fn config(&self) -> Promise {
        let repo = self.repo.clone();
        future_to_promise(async move {
            let repo = repo.lock().await;
            let config = repo.config();
            let out = js::object(&[
                ("text", config.encode().into()),
                ("head", config.head.as_str().into()),
                ("id", config.id.as_str().into()),
                ("remotes", locations(&config.remotes)),
                ("backups", locations(&config.backups)),
            ]);
            if let Some(name) = &config.user_name {
                js::set(&out, "userName", name.as_str().into());
            }
            if let Some(email) = &config.user_email {
                js::set(&out, "userEmail", email.as_str().into());
            }
            Ok(out)
        })
    }

    /// Runs SQL; `params` holds values for `?` (an array) or `:name` (an object); the
    /// author is who commits what `CALL DOLT_COMMIT` commits, `time_ms` also the time NOW()
    /// reads.
    pub fn sql(
        &self,
        query: JsValue,
        params: JsValue,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
    ) -> Promise {
        let query = arg!(args::string(&query, "query"));
        let params = arg!(args::params(&params));
        let caller = arg!(author(&author_name, &author_email, time_ms));
        self.run(|repo| async move {
            let results = repo
                .lock()
                .await
                .sql_with(&query, &params, Some(&caller))
                .await?;
            Ok(results
                .iter()
                .map(convert::query_result)
                .collect::<js_sys::Array>()
                .into())
        })
    }

    /// One page of a SELECT: `{ columns, rows, at, after? }`. `at` is the working root the
    /// first page read (pass it back so every page reads that state); `after`, present while
    /// more rows may follow, is where the next page starts.
    #[wasm_bindgen(js_name = queryPage)]
    pub fn query_page(
        &self,
        query: JsValue,
        params: JsValue,
        at: JsValue,
        after: JsValue,
        rows: u32,
        now_ms: f64,
    ) -> Promise {
        let query = arg!(args::string(&query, "query"));
        let params = arg!(args::params(&params));
        let now = Some(arg!(args::time_ms(now_ms)));
        let at = match at.is_undefined() {
            true => None,
            false => Some(arg!(args::hash(&at))),
        };
        let after = match after.is_undefined() {
            true => None,
            false => Some(arg!(args::bytes(&after))),
        };
        let page = cairn_core::sql::select::Page {
            after,
            rows: rows as usize,
        };
        self.run(|repo| async move {
            let repo = repo.lock().await;
            let (result, next, at) = repo.query_page(&query, &params, &page, at, now).await?;
            let out = convert::query_result(&result);
            js::set(&out, "at", at.to_base32().into());
            if let Some(next) = next {
                js::set(&out, "after", js_sys::Uint8Array::from(&next[..]).into());
            }
            Ok(out)
        })
    }

    pub fn status(&self) -> Promise {
        self.run(|repo| async move { Ok(convert::status(&repo.lock().await.status().await?)) })
    }

    /// Stages the named tables, or every change when `tables` is undefined.
    pub fn add(&self, tables: JsValue) -> Promise {
        let tables = arg!(args::opt_strings(&tables, "tables"));
        self.run(|repo| async move {
            repo.lock().await.add(tables.as_deref()).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Commits; resolves to the new commit as a `Commit` object.
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &self,
        message: JsValue,
        all: bool,
        allow_empty: bool,
        amend: bool,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
    ) -> Promise {
        let message = arg!(args::string(&message, "message"));
        let author = arg!(author(&author_name, &author_email, time_ms));
        let options = CommitOptions {
            all,
            allow_empty,
            amend,
        };
        self.run(|repo| async move {
            let mut repo = repo.lock().await;
            let hash = repo.commit(&message, options, &author).await?;
            let commit = repo.commit_at(hash).await?;
            Ok(convert::commit(&hash, &commit, &repo.decorations(hash)))
        })
    }

    /// Commits from `start` (default HEAD) following first parents, newest first.
    pub fn log(&self, start: JsValue, limit: JsValue) -> Promise {
        let limit = arg!(args::opt_count(&limit, "limit"));
        let start = arg!(args::opt_string(&start, "start"));
        self.run(|repo| async move {
            let repo = repo.lock().await;
            let at = match &start {
                Some(spec) => repo.resolve(spec).await?.0,
                None => repo.head()?,
            };
            let commits = repo.log(at, limit, false).await?;
            Ok(commits
                .iter()
                .map(|(hash, c)| convert::commit(hash, c, &repo.decorations(*hash)))
                .collect::<js_sys::Array>()
                .into())
        })
    }

    /// `{ name, hash }` of every local branch.
    pub fn branches(&self) -> Promise {
        self.run(|repo| async move { Ok(convert::refs(repo.lock().await.branches())) })
    }

    /// `{ name, hash }` of every remote-tracking branch, named `remote/branch`.
    #[wasm_bindgen(js_name = remoteBranches)]
    pub fn remote_branches(&self) -> Promise {
        self.run(|repo| async move { Ok(convert::refs(repo.lock().await.remote_branches())) })
    }

    pub fn tags(&self) -> Promise {
        self.run(|repo| async move { Ok(convert::refs(repo.lock().await.tags())) })
    }

    #[wasm_bindgen(js_name = createBranch)]
    pub fn create_branch(&self, name: JsValue, start: JsValue) -> Promise {
        let start = arg!(args::opt_string(&start, "start"));
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            let at = repo
                .lock()
                .await
                .create_branch(&name, start.as_deref())
                .await?;
            Ok(at.to_base32().into())
        })
    }

    /// Deletes a branch; one with commits the current branch lacks, or with uncommitted
    /// changes, only with `force` (Git's `branch -d` and `-D`).
    #[wasm_bindgen(js_name = deleteBranch)]
    pub fn delete_branch(&self, name: JsValue, force: bool) -> Promise {
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            repo.lock().await.delete_branch(&name, force).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Merges `spec` into the current branch; `mode`: "allow", "only" or "never" a
    /// fast-forward. Resolves to a `MergeResult`; conflicts wait in the working set.
    #[allow(clippy::too_many_arguments)]
    pub fn merge(
        &self,
        spec: JsValue,
        mode: JsValue,
        message: JsValue,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
    ) -> Promise {
        let spec = arg!(args::string(&spec, "ref"));
        let mode = arg!(args::fast_forward(&mode));
        let message = arg!(args::opt_string(&message, "message"));
        let author = arg!(author(&author_name, &author_email, time_ms));
        self.run(|repo| async move {
            let mut repo = repo.lock().await;
            let merged = repo.merge(&spec, mode, message.as_deref(), &author).await?;
            Ok(convert::merge(&merged))
        })
    }

    /// `merge --abort`: back to the branch's commit, the merge and its conflicts dropped.
    #[wasm_bindgen(js_name = abortMerge)]
    pub fn abort_merge(&self) -> Promise {
        self.run(|repo| async move {
            repo.lock().await.abort_merge().await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The conflicts a merge in progress left in `table` (`TableConflicts`).
    pub fn conflicts(&self, table: JsValue) -> Promise {
        let table = arg!(args::string(&table, "table"));
        self.run(|repo| async move {
            let found = repo.lock().await.conflicts(&table).await?;
            Ok(convert::conflicts(&table, &found))
        })
    }

    /// Settles `table`'s conflicts: "ours", "theirs", or "edited" (the rows as they are now).
    #[wasm_bindgen(js_name = resolveConflicts)]
    pub fn resolve_conflicts(&self, table: JsValue, how: JsValue) -> Promise {
        let table = arg!(args::string(&table, "table"));
        let how = arg!(args::resolution(&how));
        self.run(|repo| async move {
            repo.lock().await.resolve_conflicts(&table, how).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Commits the inverse of commit `spec`'s changes (`MergeResult`).
    pub fn revert(
        &self,
        spec: JsValue,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
    ) -> Promise {
        self.pick(&spec, author(&author_name, &author_email, time_ms), true)
    }

    /// Commits commit `spec`'s changes again on the current branch (`MergeResult`).
    #[wasm_bindgen(js_name = cherryPick)]
    pub fn cherry_pick(
        &self,
        spec: JsValue,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
    ) -> Promise {
        self.pick(&spec, author(&author_name, &author_email, time_ms), false)
    }

    pub fn checkout(&self, name: JsValue) -> Promise {
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            repo.lock().await.checkout(&name).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// `checkout -b`: creates a branch at `start` (default HEAD) and switches to it.
    #[wasm_bindgen(js_name = checkoutNew)]
    pub fn checkout_new(&self, name: JsValue, start: JsValue) -> Promise {
        let start = arg!(args::opt_string(&start, "start"));
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            repo.lock()
                .await
                .checkout_new(&name, start.as_deref())
                .await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = createTag)]
    pub fn create_tag(&self, name: JsValue, target: JsValue) -> Promise {
        let target = arg!(args::opt_string(&target, "target"));
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            let at = repo
                .lock()
                .await
                .create_tag(&name, target.as_deref())
                .await?;
            Ok(at.to_base32().into())
        })
    }

    #[wasm_bindgen(js_name = deleteTag)]
    pub fn delete_tag(&self, name: JsValue) -> Promise {
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            repo.lock().await.delete_tag(&name).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = resetSoft)]
    pub fn reset_soft(&self) -> Promise {
        self.run(|repo| async move {
            repo.lock().await.reset_soft().await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Resolves to the commit the branch is now at.
    #[wasm_bindgen(js_name = resetHard)]
    pub fn reset_hard(&self, target: JsValue) -> Promise {
        let target = arg!(args::opt_string(&target, "target"));
        self.run(|repo| async move {
            let at = repo.lock().await.reset_hard(target.as_deref()).await?;
            Ok(at.to_base32().into())
        })
    }

    /// As the CLI's `diff`: working against `target`; else with `cached` staged against
    /// HEAD; else working against staged.
    pub fn diff(&self, cached: bool, target: JsValue) -> Promise {
        let target = arg!(args::opt_string(&target, "target"));
        self.run(|repo| async move {
            let (from, to) = match (&target, cached) {
                (Some(spec), _) => (DiffTarget::Ref(spec), DiffTarget::Working),
                (None, true) => (DiffTarget::Ref("HEAD"), DiffTarget::Staged),
                (None, false) => (DiffTarget::Staged, DiffTarget::Working),
            };
            Ok(convert::diffs(&repo.lock().await.diff(from, to).await?))
        })
    }

    pub fn ls(&self, target: JsValue) -> Promise {
        let target = arg!(args::opt_string(&target, "target"));
        self.run(|repo| async move {
            let tables = repo.lock().await.ls(target.as_deref()).await?;
            Ok(tables
                .iter()
                .map(|t| JsValue::from_str(t))
                .collect::<js_sys::Array>()
                .into())
        })
    }

    pub fn resolve(&self, spec: JsValue) -> Promise {
        let spec = arg!(args::string(&spec, "spec"));
        self.run(
            |repo| async move { Ok(repo.lock().await.resolve(&spec).await?.0.to_base32().into()) },
        )
    }

    /// Adds a remote; `same_place(a, b)` tells whether two URLs name one location.
    #[wasm_bindgen(js_name = addRemote)]
    pub fn add_remote(&self, name: JsValue, url: JsValue, same_place: Function) -> Promise {
        let name = arg!(args::string(&name, "name"));
        let url = arg!(args::string(&url, "url"));
        self.run(|repo| async move {
            repo.lock()
                .await
                .add_remote(&name, &url, args::same_place(same_place))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = removeRemote)]
    pub fn remove_remote(&self, name: JsValue) -> Promise {
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            repo.lock().await.remove_remote(&name).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = addBackup)]
    pub fn add_backup(&self, name: JsValue, url: JsValue, same_place: Function) -> Promise {
        let name = arg!(args::string(&name, "name"));
        let url = arg!(args::string(&url, "url"));
        self.run(|repo| async move {
            repo.lock()
                .await
                .add_backup(&name, &url, args::same_place(same_place))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = removeBackup)]
    pub fn remove_backup(&self, name: JsValue) -> Promise {
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            repo.lock().await.remove_backup(&name)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Imports a file into `table` of the working set: `next()` resolves to the file's next
    /// piece (a Uint8Array), or to null at its end; nothing is saved unless every row goes
    /// in; `now_ms` is the clock DEFAULT CURRENT_TIMESTAMP columns the file leaves out take.
    /// Resolves to `{ rows, inserted, updated, unchanged }`.
    #[wasm_bindgen(js_name = importTable)]
    #[allow(clippy::too_many_arguments)]
    pub fn import_table(
        &self,
        table: JsValue,
        file_type: JsValue,
        mode: JsValue,
        pk: JsValue,
        force: bool,
        next: Function,
        now_ms: f64,
    ) -> Promise {
        let table = arg!(args::string(&table, "table"));
        let file_type = arg!(args::file_type(&file_type));
        let mode = arg!(args::import_mode(&mode, &pk, force));
        let now = Some(arg!(args::time_ms(now_ms)));
        self.run(|repo| async move {
            let mut repo = repo.lock().await;
            let mut importing = repo.import_start(&table, file_type, mode, now).await?;
            loop {
                let promise = next.call0(&JsValue::NULL).map_err(Error::Stopped)?;
                let piece = JsFuture::from(Promise::resolve(&promise))
                    .await
                    .map_err(Error::Stopped)?;
                if piece.is_null() || piece.is_undefined() {
                    break;
                }
                repo.import_feed(&mut importing, &args::bytes(&piece)?)
                    .await?;
            }
            let summary = repo.import_finish(importing).await?;
            Ok(js::object(&[
                ("rows", (summary.rows as f64).into()),
                ("inserted", (summary.inserted as f64).into()),
                ("updated", (summary.updated as f64).into()),
                ("unchanged", (summary.unchanged as f64).into()),
            ]))
        })
    }

    /// Writes every row of `table` in the working set, in primary-key order, as CSV or JSON
    /// text: `write(piece)` is called with each piece, in order. Resolves to the row count.
    #[wasm_bindgen(js_name = exportTable)]
    pub fn export_table(&self, table: JsValue, file_type: JsValue, write: Function) -> Promise {
        let table = arg!(args::string(&table, "table"));
        let file_type = arg!(args::file_type(&file_type));
        self.run(|repo| async move {
            let repo = repo.lock().await;
            let mut thrown = None;
            let mut out = |piece: &str| {
                write
                    .call1(&JsValue::NULL, &JsValue::from_str(piece))
                    .map(|_| ())
                    .map_err(|e| {
                        let message = js::describe(&e);
                        thrown = Some(e);
                        message
                    })
            };
            let written = repo.export_table(&table, file_type, &mut out).await;
            // What `write` threw reaches the caller as it is.
            if let Some(e) = thrown {
                return Err(Error::Stopped(e));
            }
            Ok((written? as f64).into())
        })
    }

    /// Pushes to the remote `name`, whose store is behind `remote`, what `cairn push [--tags]
    /// [-u] NAME REF` does (the core chooses the refs): `ref_name`, a branch or a tag
    /// (undefined: the current branch, unless only `tags` are pushed), and with `tags` every
    /// tag; with `set_upstream`, the branches pushed follow the remote's from then on.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &self,
        name: JsValue,
        remote: JsValue,
        ref_name: JsValue,
        force: bool,
        tags: bool,
        set_upstream: bool,
        on_progress: Option<Function>,
        signal: JsValue,
    ) -> Promise {
        let name = arg!(args::string(&name, "name"));
        let ref_name = arg!(args::opt_string(&ref_name, "ref"));
        self.run(|repo| async move {
            let mut remote = store(remote).await?;
            let mut progress = args::progress(on_progress, signal);
            let mut repo = repo.lock().await;
            let refs = repo
                .refs_to_push(ref_name.as_deref(), tags, set_upstream)
                .await?;
            let pushed = repo
                .push_refs(&name, &mut remote, &refs, force, &mut progress)
                .await;
            let outcome = progress.settle(pushed)?;
            if set_upstream {
                repo.set_upstreams(&refs, &name)?;
            }
            let asked = refs.first().filter(|_| ref_name.is_some() || !tags);
            Ok(convert::pushed(&outcome, asked))
        })
    }

    /// The remote branch `branch` (undefined: the current branch) follows, `{ remote, branch
    /// }`, or null; with `required`, the core's error for a current branch without one.
    pub fn upstream(&self, branch: JsValue, required: bool) -> Promise {
        let branch = arg!(args::opt_string(&branch, "branch"));
        self.run(|repo| async move {
            let repo = repo.lock().await;
            let found = match (&branch, required) {
                (None, true) => Some(repo.upstream()?),
                (None, false) => repo.config().upstreams.get(repo.current_branch()),
                (Some(b), _) => repo.config().upstreams.get(b),
            };
            Ok(found.map_or(JsValue::NULL, |up| {
                js::object(&[
                    ("remote", up.remote.as_str().into()),
                    ("branch", up.branch.as_str().into()),
                ])
            }))
        })
    }

    /// Makes `branch` follow the remote `remote`'s branch of its name (`push -u`'s record),
    /// which `push` and `pull` without a remote then use.
    #[wasm_bindgen(js_name = setUpstream)]
    pub fn set_upstream(&self, branch: JsValue, remote: JsValue) -> Promise {
        let branch = arg!(args::string(&branch, "branch"));
        let remote = arg!(args::string(&remote, "remote"));
        self.run(|repo| async move {
            repo.lock().await.set_upstream(&branch, &remote)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// A setting of this database's config, as `cairn config KEY` reads it here: the value,
    /// or undefined. (The JS API has no global config file.)
    #[wasm_bindgen(js_name = configGet)]
    pub fn config_get(&self, key: JsValue) -> Promise {
        let key = arg!(args::string(&key, "key"));
        self.run(|repo| async move {
            let repo = repo.lock().await;
            let found = repo
                .config()
                .list()
                .into_iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(&key));
            Ok(found.map_or(JsValue::UNDEFINED, |(_, v)| v.into()))
        })
    }

    /// Every setting of this database's config, as `cairn config --list`: `{ key: value }`.
    #[wasm_bindgen(js_name = configList)]
    pub fn config_list(&self) -> Promise {
        self.run(|repo| async move {
            let repo = repo.lock().await;
            let out = js::object(&[]);
            for (k, v) in repo.config().list() {
                js::set(&out, &k, v.into());
            }
            Ok(out)
        })
    }

    /// Sets `user.name` or `user.email` (with `value` undefined, unsets it, which must be
    /// set), as `cairn config KEY VALUE` and `config --unset KEY` do.
    #[wasm_bindgen(js_name = configSet)]
    pub fn config_set(&self, key: JsValue, value: JsValue) -> Promise {
        let key = arg!(args::string(&key, "key"));
        let value = arg!(args::opt_string(&value, "value"));
        self.run(|repo| async move {
            let user_key = UserKey::parse(&key).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "cannot set '{key}': config sets user.name and user.email"
                ))
            })?;
            let mut repo = repo.lock().await;
            let mut user = repo.config().user();
            user.change(user_key, value.as_deref())
                .map_err(Error::InvalidArgument)?;
            repo.config_mut().set_user(user);
            Ok(JsValue::UNDEFINED)
        })
    }

    pub fn fetch(
        &self,
        name: JsValue,
        remote: JsValue,
        on_progress: Option<Function>,
        signal: JsValue,
    ) -> Promise {
        let name = arg!(args::string(&name, "name"));
        self.run(|repo| async move {
            let remote = store(remote).await?;
            let mut progress = args::progress(on_progress, signal);
            let fetched = repo.lock().await.fetch(&name, &remote, &mut progress).await;
            let stats = progress.settle(fetched)?;
            Ok(convert::stats(&stats))
        })
    }

    /// Fetches, then merges the remote's branch as `merge` does (`MergeResult` with the
    /// fetch's `stats`).
    #[allow(clippy::too_many_arguments)]
    pub fn pull(
        &self,
        name: JsValue,
        remote: JsValue,
        branch: JsValue,
        mode: JsValue,
        author_name: JsValue,
        author_email: JsValue,
        time_ms: f64,
        on_progress: Option<Function>,
        signal: JsValue,
    ) -> Promise {
        let branch = arg!(args::opt_string(&branch, "branch"));
        let name = arg!(args::string(&name, "name"));
        let mode = arg!(args::fast_forward(&mode));
        let author = arg!(author(&author_name, &author_email, time_ms));
        self.run(|repo| async move {
            let remote = store(remote).await?;
            let mut progress = args::progress(on_progress, signal);
            let mut repo = repo.lock().await;
            let pulled = repo
                .pull(
                    (&name, &remote),
                    branch.as_deref(),
                    mode,
                    &author,
                    &mut progress,
                )
                .await;
            let outcome = progress.settle(pulled)?;
            Ok(convert::pulled(&outcome))
        })
    }

    /// Adds a snapshot of the database to the backup behind `dst`, at `url` (owner: the
    /// config's id, head: the current branch); resolves to `{ snapshot, synced, stats,
    /// damagedTables }`. `repair`: read what the snapshot reaches in the backup and write again
    /// what is lost or damaged (otherwise only table files found missing or unreadable).
    /// `tags` (an array, or undefined) and `message` (a string, or undefined): the snapshot's.
    #[wasm_bindgen(js_name = backupSync)]
    #[allow(clippy::too_many_arguments)]
    pub fn backup_sync(
        &self,
        dst: JsValue,
        url: JsValue,
        now_ms: f64,
        repair: bool,
        tags: JsValue,
        message: JsValue,
        on_progress: Option<Function>,
        signal: JsValue,
    ) -> Promise {
        let now = args::time_ms(now_ms);
        let url = arg!(args::string(&url, "url"));
        let note = Note {
            tags: arg!(args::opt_strings(&tags, "tags")).unwrap_or_default(),
            message: arg!(args::opt_string(&message, "message")).unwrap_or_default(),
        };
        let repair = match repair {
            true => Repair::Always,
            false => Repair::IfSeenDamaged,
        };
        self.run(|repo| async move {
            let now = now?;
            // Damage seen on opening does not stop the sync: it writes again what it needs.
            let mut dst = ChunkStore::open_damaged(args::adapter(dst)?).await?;
            let mut progress = args::progress(on_progress, signal);
            let mut repo = repo.lock().await;
            let synced = repo
                .backup_sync(&mut dst, &url, &note, now, repair, &mut progress)
                .await;
            let outcome = progress.settle(synced)?;
            let (snapshot, stats, synced) = match outcome {
                SyncOutcome::UpToDate { snapshot, stats } => (snapshot, stats, false),
                SyncOutcome::Synced { snapshot, stats } => (snapshot, stats, true),
            };
            let damaged: js_sys::Array = dst
                .damaged()
                .iter()
                .map(|t| JsValue::from(t.as_str()))
                .collect();
            Ok(js::object(&[
                ("snapshot", convert::snapshot(&snapshot)),
                ("synced", synced.into()),
                ("stats", convert::stats(&stats)),
                ("damagedTables", damaged.into()),
            ]))
        })
    }
}
