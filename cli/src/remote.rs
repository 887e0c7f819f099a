//! `remote`, `push`, `fetch`, `pull` and `clone`.

use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{FastForward, Fetched, RefKind, Repo, RepoError, Update};

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

/// How `push` was asked.
pub struct PushArgs {
    pub remote: Option<String>,
    pub name: Option<String>,
    pub tags: bool,
    pub set_upstream: bool,
    pub force: bool,
}

/// `push [-u] [--tags] [REMOTE [NAME]]`: a branch or tag NAME (default: the current branch,
/// unless only --tags are pushed), and with `tags` every tag, to REMOTE (default: the current
/// branch's upstream's). With `set_upstream`, the branch pushed follows REMOTE's from then on.
pub async fn push<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, args: PushArgs) -> Out {
    let PushArgs {
        remote,
        name,
        tags,
        set_upstream,
        force,
    } = args;
    let remote = match remote {
        Some(r) => r,
        None => db.repo.upstream()?.remote.clone(),
    };
    let remote = remote.as_str();
    let refs = db
        .repo
        .refs_to_push(name.as_deref(), tags, set_upstream)
        .await?;
    let mut store = remote_store(cx, db, remote, true).await?;
    let mut reporter = cx.reporter();
    let outcome = db
        .repo
        .push_refs(remote, &mut store, &refs, force, &mut reporter)
        .await;
    reporter.finish();
    let pushed = outcome?;
    let mut out = if pushed.updated.is_empty() {
        "Everything up-to-date\n".to_owned()
    } else {
        let lines: Vec<String> = pushed.updated.iter().map(moved).collect();
        let stats = pushed.stats;
        format!(
            "{} ({} chunks, {})\n",
            lines.join("\n"),
            stats.chunks,
            size(stats.bytes)
        )
    };
    if set_upstream {
        for branch in db.repo.set_upstreams(&refs, remote)? {
            out.push_str(&crate::refs::tracking(&branch, remote));
        }
    }
    Ok(out)
}

/// One ref a push or fetch moved, as Git reports it.
fn moved(u: &Update) -> String {
    let name = u.name.name();
    match (&u.name, u.old) {
        (RefKind::Tag(_), None) => format!("[new tag] {name} -> {name}"),
        (RefKind::Tag(_), Some(old)) => {
            format!(
                "+ {}...{} {name} -> {name} (forced update)",
                short(old),
                short(u.new)
            )
        }
        (_, old) => format!(
            "{}..{} {name} -> {name}",
            old.map_or("[new branch]".to_owned(), short),
            short(u.new)
        ),
    }
}

pub async fn fetch<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, remote: &str, force: bool) -> Out {
    let fetched = fetch_from(cx, db, remote, force).await?;
    let stats = fetched.stats;
    let mut out = if stats.chunks == 0 {
        String::new()
    } else {
        format!("fetched {} chunks, {}\n", stats.chunks, size(stats.bytes))
    };
    out.push_str(&tag_lines(&fetched));
    Ok(out)
}

/// Fetches from a remote, warning of the tags kept because the remote's differ.
async fn fetch_from<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    remote: &str,
    force: bool,
) -> Result<Fetched, CliError> {
    let store = remote_store(cx, db, remote, false).await?;
    let mut reporter = cx.reporter();
    let fetched = db
        .repo
        .fetch_tags(remote, &store, force, &mut reporter)
        .await;
    reporter.finish();
    let fetched = fetched?;
    warn_kept_tags(cx, remote, &fetched);
    Ok(fetched)
}

/// A warning for each tag a fetch kept because the remote's points elsewhere.
fn warn_kept_tags<H: Host>(cx: &Cx<'_, H>, remote: &str, fetched: &Fetched) {
    for tag in &fetched.kept_tags {
        cx.host.stderr(&format!(
            "warning: tag '{tag}' not updated: {remote}'s tag '{tag}' points at another \
             commit (would clobber the existing tag; `cairn fetch --force {remote}` replaces it)\n"
        ));
    }
}

/// The tags a fetch created or moved, one line each.
fn tag_lines(fetched: &Fetched) -> String {
    fetched.tags.iter().map(|u| moved(u) + "\n").collect()
}

/// `pull`: fetch, then merge the remote's branch (default: the current branch's name); with
/// no remote, the current branch's upstream.
pub async fn pull<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    remote: Option<&str>,
    branch: Option<&str>,
    mode: FastForward,
) -> Out {
    let (remote, branch) = match remote {
        Some(r) => (
            r.to_owned(),
            branch.unwrap_or(db.repo.current_branch()).to_owned(),
        ),
        None => {
            let up = db.repo.upstream()?;
            (up.remote.clone(), up.branch.clone())
        }
    };
    let remote = remote.as_str();
    let store = remote_store(cx, db, remote, false).await?;
    let author = database::signature(cx.host, db.repo.config())?;
    let mut reporter = cx.reporter();
    let pulled = (db.repo)
        .pull(
            (remote, &store),
            Some(&branch),
            mode,
            &author,
            &mut reporter,
        )
        .await;
    reporter.finish();
    let pulled = pulled?;
    warn_kept_tags(cx, remote, &pulled.fetched);
    Ok(tag_lines(&pulled.fetched) + &crate::merge::outcome(&pulled.merge)?)
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
