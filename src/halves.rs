//! Work over a large list split in two halves, one per core: the per-object passes of a large
//! configuration wait on memory, and a second core waits in parallel.

use std::ops::Range;

/// Below this many items a second thread costs more than it saves.
const MIN_ITEMS: usize = 4096;

/// `work` over `0..len`: the two halves on two threads when `len` is large, else all of it on the
/// calling thread (the second result is then `work` over an empty range).
pub fn in_two_halves<T: Send>(len: usize, work: impl Fn(Range<usize>) -> T + Sync) -> (T, T) {
    if len < MIN_ITEMS {
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
