//! `cairn serve`'s command line. It is defined here, in every build (wasm too), so that
//! `cairn --help` lists it everywhere; the host runs it (natively cairn-server, docs/PROTOCOL.md).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `cairn serve [OPTIONS] DIR`, or `cairn serve token ...`.
#[derive(Args, Clone, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub action: Option<ServeAction>,
    /// Address and port to listen on (port 0: any free port; the first line printed says which)
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
    pub listen: String,
    /// Refuse every write
    #[arg(long, conflicts_with = "append_only")]
    pub read_only: bool,
    /// Refuse deletes, overwrites and manifest swaps that drop a table file (a backup target a
    /// stolen write token cannot destroy)
    #[arg(long)]
    pub append_only: bool,
    /// Serve reads without a token
    #[arg(long)]
    pub public_read: bool,
    /// Listen on an address other machines reach, without TLS (tokens then cross the network
    /// in clear text)
    #[arg(long, conflicts_with = "tls_cert")]
    pub insecure: bool,
    /// Let web pages from ORIGIN (`https://app.example.com`, `http://127.0.0.1:8080`) use the
    /// stores from a browser (CORS); repeatable. Pages still need a token
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Serve https:// with this certificate chain (PEM, the server's certificate first)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Refuse request bodies larger than this many bytes
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    pub max_body_size: u64,
    /// The folder whose stores are served: DIR/PATH at http://ADDR/PATH
    #[arg(required = true)]
    pub dir: Option<PathBuf>,
}

#[derive(Subcommand, Clone, Debug)]
pub enum ServeAction {
    /// Add, list or remove the tokens that give access to a served folder
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Subcommand, Clone, Debug)]
pub enum TokenAction {
    /// Make a new token and print it (once: only its hash is kept)
    Add {
        /// What it may do: read; write (push, sync) too; admin (delete: prune, gc) too
        #[arg(long, value_enum, default_value = "read")]
        scope: Scope,
        /// Which stores: `*` (all), a store's path (`team/db1`), or `team/*` (every store under team)
        #[arg(long, default_value = "*", value_name = "PATTERN")]
        path: String,
        /// The served folder
        dir: PathBuf,
    },
    /// List the tokens' ids, scopes and paths
    List {
        /// The served folder
        dir: PathBuf,
    },
    /// Remove a token; requests with it are refused from then on
    Remove {
        /// The id `token list` shows
        id: String,
        /// The served folder
        dir: PathBuf,
    },
}

/// What a token may do; each scope includes those before it.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        [Scope::Read, Scope::Write, Scope::Admin]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl ServeArgs {
    /// The same arguments with every folder made absolute against `cwd`.
    pub fn resolved(mut self, cwd: &std::path::Path) -> ServeArgs {
        let absolute = |dir: &mut PathBuf| *dir = cwd.join(&*dir);
        for path in [&mut self.dir, &mut self.tls_cert, &mut self.tls_key]
            .into_iter()
            .flatten()
        {
            absolute(path);
        }
        match &mut self.action {
            Some(ServeAction::Token {
                action:
                    TokenAction::Add { dir, .. }
                    | TokenAction::List { dir }
                    | TokenAction::Remove { dir, .. },
            }) => absolute(dir),
            None => {}
        }
        self
    }
}
