//! `config`: who commits, in one database's config or, with `--global`, in every one's. The
//! same files `database::signature` reads when it makes a commit.

use std::path::Path;

use cairn_core::repo::{User, UserKey};

use crate::database::{self, Database, DatabaseError};
use crate::{CliError, Cx, Host, Out};

/// How `config` was asked.
pub struct ConfigArgs {
    pub global: bool,
    pub list: bool,
    pub unset: bool,
    pub key: Option<String>,
    pub value: Option<String>,
}

pub async fn run<H: Host>(cx: &Cx<'_, H>, args: ConfigArgs) -> Out {
    let ConfigArgs {
        global,
        list,
        unset,
        key,
        value,
    } = args;
    let writes = unset || value.is_some();
    let mut db = match global {
        true => None,
        false => match Database::open(cx.host, Path::new("")).await {
            Ok(db) => Some(db),
            // Reading needs no database: the global file answers.
            Err(DatabaseError::NotADatabase(_)) if !writes => None,
            Err(e) => return Err(e.into()),
        },
    };
    let mut user = database::global_user(cx.host)?;
    // The global settings, then the database's, which win, as commits read them.
    let mut settings = user.list();
    if let Some(db) = &db {
        settings.extend(db.repo.config().list());
    }
    if list {
        return Ok(settings.iter().map(|(k, v)| format!("{k}={v}\n")).collect());
    }
    let key = key.unwrap_or_default();
    if !writes {
        let found = settings
            .into_iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key));
        return match found {
            Some((_, v)) => Ok(format!("{v}\n")),
            None => Err(not_set(&key)),
        };
    }
    let key = UserKey::parse(&key).ok_or_else(|| {
        CliError::Config(format!(
            "cannot set '{key}': cairn config sets user.name and user.email"
        ))
    })?;
    match &mut db {
        Some(db) => {
            let mut local = db.repo.config().user();
            change(&mut local, key, value.as_deref())?;
            db.repo.config_mut().set_user(local);
            db.save_config(cx.host)?;
        }
        None => {
            let path = database::global_config_path(cx.host).ok_or_else(|| {
                CliError::Config(
                    "no place for the global config: set HOME or XDG_CONFIG_HOME".into(),
                )
            })?;
            change(&mut user, key, value.as_deref())?;
            if let Some(dir) = path.parent() {
                cx.host
                    .create_dir_all(dir)
                    .map_err(|error| DatabaseError::Io {
                        path: dir.to_owned(),
                        error,
                    })?;
            }
            database::replace_file(cx.host, &path, &user.encode())?;
        }
    }
    Ok(String::new())
}

/// Sets a value, or with none unsets it (which must be set).
fn change(user: &mut User, key: UserKey, value: Option<&str>) -> Result<(), CliError> {
    user.change(key, value).map_err(CliError::Config)
}

fn not_set(key: &str) -> CliError {
    CliError::Config(format!("'{key}' is not set"))
}
