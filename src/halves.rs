//! Work over a large list split in two halves, one per core: the per-object passes of a large
//! configuration wait on memory, and a second core waits in parallel.

use std::ops::Range;

/// Below this many items a second thread costs more than it saves.
const MIN_ITEMS: usize = 4096;

/// `work` over `0..len`: the two halves on two threads when `len` is large, else all of it on the
/// calling thread (the second result is then `work` over an empty range).
pub fn in_two_halves<T: Send>(len: usize, work: impl Fn(Range<usize>) -> T + Sync) -> (T, T) {
    // wasm32-unknown-unknown has no threads (spawning one panics): all of it on this one.
    if len < MIN_ITEMS || cfg!(target_arch = "wasm32") {
        return (work(0..len), work(len..len));
    }
    let middle = len / 2;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| work(middle..len));
        let first = work(0..middle);
        // A panic in the other half is a bug of ours: let it surface as one.
        let second = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

#[cfg(test)]
mod tests {
    use super::{in_two_halves, MIN_ITEMS};

    #[test]
    fn the_halves_cover_the_range_once_in_order() {
        for len in [0, 1, MIN_ITEMS - 1, MIN_ITEMS, 3 * MIN_ITEMS + 1] {
            let (first, second) = in_two_halves(len, |which| which.collect::<Vec<_>>());
            let joined: Vec<usize> = first.into_iter().chain(second).collect();
            assert_eq!(joined, (0..len).collect::<Vec<_>>(), "len {len}");
        }
        let (first, _) = in_two_halves(MIN_ITEMS, |which| which.len());
        assert_eq!(first, MIN_ITEMS / 2, "a large list is split");
    }
}
