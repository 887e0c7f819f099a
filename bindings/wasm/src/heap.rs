//! The module's heap: Rust's own allocator on wasm32 (dlmalloc, as std uses), taking linear
//! memory from the engine in steps of at least an eighth of what it has, not 64 KiB at a
//! time. V8 counts each growth of a module's memory as external memory and may start a full
//! garbage collection of the JS heap for it: a first insert of a million rows in Node grew
//! the memory thousands of times and ran 894 collections (10.8 s, against 2.7 s for the same
//! insert in a process whose memory had already grown). Pages taken ahead and not yet used
//! cost address space, not resident memory.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::ptr;

use dlmalloc::{Allocator, Dlmalloc};

const PAGE: usize = 64 * 1024;
/// The smallest step, in pages: 1 MiB.
const MIN_STEP: usize = 16;

/// Linear memory, grown in steps.
struct Steps;

// SAFETY: memory handed out is fresh pages from `memory.grow`, never used elsewhere; nothing
// is ever given back, as std's wasm32 allocator does.
unsafe impl Allocator for Steps {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let need = size.div_ceil(PAGE);
        let step = need.max(wasm32::memory_size(0) / 8).max(MIN_STEP);
        // Near the 4 GiB limit a whole step may not fit where the pages needed still do.
        for pages in [step, need] {
            let before = wasm32::memory_grow(0, pages);
            if before != usize::MAX {
                return ((before * PAGE) as *mut u8, pages * PAGE, 0);
            }
        }
        (ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

struct Heap(spin::Mutex<Dlmalloc<Steps>>);

// SAFETY: each call passes dlmalloc the layout the caller allocated with, as it requires.
// Never inlined: every allocation in the module calls these, and the lock inlined at each
// call made the module 0.64 MB larger.
unsafe impl GlobalAlloc for Heap {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.lock().malloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.lock().calloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.0.lock().free(ptr, layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            self.0
                .lock()
                .realloc(ptr, layout.size(), layout.align(), new_size)
        }
    }
}

#[global_allocator]
static HEAP: Heap = Heap(spin::Mutex::new(Dlmalloc::new_with_allocator(Steps)));
