//! Where the clients' requests run. Natively, reqwest runs on tokio while the core's futures
//! are polled by whatever executor the host uses (the CLI blocks on them with pollster), so
//! each call runs as a task on a small runtime the storage owns. In wasm the calls are awaited
//! where they are made, and the host's event loop drives them.

use cairn_core::io::{BoxFuture, IoResult};

#[derive(Clone)]
pub struct Runner {
    #[cfg(not(target_arch = "wasm32"))]
    runtime: std::sync::Arc<tokio::runtime::Runtime>,
}

impl Runner {
    pub fn new() -> Result<Runner, String> {
        // reqwest is built without a default TLS provider (see Cargo.toml): ring is ours. A
        // second call finds one installed, which is fine.
        #[cfg(not(target_arch = "wasm32"))]
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Runner {
            #[cfg(not(target_arch = "wasm32"))]
            runtime: std::sync::Arc::new(
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the storage client's runtime: {e}"))?,
            ),
        })
    }

    /// Runs `task` on the storage's runtime; the returned future may be polled anywhere.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run<T, F>(&self, task: F) -> BoxFuture<'static, IoResult<T>>
    where
        T: Send + 'static,
        F: std::future::Future<Output = IoResult<T>> + Send + 'static,
    {
        let handle = self.runtime.spawn(task);
        Box::pin(async move {
            handle
                .await
                .map_err(|e| cairn_core::io::IoError::backend("storage request", "", e))?
        })
    }

    #[cfg(target_arch = "wasm32")]
    pub fn run<T, F>(&self, task: F) -> BoxFuture<'static, IoResult<T>>
    where
        T: 'static,
        F: std::future::Future<Output = IoResult<T>> + 'static,
    {
        Box::pin(task)
    }
}
