//! The HTTP transport under object_store: its reqwest client (tokio natively, the JS host's
//! `fetch` in wasm), wrapped in Cairn's retries. object_store retries by itself too, but it
//! sleeps with tokio's timer, which does not exist in wasm; so its retries are off and the
//! one policy here serves both builds.
//!
//! Retried: 5xx, 429 and 408 answers and requests that failed to connect, send, or finish in
//! time. Every request Cairn makes may be sent again: reads, listings and deletes are
//! idempotent, and objects are written create-only under names derived from their contents,
//! so a repeated write either lands the same bytes or is told they are there. The one
//! exception, the manifest swap, goes through a transport that does not retry (see
//! `ObjectStorage::swap_manifest`). `HttpStorage` sends its requests through the same policy.

use std::time::Duration;

use async_trait::async_trait;
use http::StatusCode;
use object_store::client::{
    ClientOptions, HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
    HttpService, ReqwestConnector,
};

/// Attempts per request: the first and 6 retries, spread over about 6 s with backoff, so a
/// dead server is reported in seconds rather than the minute object_store's defaults take.
pub const TRIES: u32 = 7;
const FIRST_DELAY: Duration = Duration::from_millis(50);
const LONGEST_DELAY: Duration = Duration::from_secs(2);

/// Makes object_store's clients retry `tries - 1` times.
#[derive(Debug)]
pub struct Retrying {
    pub tries: u32,
}

impl HttpConnector for Retrying {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let inner = ReqwestConnector::default().connect(options)?;
        Ok(HttpClient::new(RetryingService {
            inner,
            tries: self.tries.max(1),
        }))
    }
}

#[derive(Debug)]
struct RetryingService {
    inner: HttpClient,
    tries: u32,
}

pub fn transient_status(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

fn transient_failure(e: &HttpError) -> bool {
    matches!(
        e.kind(),
        HttpErrorKind::Connect
            | HttpErrorKind::Request
            | HttpErrorKind::Timeout
            | HttpErrorKind::Interrupted
    )
}

/// Exponential backoff with full jitter (the AWS architecture blog's recommendation): a
/// random delay up to 50 ms, 100 ms, ... 2 s, so that writers retrying together spread out.
fn delay(retry: u32) -> Duration {
    let ceiling = FIRST_DELAY
        .saturating_mul(1 << retry.min(16))
        .min(LONGEST_DELAY);
    let mut random = [0u8; 2];
    // Without randomness the delay is the ceiling: still bounded, only less spread.
    let fraction = match getrandom::fill(&mut random) {
        Ok(()) => f64::from(u16::from_le_bytes(random)) / f64::from(u16::MAX),
        Err(_) => 1.0,
    };
    ceiling.mul_f64(fraction)
}

#[async_trait]
impl HttpService for RetryingService {
    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        // A browser's HTTP cache would answer one ranged read with bytes cached from another
        // and turn it into a request of its own, unsigned (Chromium does, and S3 refuses it).
        // Objects are immutable, but the manifest is not and must never come from a cache.
        #[cfg(target_arch = "wasm32")]
        let request = {
            let mut request = request;
            let no_store = http::HeaderValue::from_static("no-store");
            request
                .headers_mut()
                .insert(http::header::CACHE_CONTROL, no_store);
            request
        };
        with_retries(
            self.tries,
            || self.inner.execute(request.clone()),
            |answer: &HttpResponse| transient_status(answer.status()),
            transient_failure,
        )
        .await
    }
}

/// Makes a request by `attempt` up to `tries` times: again, after a backoff, while the answer
/// or the failure is transient. The policy of every retried request Cairn sends over HTTP.
pub async fn with_retries<A, E, F: std::future::Future<Output = Result<A, E>>>(
    tries: u32,
    mut attempt: impl FnMut() -> F,
    transient_answer: impl Fn(&A) -> bool,
    transient_error: impl Fn(&E) -> bool,
) -> Result<A, E> {
    let mut retry = 0;
    loop {
        let last = retry + 1 >= tries;
        match attempt().await {
            Ok(answer) if last || !transient_answer(&answer) => return Ok(answer),
            Err(e) if last || !transient_error(&e) => return Err(e),
            _ => sleep(delay(retry)).await,
        }
        retry += 1;
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn sleep(duration: Duration) {
    // Every request runs on the storage's tokio runtime (see `Runner::run`).
    tokio::time::sleep(duration).await;
}

/// A timer of the JS host. `HttpService` futures must be `Send`, which a JS promise is not,
/// so the timer runs as a local task and wakes this future through a channel (as
/// object_store's own wasm transport does with `fetch`).
#[cfg(target_arch = "wasm32")]
async fn sleep(duration: Duration) {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = setTimeout)]
        fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;
    }

    let (done, woken) = futures_channel::oneshot::channel::<()>();
    let ms = duration.as_millis() as f64;
    wasm_bindgen_futures::spawn_local(async move {
        let timer = js_sys::Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
        let _ = done.send(());
    });
    let _ = woken.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_a_ceiling_and_stay_under_it() {
        for retry in 0..40 {
            let ceiling = FIRST_DELAY
                .saturating_mul(1 << retry.min(16))
                .min(LONGEST_DELAY);
            assert!(delay(retry) <= ceiling, "retry {retry}");
        }
        assert_eq!(
            FIRST_DELAY.saturating_mul(1 << 16).min(LONGEST_DELAY),
            LONGEST_DELAY
        );
    }
}
