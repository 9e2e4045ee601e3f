//! Independent pieces of work spread over the machine's cores.
//!
//! Evaluating rules is most of a scan's time on a large account, and each (rule, resource) pair
//! is independent of the others. The CLI runs on pipelines' build machines and auditors'
//! laptops, which have two or more cores; using one of them left half the machine idle. In the
//! browser the engine runs in one web worker, which has a single thread, so there the work runs
//! in order on it.
//!
//! Results always come back in the items' order, whatever the order threads finished in, so a
//! report does not depend on scheduling.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The most threads the caller allows (0: no limit but the machine's).
static LIMIT: AtomicUsize = AtomicUsize::new(0);

/// Lets a pipeline that shares its runner keep the engine to `threads` threads (the CLI's
/// `--jobs`); 0 lifts the limit.
pub fn set_limit(threads: usize) {
    LIMIT.store(threads, Ordering::Relaxed);
}

/// Threads to use: the machine's cores (as the process may use them: cgroup quotas count), at
/// most eight, and at most the limit set. The cap of eight is a guess, not a measurement (this
/// project's machines have two cores): the parts that stay on one thread (the checking split,
/// quoting evidence, putting findings together) are about a fifth of a scan, so more threads
/// gain little. Files read in parallel each read their entries in parallel too, so a scan of
/// several large exports can run more threads than this at once.
pub fn threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        return 1;
    }
    let cores = std::thread::available_parallelism()
        .map(NonZeroUsize::get)
        .unwrap_or(1)
        .min(8);
    match LIMIT.load(Ordering::Relaxed) {
        0 => cores,
        limit => cores.min(limit),
    }
}

/// `items.into_iter().map(f).collect()`, run on up to `threads` threads (this one included).
/// Each thread takes the next item when it is free, so a few slow items do not leave the other
/// threads waiting. Items are moved into `f`, so a file's buffer can become its text without a
/// copy. A panic in `f` reaches the caller, as it would without threads.
pub fn map_ordered<T, R, F>(items: Vec<T>, threads: usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = threads.min(items.len());
    if threads <= 1 || cfg!(target_arch = "wasm32") {
        return items.into_iter().map(f).collect();
    }
    spread(items, threads, &f)
}

#[cfg(not(target_arch = "wasm32"))]
fn spread<T, R, F>(items: Vec<T>, threads: usize, f: &F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    use std::sync::Mutex;
    let count = items.len();
    // Each item is taken exactly once, by the thread that drew its index.
    let items: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = items.get(i) else {
                return done;
            };
            // A poisoned slot means another thread panicked: its panic reaches the caller.
            let item = slot.lock().ok().and_then(|mut s| s.take());
            if let Some(item) = item {
                done.push((i, f(item)));
            }
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(count).collect();
    std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut done = work();
        for other in others {
            match other.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        for (i, r) in done {
            slots[i] = Some(r);
        }
    });
    // Every index below `items.len()` was taken by exactly one thread, and every thread
    // finished (or its panic was passed on above).
    slots.into_iter().flatten().collect()
}

#[cfg(target_arch = "wasm32")]
fn spread<T, R, F>(items: Vec<T>, _threads: usize, f: &F) -> Vec<R>
where
    F: Fn(T) -> R,
{
    items.into_iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_whatever_the_threads() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so threads finish out of order.
        let slow = |n: u64| (0..(n % 7) * 500).fold(n, |a, b| a.wrapping_mul(31) ^ b);
        let expected: Vec<u64> = items.iter().copied().map(slow).collect();
        for threads in [0, 1, 2, 3, 8, 2000] {
            assert_eq!(
                map_ordered(items.clone(), threads, slow),
                expected,
                "{threads}"
            );
        }
        assert!(map_ordered(Vec::new(), 4, slow).is_empty());
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_panic_in_a_thread_reaches_the_caller() {
        let items: Vec<u32> = (0..64).collect();
        let caught = std::panic::catch_unwind(|| {
            map_ordered(items, 4, |n| {
                assert!(n != 40, "item forty");
                n
            })
        });
        assert!(caught.is_err());
    }

    #[test]
    fn at_least_one_thread() {
        assert!(threads() >= 1);
    }
}
