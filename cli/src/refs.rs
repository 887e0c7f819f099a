//! Names for commits: `log`, `branch`, `checkout`, `tag`, `reset`.

use cairn_core::{graph, text};

use cairn_core::Storage;

use crate::database::Database;
use crate::Out;

pub async fn log<S: Storage>(
    db: &mut Database<S>,
    number: Option<usize>,
    graph: bool,
    oneline: bool,
    start: Option<&str>,
) -> Out {
    let repo = &db.repo;
    let at = match start {
        Some(spec) => repo.resolve(spec).await?.0,
        None => repo.head()?,
    };
    let commits = repo.log(at, number, graph).await?;
    let shown = if oneline {
        text::commit_oneline
    } else {
        text::commit
    };
    let texts: Vec<String> = commits
        .iter()
        .map(|(hash, c)| shown(hash, c, &repo.decorations(*hash)))
        .collect();
    if !graph {
        return Ok(texts.join(if oneline { "" } else { "\n" }));
    }
    let entries: Vec<graph::Entry<'_>> = commits
        .iter()
        .zip(&texts)
        .map(|((hash, c), text)| graph::Entry {
            hash: *hash,
            parents: &c.parents,
            text,
        })
        .collect();
    Ok(graph::draw(&entries))
}

/// `branch`: lists, or with `delete` (a name, and whether to force it) deletes, with `rename`
/// (old and new names) renames, with `name` creates.
pub async fn branch<S: Storage>(
    db: &mut Database<S>,
    all: bool,
    delete: Option<(String, bool)>,
    rename: Option<Vec<String>>,
    verbose: bool,
    name: Option<String>,
    start: Option<String>,
) -> Out {
    let repo = &mut db.repo;
    if let Some((name, force)) = delete {
        repo.delete_branch(&name, force).await?;
        return Ok(String::new());
    }
    if let Some([old, new]) = rename.as_deref() {
        repo.rename_branch(old, new).await?;
        return Ok(String::new());
    }
    if let Some(name) = name {
        repo.create_branch(&name, start.as_deref()).await?;
        return Ok(String::new());
    }
    let mut out = String::new();
    let current = repo.current_branch().to_owned();
    for (name, hash) in repo.branches() {
        let mark = if name == current { '*' } else { ' ' };
        out.push_str(&listing(mark, &name, hash, verbose));
    }
    if all {
        for (name, hash) in repo.remote_branches() {
            out.push_str(&listing(' ', &format!("remotes/{name}"), hash, verbose));
        }
    }
    Ok(out)
}

fn listing(mark: char, name: &str, hash: cairn_core::Hash, verbose: bool) -> String {
    if verbose {
        format!("{mark} {name:<20} {hash}\n")
    } else {
        format!("{mark} {name}\n")
    }
}

pub async fn checkout<S: Storage>(
    db: &mut Database<S>,
    create: bool,
    name: &str,
    start: Option<&str>,
) -> Out {
    if create {
        db.repo.checkout_new(name, start).await?;
        Ok(format!("Switched to a new branch '{name}'\n"))
    } else {
        Ok(match db.repo.checkout(name).await? {
            Some(remote) => format!(
                "{}Switched to a new branch '{name}'\n",
                tracking(name, &remote)
            ),
            None => format!("Switched to branch '{name}'\n"),
        })
    }
}

pub async fn tag<S: Storage>(
    db: &mut Database<S>,
    delete: Option<String>,
    verbose: bool,
    name: Option<String>,
    target: Option<String>,
) -> Out {
    let repo = &mut db.repo;
    if let Some(name) = delete {
        repo.delete_tag(&name).await?;
        return Ok(String::new());
    }
    if let Some(name) = name {
        repo.create_tag(&name, target.as_deref()).await?;
        return Ok(String::new());
    }
    Ok(repo
        .tags()
        .into_iter()
        .map(|(name, hash)| {
            if verbose {
                format!("{name}\t{hash}\n")
            } else {
                format!("{name}\n")
            }
        })
        .collect())
}

pub async fn reset<S: Storage>(db: &mut Database<S>, hard: bool, target: Option<&str>) -> Out {
    if hard {
        let at = db.repo.reset_hard(target).await?;
        Ok(format!("HEAD is now at {at}\n"))
    } else {
        db.repo.reset_soft().await?;
        Ok(String::new())
    }
}

/// What Git says when a branch gets an upstream.
pub fn tracking(branch: &str, remote: &str) -> String {
    format!("branch '{branch}' set up to track '{remote}/{branch}'.\n")
}
