//! The page's memory allocator. Rust's default wasm allocator grows linear memory a few pages at
//! a time, and V8 charges about 0.4 ms per `memory.grow`: parsing a 50 MB export spent seconds
//! growing memory (TOOLCHAIN.md measured 5 s against 0.68 s). Talc with a source that grows by at
//! least 4 MiB at a time removes that cost. Native builds keep the system allocator.
//!
//! Small blocks come from [`Slabs`] instead. Talc rounds every block up to 16 bytes and adds a
//! 4-byte tag, and an analysis is mostly small blocks (the 100 MB bundle holds 13 million at its
//! peak, most of them short strings): that overhead was 154 MiB of the worker's 1,064 MiB.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// Sizes up to this many bytes are served from [`Slabs`].
const SMALL: usize = 64;
/// Slot sizes step by this much, which is also the least alignment a slot has: a pointer's size
/// (4 bytes in wasm32), as a free slot holds the address of the next.
const STEP: usize = core::mem::size_of::<*mut u8>();
const CLASSES: usize = SMALL / STEP;
/// Each class takes memory from the backing allocator this much at a time.
const BLOCK: usize = 64 * 1024;

/// Small blocks packed in slots of their own size (rounded up to [`STEP`], or to 8 for 8-aligned
/// types), carved from 64 KiB blocks of the backing allocator, one free list per size. A slot
/// needs no header: `dealloc` and `realloc` are given the layout, which names the class. A
/// freed slot is reused only by its own class and never goes back to the backing allocator; an
/// analysis keeps making blocks of the sizes it freed, so that costs little, and linear memory
/// never shrinks anyway.
pub struct Slabs<A> {
    backing: A,
    state: UnsafeCell<State>,
}

struct State {
    /// The first free slot of each class; a free slot holds the address of the next.
    free: [*mut u8; CLASSES],
    /// Where each class's current block has room: its next slot, and the block's end.
    next: [*mut u8; CLASSES],
    end: [*mut u8; CLASSES],
}

/// Which class serves `layout`, if a slab does: 8-aligned types only in classes whose slots
/// are multiples of 8 (blocks are 8-aligned, so those slots are too).
fn class(layout: Layout) -> Option<usize> {
    let align = layout.align();
    if layout.size() > SMALL || align > 8 {
        return None;
    }
    let size = layout.size().max(1).next_multiple_of(align.max(STEP));
    Some(size / STEP - 1)
}

fn slot_size(class: usize) -> usize {
    (class + 1) * STEP
}

impl<A: GlobalAlloc> Slabs<A> {
    pub const fn new(backing: A) -> Self {
        Slabs {
            backing,
            state: UnsafeCell::new(State {
                free: [null_mut(); CLASSES],
                next: [null_mut(); CLASSES],
                end: [null_mut(); CLASSES],
            }),
        }
    }

    /// # Safety
    /// As [`GlobalAlloc::alloc`], and no other call into `self` may be running.
    unsafe fn take(&self, class: usize) -> *mut u8 {
        // SAFETY: calls are never concurrent (the caller's contract).
        let s = unsafe { &mut *self.state.get() };
        let head = s.free[class];
        if !head.is_null() {
            // SAFETY: a free slot holds the next free slot's address, written by `give`.
            s.free[class] = unsafe { head.cast::<*mut u8>().read_unaligned() };
            return head;
        }
        let size = slot_size(class);
        if (s.end[class] as usize) - (s.next[class] as usize) < size {
            // SAFETY: BLOCK is non-zero and 8 is a power of two.
            let block = unsafe {
                self.backing
                    .alloc(Layout::from_size_align_unchecked(BLOCK, 8))
            };
            if block.is_null() {
                return null_mut();
            }
            s.next[class] = block;
            s.end[class] = block.wrapping_add(BLOCK);
        }
        let slot = s.next[class];
        s.next[class] = slot.wrapping_add(size);
        slot
    }

