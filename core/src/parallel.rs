//! Pure work spread over threads where the build has them (the `parallel` feature, natively),
//! and done in turn where it has not (wasm). Callers keep every effect in their own thread:
//! what runs here only computes, so the order of results is the order of the items.

use alloc::vec::Vec;

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
