//! The page's memory allocator. Rust's default wasm allocator grows linear memory a few pages at
//! a time, and V8 charges about 0.4 ms per `memory.grow`: parsing a 50 MB export spent seconds
//! growing memory (TOOLCHAIN.md measured 5 s against 0.68 s). Talc with a source that grows by at
//! least 16 MiB at a time removes that cost. Native builds keep the system allocator.

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
    /// 16 MiB: large enough that a 100 MB export needs tens of grows, not thousands.
    const MIN_GROW_PAGES: usize = 256;

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

    #[global_allocator]
    static ALLOCATOR: TalcSyncCell<LargeSteps, WasmBinning> =
        TalcSyncCell::new_wasm(LargeSteps { end: None });
}
