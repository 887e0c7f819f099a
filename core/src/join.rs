//! Several storage requests in flight at once, without a runtime: the core only polls.
//!
//! An adapter whose requests run elsewhere (the S3 client's tokio runtime, Node's thread
//! pool, the browser) then serves them in parallel, hiding an object store's round trips; one
//! that does its work when polled runs them one after another, as before.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::io::BoxFuture;

/// How many requests a reader keeps in flight: enough to hide an object store's latency, few
/// enough to bound the memory of large ranged reads and the load on a server.
pub(crate) const IN_FLIGHT: usize = 8;

/// Runs `futures`, at most `limit` at a time, and answers their outputs in order.
pub fn bounded<T>(futures: Vec<BoxFuture<'_, T>>, limit: usize) -> Bounded<'_, T> {
    let count = futures.len();
    Bounded {
        waiting: futures.into_iter().enumerate(),
        running: Vec::with_capacity(limit.min(count)),
        out: core::iter::repeat_with(|| None).take(count).collect(),
        limit: limit.max(1),
    }
}

pub struct Bounded<'a, T> {
    waiting: core::iter::Enumerate<alloc::vec::IntoIter<BoxFuture<'a, T>>>,
    running: Vec<(usize, BoxFuture<'a, T>)>,
    out: Vec<Option<T>>,
    limit: usize,
}

// Outputs are only ever moved, never pinned, so pinning the whole need not pin them.
impl<T> Unpin for Bounded<'_, T> {}

impl<T> Future for Bounded<'_, T> {
    type Output = Vec<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<T>> {
        let this = self.get_mut();
        loop {
            while this.running.len() < this.limit {
                match this.waiting.next() {
                    Some(next) => this.running.push(next),
                    None => break,
                }
            }
            // Every running future is polled with this task's waker, so any of them
            // finishing wakes the task to poll again.
            let mut finished = false;
            let mut i = 0;
            while i < this.running.len() {
                match this.running[i].1.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        let (at, _) = this.running.swap_remove(i);
                        this.out[at] = Some(value);
                        finished = true;
                    }
                    Poll::Pending => i += 1,
                }
            }
            if this.running.is_empty() && this.waiting.len() == 0 {
                let out = core::mem::take(&mut this.out);
                return Poll::Ready(out.into_iter().map(|v| v.expect("finished")).collect());
            }
            // Start the next ones in the places that came free; else wait for a wake.
            if !finished || this.waiting.len() == 0 {
                return Poll::Pending;
            }
        }
    }
}

/// Runs `first` and `then` together; `first` is polled first each time, so that the requests
/// it issues are on their way before `then` does work that may block (a filesystem write).
pub(crate) async fn both<A: Future, B: Future>(first: A, then: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (Box::pin(first), Box::pin(then));
    let (mut out_a, mut out_b) = (None, None);
    core::future::poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::sync::Arc;
    use core::sync::atomic::{AtomicUsize, Ordering};

    /// Pending `polls` times, then ready with `value`; counts itself in flight meanwhile.
    struct Slow {
        polls: usize,
        value: usize,
        started: bool,
        in_flight: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }

    impl Future for Slow {
        type Output = usize;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            if !self.started {
                self.started = true;
                let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                self.most.fetch_max(now, Ordering::SeqCst);
            }
            if self.polls == 0 {
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                return Poll::Ready(self.value);
            }
            self.polls -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[test]
    fn runs_up_to_the_limit_at_once_and_answers_in_order() {
        let (in_flight, most) = (Arc::default(), Arc::new(AtomicUsize::new(0)));
        let futures: Vec<BoxFuture<'_, usize>> = (0..20)
            .map(|value| {
                Box::pin(Slow {
                    polls: (value * 7) % 5,
                    value,
                    started: false,
                    in_flight: Arc::clone(&in_flight),
                    most: Arc::clone(&most),
                }) as BoxFuture<'_, usize>
            })
            .collect();
        let out = pollster::block_on(bounded(futures, 4));
        assert_eq!(out, (0..20).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 4);
        assert!(pollster::block_on(bounded::<usize>(Vec::new(), 4)).is_empty());
    }
}
