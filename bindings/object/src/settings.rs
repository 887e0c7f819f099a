//! Where a client's credentials and options come from: the provider's standard environment
//! variables (`AWS_*`, `AZURE_*`, the names object_store's `from_env` reads), and for S3 the
//! AWS CLI's shared files, `~/.aws/credentials` and `~/.aws/config`, chosen by `AWS_PROFILE`.
//! Never from a URL or Cairn's own config. The host hands over its environment and a way to
//! read a file: the process's natively, Node's through wasm, the app's in a browser.

/// Environment-style settings, `(NAME, value)`.
pub type Settings = Vec<(String, String)>;

/// `env` plus what the AWS shared files add for S3. Variables win over the files, as in the
/// AWS CLI. A profile named by `AWS_PROFILE` that neither file has is an error; the default
/// profile may be missing.
pub fn with_aws_profile(
    env: Settings,
    read_file: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, String> {
    let var = |name: &str| {
        env.iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let named = var("AWS_PROFILE");
    let profile = named.clone().unwrap_or_else(|| "default".into());
    let home = var("HOME").unwrap_or_default();
    let credentials_path =
        var("AWS_SHARED_CREDENTIALS_FILE").unwrap_or_else(|| format!("{home}/.aws/credentials"));
    let config_path = var("AWS_CONFIG_FILE").unwrap_or_else(|| format!("{home}/.aws/config"));
    let credentials = read_file(&credentials_path)
        .and_then(|text| section(&text, &profile))
        .unwrap_or_default();
    // In the config file, profiles other than the default are `[profile NAME]`.
    let config_header = match profile.as_str() {
        "default" => "default".to_owned(),
        name => format!("profile {name}"),
    };
    let config = read_file(&config_path)
        .and_then(|text| section(&text, &config_header).or_else(|| section(&text, &profile)))
        .unwrap_or_default();
    if named.is_some() && credentials.is_empty() && config.is_empty() {
        return Err(format!(
            "AWS_PROFILE is '{profile}', but neither {credentials_path} nor {config_path} has \
             that profile"
        ));
    }
    let mut out = env.clone();
    let key_in_env = var("AWS_ACCESS_KEY_ID").is_some();
    let mut add = |name: &str, value: Option<&String>| {
        if let Some(value) = value {
            out.push((name.to_owned(), value.clone()));
        }
    };
    // Keys come as a set: a key from the environment is never paired with a file's secret.
    if !key_in_env {
        for (file_key, name) in [
            ("aws_access_key_id", "AWS_ACCESS_KEY_ID"),
            ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
            ("aws_session_token", "AWS_SESSION_TOKEN"),
        ] {
            add(
                name,
                from(&credentials, file_key).or(from(&config, file_key)),
            );
        }
    }
    if var("AWS_REGION").is_none() && var("AWS_DEFAULT_REGION").is_none() {
        add("AWS_REGION", from(&config, "region"));
    }
    if var("AWS_ENDPOINT_URL").is_none() {
        add("AWS_ENDPOINT_URL", from(&config, "endpoint_url"));
    }
    Ok(out)
}

fn from<'a>(entries: &'a [(String, String)], key: &str) -> Option<&'a String> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The `key = value` lines of `[name]` in an INI file, keys lower-cased; `None` without it.
fn section(text: &str, name: &str) -> Option<Vec<(String, String)>> {
    let mut found = None::<Vec<(String, String)>>;
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = header.split_whitespace().collect::<Vec<_>>().join(" ") == name;
            if inside {
                found.get_or_insert_with(Vec::new);
            }
            continue;
        }
        if let (true, Some((key, value))) = (inside, line.split_once('=')) {
            if let Some(entries) = &mut found {
                entries.push((key.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Settings {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn value(settings: &Settings, name: &str) -> Option<String> {
        settings
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    const CREDENTIALS: &str = "[default]\naws_access_key_id = DEFAULTKEY\n\
        aws_secret_access_key = defaultsecret\n\n# a comment\n[backup]\n\
        aws_access_key_id=BACKUPKEY\naws_secret_access_key=backupsecret\n\
        aws_session_token = token\n";
    const CONFIG: &str =
        "[default]\nregion = eu-west-1\n[profile backup]\nregion = us-east-2\nendpoint_url = http://127.0.0.1:9000\n";

    fn files(path: &str) -> Option<String> {
        match path {
            "/home/u/.aws/credentials" => Some(CREDENTIALS.into()),
            "/home/u/.aws/config" => Some(CONFIG.into()),
            _ => None,
        }
    }

    #[test]
    fn a_named_profile_supplies_keys_region_and_endpoint() {
        let env = vars(&[("HOME", "/home/u"), ("AWS_PROFILE", "backup")]);
        let out = with_aws_profile(env, &files).unwrap();
        assert_eq!(value(&out, "AWS_ACCESS_KEY_ID").unwrap(), "BACKUPKEY");
        assert_eq!(
            value(&out, "AWS_SECRET_ACCESS_KEY").unwrap(),
            "backupsecret"
        );
        assert_eq!(value(&out, "AWS_SESSION_TOKEN").unwrap(), "token");
        assert_eq!(value(&out, "AWS_REGION").unwrap(), "us-east-2");
        assert_eq!(
            value(&out, "AWS_ENDPOINT_URL").unwrap(),
            "http://127.0.0.1:9000"
        );
    }

    #[test]
    fn the_environment_wins_over_the_files() {
        let env = vars(&[
            ("HOME", "/home/u"),
            ("AWS_ACCESS_KEY_ID", "ENVKEY"),
            ("AWS_SECRET_ACCESS_KEY", "envsecret"),
            ("AWS_REGION", "ap-south-1"),
        ]);
        let out = with_aws_profile(env, &files).unwrap();
        assert_eq!(value(&out, "AWS_ACCESS_KEY_ID").unwrap(), "ENVKEY");
        assert_eq!(value(&out, "AWS_SECRET_ACCESS_KEY").unwrap(), "envsecret");
        assert_eq!(value(&out, "AWS_REGION").unwrap(), "ap-south-1");
    }

    #[test]
    fn the_default_profile_is_used_without_aws_profile() {
        let out = with_aws_profile(vars(&[("HOME", "/home/u")]), &files).unwrap();
        assert_eq!(value(&out, "AWS_ACCESS_KEY_ID").unwrap(), "DEFAULTKEY");
        assert_eq!(value(&out, "AWS_REGION").unwrap(), "eu-west-1");
        assert_eq!(value(&out, "AWS_SESSION_TOKEN"), None);
    }

    #[test]
    fn a_missing_named_profile_is_an_error_and_no_files_is_not() {
        let env = vars(&[("HOME", "/home/u"), ("AWS_PROFILE", "nosuch")]);
        let err = with_aws_profile(env, &files).unwrap_err();
        assert!(err.contains("'nosuch'"), "{err}");
        let out = with_aws_profile(vars(&[("HOME", "/nowhere")]), &files).unwrap();
        assert_eq!(value(&out, "AWS_ACCESS_KEY_ID"), None);
    }
}
