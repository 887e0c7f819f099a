//! Byte arrays handed to JS, the small ones cut from shared buffers. V8 makes an ArrayBuffer
//! of its own for each `Uint8Array::from`: a tenth of a chunk read's time in Node's profile,
//! and a few times what a view of a shared buffer and a copy into it cost. As with Node's
//! pooled `Buffer`s, a view kept keeps its whole buffer alive, so only arrays of up to an
//! eighth of one are cut from it.

use std::cell::RefCell;

use js_sys::Uint8Array;

const BUFFER_LEN: u32 = 64 << 10;
const LARGEST_CUT: usize = BUFFER_LEN as usize / 8;

thread_local! {
    /// The buffer arrays are cut from, and how much of it they took.
    static BUFFER: RefCell<(Option<Uint8Array>, u32)> = const { RefCell::new((None, 0)) };
}

/// A JS copy of `bytes`; it may share its `ArrayBuffer` with other arrays this returned.
pub fn bytes(bytes: &[u8]) -> Uint8Array {
    if bytes.len() > LARGEST_CUT {
        return Uint8Array::from(bytes);
    }
    let len = bytes.len() as u32;
    BUFFER.with_borrow_mut(|(buffer, used)| {
        let buffer = match buffer {
            Some(b) if BUFFER_LEN - *used >= len => b,
            _ => {
                *used = 0;
                buffer.insert(Uint8Array::new_with_length(BUFFER_LEN))
            }
        };
        let cut = buffer.subarray(*used, *used + len);
        cut.copy_from(bytes);
        *used += len;
        cut
    })
}
