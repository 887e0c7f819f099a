//! `remote`, `push`, `fetch`, `pull` and `clone`.

use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{FastForward, Repo, RepoError, Transfer};

use crate::credentials::{Credentials, Kind, Named};
use crate::database::{self, DatabaseError};
use crate::merge::short;
use crate::progress::size;
use crate::url::{self, Location};
use crate::{CliError, Cx, Db, Host, Out};

pub fn add<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, name: &str, address: &str) -> Out {
    cx.destination(address, Some(db.dir()))?;
    db.repo.add_remote(name, address, cx.same_place())?;
    cx.keep_token(db.dir(), Kind::Remote, name, address)?;
    Ok(String::new())
}

/// A remote's store; with `create` (a push), one that may be missing yet, in a folder a
/// store may be written to.
async fn remote_store<H: Host>(
    cx: &Cx<'_, H>,
    db: &Db<H>,
    name: &str,
    create: bool,
) -> Result<ChunkStore<H::Storage>, CliError> {
    let address = db
        .repo
        .config()
        .remotes
        .get(name)
        .ok_or_else(|| RepoError::RemoteNotFound(name.into()))?;
    let named = Some(Named {
        dir: db.dir(),
        kind: Kind::Remote,
        name,
    });
    if !create {
        return cx.open_store(address, named).await;
    }
    let storage = cx.writable_storage(address, Some(db.dir()), named)?;
    Ok(ChunkStore::open(storage).await?)
}

pub async fn push<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    remote: &str,
    branch: &str,
    force: bool,
) -> Out {
    let mut store = remote_store(cx, db, remote, true).await?;
    let mut reporter = cx.reporter();
    let outcome = db
        .repo
        .push(remote, &mut store, branch, force, &mut reporter)
        .await;
    reporter.finish();
    Ok(match outcome? {
        Transfer::UpToDate => "Everything up-to-date\n".into(),
        Transfer::Updated { old, new, stats } => format!(
            "{}..{} {branch} -> {branch} ({} chunks, {})\n",
            old.map_or("[new branch]".to_owned(), short),
            short(new),
            stats.chunks,
            size(stats.bytes)
        ),
    })
}

pub async fn fetch<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, remote: &str) -> Out {
    let store = remote_store(cx, db, remote, false).await?;
    let mut reporter = cx.reporter();
    let stats = db.repo.fetch(remote, &store, &mut reporter).await;
    reporter.finish();
    let stats = stats?;
    Ok(if stats.chunks == 0 {
        String::new()
    } else {
        format!("fetched {} chunks, {}\n", stats.chunks, size(stats.bytes))
    })
}

/// `pull`: fetch, then merge the remote's branch (default: the current branch's name).
pub async fn pull<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    remote: &str,
    branch: Option<&str>,
    mode: FastForward,
) -> Out {
    let store = remote_store(cx, db, remote, false).await?;
    let author = database::signature(cx.host, db.repo.config());
    let mut reporter = cx.reporter();
    let pulled = (db.repo)
        .pull((remote, &store), branch, mode, &author, &mut reporter)
        .await;
    reporter.finish();
    crate::merge::outcome(&pulled?.merge)
}

/// `clone URL [DIR]`: builds the database beside DIR's `.cairn` and moves it into place, so
/// a failed clone leaves nothing behind.
pub async fn clone<H: Host>(cx: &Cx<'_, H>, address: &str, dir: Option<&str>) -> Out {
    // The clone runs commands from its own folder: record where the remote is, absolutely.
    let location = url::parse(address, &cx.cwd)?;
    let origin = location.absolute_url(address);
    let last = match &location {
        Location::Dir(source) => source.file_name().map(|n| n.to_string_lossy().into_owned()),
        Location::Bucket(b) => {
            let last = b.prefix.rsplit('/').next().filter(|l| !l.is_empty());
            Some(last.unwrap_or(&b.bucket).to_owned())
        }
        Location::Http(h) => h.path.rsplit('/').next().map(str::to_owned),
    };
    let name = match dir {
        Some(d) => d.to_owned(),
        None => last.ok_or_else(|| url::UrlError::EmptyPath(address.into()))?,
    };
    let remote = cx.open_store(address, None).await?;
    // A token given by --token-file stays with origin, as `remote add` keeps one.
    let token = cx.token_flag()?;
    let mut reporter = cx.reporter();
    let host = cx.host;
    let cloned = database::create_atomically(host, &cx.cwd.join(&name), false, |store_dir| {
        let (remote, origin, reporter) = (&remote, &origin, &mut reporter);
        async move {
            if let (Some(token), Some(meta)) = (token, store_dir.parent()) {
                Credentials::none(meta).set(host, Kind::Remote, "origin", Some(token))?;
            }
            let store = ChunkStore::open(host.storage(&store_dir))
                .await
                .map_err(DatabaseError::from)?;
            let id = database::new_id()?;
            let repo = Repo::clone_from(store, remote, origin, &id, reporter).await?;
            Ok::<_, CliError>((repo.config().clone(), ()))
        }
    })
    .await;
    reporter.finish();
    cloned?;
    Ok(format!("cloned {address} into '{name}'\n"))
}
