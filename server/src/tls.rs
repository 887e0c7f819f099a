//! `--tls-cert` and `--tls-key`: https:// served by rustls with the ring provider (pure Rust
//! and assembly; aws-lc, rustls' default, needs cmake to build, as bindings/object notes).
//!
//! axum's own `serve` speaks plain TCP only; axum-server is the maintained crate from axum's
//! ecosystem that puts tokio-rustls under the same hyper and Router, with a TLS handshake
//! timeout (so a client that opens a connection and says nothing holds no task for long) and
//! a graceful shutdown. It is built here without a provider, and given ring's.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// The server's TLS configuration from PEM files, or one line saying what is wrong with them.
pub fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let unreadable = |flag: &str, path: &Path, e: rustls::pki_types::pem::Error| {
        format!("--{flag} '{}': {e}", path.display())
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| unreadable("tls-cert", cert, e))?;
    if chain.is_empty() {
        return Err(format!(
            "--tls-cert '{}' holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)",
            cert.display()
        ));
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| unreadable("tls-key", key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|c| c.with_no_client_auth().with_single_cert(chain, private))
        .map_err(|e| format!("--tls-cert and --tls-key cannot serve TLS: {e}"))?;
    // The Router speaks HTTP/1.1 only (axum's `http1` feature).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `app` over TLS on `listener` until `stopped` resolves; then requests under way
/// finish, as with axum's own `serve`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Arc<ServerConfig>,
    app: Router,
    stopped: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        stopped.await;
        stopper.graceful_shutdown(None);
    });
    axum_server::from_tcp_rustls(listener.into_std()?, RustlsConfig::from_config(config))?
        .http1_only()
        .handle(handle)
        .serve(app.into_make_service())
        .await
}