    /// # Safety
    /// `slot` came from [`Slabs::take`] of the same class, and is no longer used.
    unsafe fn give(&self, slot: *mut u8, class: usize) {
        // SAFETY: calls are never concurrent; a slot is at least STEP bytes, room for the address.
        let s = unsafe { &mut *self.state.get() };
        unsafe { slot.cast::<*mut u8>().write_unaligned(s.free[class]) };
        s.free[class] = slot;
    }
}

// SAFETY: small layouts get a slot of at least their size at their alignment, which stays theirs
// until it is given back; every other layout goes to the backing allocator unchanged. Callers
// must not call in concurrently (see the `Sync` impl below and the tests' use).
unsafe impl<A: GlobalAlloc> GlobalAlloc for Slabs<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            // SAFETY: forwarded contract.
            Some(c) => unsafe { self.take(c) },
            None => unsafe { self.backing.alloc(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match class(layout) {
            // SAFETY: the same layout chose the same class when `ptr` was allocated.
            Some(c) => unsafe { self.give(ptr, c) },
            None => unsafe { self.backing.dealloc(ptr, layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with `layout`'s alignment is a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class(layout), class(new_layout)) {
            (None, None) => unsafe { self.backing.realloc(ptr, layout, new_size) },
            (Some(old), Some(new)) if old == new => ptr,
            _ => {
                // SAFETY: forwarded contract; the two blocks are distinct.
                let moved = unsafe { self.alloc(new_layout) };
                if !moved.is_null() {
                    unsafe {
                        moved.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                moved
            }
        }
    }
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod imp {
    use core::alloc::Layout;
    use core::ptr::NonNull;
    use talc::base::binning::Binning;
    use talc::base::Talc;
    use talc::cell::TalcSyncCell;
    use talc::source::Source;
    use talc::wasm::WasmBinning;

    const PAGE: usize = 64 * 1024;
    /// 4 MiB: a 100 MB export needs about a hundred grows (some 40 ms), not thousands; and
    /// since memory never shrinks, a step is also how far the worker's memory can overshoot
    /// what it needed. 16 MiB steps made a warm-up's few megabytes of leftovers cost a whole
    /// step on the 5,000-role export (51 -> 67 MiB).
    const MIN_GROW_PAGES: usize = 64;

    /// Grows wasm memory in large steps and extends the existing heap when the new pages are
    /// contiguous with it (they always are, as nothing else grows this memory).
    #[derive(Debug)]
    pub struct LargeSteps {
        end: Option<NonNull<u8>>,
    }

    // SAFETY: `acquire` allocates nothing itself; it only grows memory and hands the new pages
    // to Talc, which owns them from then on.
    unsafe impl Source for LargeSteps {
        fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
            // Room for the allocation, its alignment and Talc's chunk bookkeeping.
            let needed = layout.size() + layout.align() + 4 * talc::base::CHUNK_UNIT + PAGE;
            let pages = needed.div_ceil(PAGE).max(MIN_GROW_PAGES);
            let previous = core::arch::wasm32::memory_grow(0, pages);
            if previous == usize::MAX {
                return Err(());
            }
            let base = (previous * PAGE) as *mut u8;
            let bytes = pages * PAGE;
            let new_end = base.wrapping_add(bytes);
            if let Some(old_end) = talc.source.end.take() {
                if old_end.as_ptr() == base {
                    // SAFETY: the new pages start exactly at the old heap's end and belong to
                    // no one else.
                    talc.source.end = Some(unsafe { talc.extend(old_end, new_end) });
                    return Ok(());
                }
            }
            // SAFETY: freshly grown memory, unused by anything else.
            talc.source.end = unsafe { talc.claim(base, bytes) };
            if talc.source.end.is_some() {
                Ok(())
            } else {
                Err(())
            }
        }
    }

    /// The slabs' state is a plain cell, like Talc's own.
    struct Global(super::Slabs<TalcSyncCell<LargeSteps, WasmBinning>>);

    // SAFETY: wasm32 without the atomics feature has one thread and no interrupts, so the
    // allocator is never entered twice at once (the premise of `TalcSyncCell::new_wasm` too).
    unsafe impl Sync for Global {}

    // SAFETY: forwards to the slabs, whose contract it keeps.
    unsafe impl core::alloc::GlobalAlloc for Global {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { self.0.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { self.0.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe { self.0.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Global = Global(super::Slabs::new(TalcSyncCell::new_wasm(LargeSteps {
        end: None,
    })));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("valid layout")
    }

    #[test]
    fn classes_fit_the_size_and_alignment() {
        for align in [1, 2, 4, 8] {
            for size in 1..=SMALL {
                let c = class(layout(size, align)).expect("small");
                let slot = slot_size(c);
                assert!(slot >= size, "{size}/{align} in {slot}");
                assert!(slot < size + align.max(STEP), "{size}/{align} in {slot}");
                assert_eq!(slot % align, 0, "{size}/{align} in {slot}");
            }
        }
        assert_eq!(class(layout(SMALL + 1, 1)), None);
        assert_eq!(class(layout(8, 16)), None);
    }

    /// Blocks of every small class and some large ones, written, moved between classes and to
    /// the backing allocator by `realloc`, and freed in another order: each keeps its bytes and
    /// its alignment, and no two overlap.
    #[test]
    fn blocks_keep_their_bytes_across_classes_and_reuse() {
        let slabs = Slabs::new(System);
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        let check = |p: *mut u8, l: Layout, fill: u8| {
            assert_eq!(p as usize % l.align(), 0);
            for i in 0..l.size() {
                // SAFETY: `p` holds `l.size()` bytes written with `fill`.
                assert_eq!(unsafe { p.add(i).read() }, fill, "{l:?}");
            }
        };
        for round in 0..3u8 {
            for size in (1..=SMALL + 40).step_by(3) {
                for align in [1, 4, 8] {
                    let l = layout(size, align);
                    // SAFETY: a non-zero layout.
                    let p = unsafe { slabs.alloc(l) };
                    assert!(!p.is_null());
                    let fill = (size as u8).wrapping_add(round);
                    // SAFETY: `p` holds `size` bytes.
                    unsafe { p.write_bytes(fill, size) };
                    live.push((p, l, fill));
                }
            }
            for (p, l, fill) in live.iter_mut() {
                check(*p, *l, *fill);
                let new_size = if l.size() % 2 == 0 {
                    l.size() * 3
                } else {
                    l.size().div_ceil(2)
                };
                // SAFETY: `p` was allocated with `l`; `new_size` is non-zero.
                let q = unsafe { slabs.realloc(*p, *l, new_size) };
                assert!(!q.is_null());
                let kept = l.size().min(new_size);
                let moved = layout(new_size, l.align());
                // SAFETY: `q` holds `new_size` bytes, the first `kept` of them carried over.
                unsafe {
                    for i in 0..kept {
                        assert_eq!(q.add(i).read(), *fill);
                    }
                    q.write_bytes(*fill, new_size);
                }
                (*p, *l) = (q, moved);
            }
            let mut spans: Vec<(usize, usize)> = live
                .iter()
                .map(|(p, l, _)| (*p as usize, l.size()))
                .collect();
            spans.sort();
            assert!(
                spans.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0),
                "overlap"
            );
            // Free every other block, so the next round reuses slots among live ones.
            let mut i = 0;
            live.retain(|(p, l, fill)| {
                i += 1;
                check(*p, *l, *fill);
                if i % 2 == 0 {
                    // SAFETY: allocated with `l`, not used again.
                    unsafe { slabs.dealloc(*p, *l) };
                    false
                } else {
                    true
                }
            });
        }
        for (p, l, fill) in live {
            check(p, l, fill);
            // SAFETY: allocated with `l`, not used again.
            unsafe { slabs.dealloc(p, l) };
        }
    }
}
