//! Pure work spread over threads where the build has them (the `parallel` feature, natively),
//! and done in turn where it has not (wasm). Callers keep every effect in their own thread:
//! what runs here only computes, so the order of results is the order of the items.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::poll_fn;
use core::task::{Poll, Waker};

use spin::Mutex;

/// Whether work handed to `spawn` runs beside the caller. Where it does not, it runs in the
/// caller's place, so work done ahead of need (a scan's next leaves) only costs.
pub(crate) const BESIDE: bool = cfg!(feature = "parallel");

/// `f` of each item, in the items' order.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::iter::{IntoParallelIterator, ParallelIterator};
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().map(f).collect()
    }
}

/// Starts `f` on another thread (natively; in wasm it runs now); its result is taken with
/// `Spawned::take`, which waits without blocking the caller's executor. `f` must not panic:
/// rayon aborts the process then, as a release build (`panic = "abort"`) would anyway.
pub(crate) fn spawn<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Spawned<R> {
    #[cfg(feature = "parallel")]
    {
        let slot = Arc::new(Mutex::new(Slot::Running(Vec::new())));
        let done = slot.clone();
        rayon::spawn(move || {
            let result = f();
            let waiting = match core::mem::replace(&mut *done.lock(), Slot::Done(result)) {
                Slot::Running(wakers) => wakers,
                _ => Vec::new(),
            };
            waiting.into_iter().for_each(Waker::wake);
        });
        Spawned(slot)
    }
    #[cfg(not(feature = "parallel"))]
    {
        Spawned(Arc::new(Mutex::new(Slot::Done(f()))))
    }
}

/// Drops `value` on another thread (natively; in wasm now). What the pool's threads
/// allocated (a scan's next leaves, decoded there) is then freed off the caller's thread,
/// where freeing it made glibc's malloc wait on the locks of the threads' arenas.
pub(crate) fn drop_beside<T: Send + 'static>(value: T) {
    #[cfg(feature = "parallel")]
    rayon::spawn(move || drop(value));
    #[cfg(not(feature = "parallel"))]
    drop(value);
}

/// Work `spawn` started.
pub(crate) struct Spawned<R>(Arc<Mutex<Slot<R>>>);

enum Slot<R> {
    /// With the wakers of those waiting for it. (Without threads, work is done when handed.)
    #[cfg_attr(not(feature = "parallel"), allow(dead_code))]
    Running(Vec<Waker>),
    Done(R),
    Taken,
}

impl<R> Spawned<R> {
    /// The result, once the work is done; `None` if another caller took it first.
    pub async fn take(&self) -> Option<R> {
        poll_fn(|cx| {
            let mut slot = self.0.lock();
            match core::mem::replace(&mut *slot, Slot::Taken) {
                Slot::Running(mut wakers) => {
                    if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                        wakers.push(cx.waker().clone());
                    }
                    *slot = Slot::Running(wakers);
                    Poll::Pending
                }
                Slot::Done(result) => Poll::Ready(Some(result)),
                Slot::Taken => Poll::Ready(None),
            }
        })
        .await
    }
}
