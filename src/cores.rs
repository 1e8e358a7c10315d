//! Work spread over the cores: a large list split in two halves (the per-object passes of a
//! large configuration wait on memory, and a second core waits in parallel), or a queue of jobs
//! whose results come back in order (parse chunks, rules, paths).

use std::ops::Range;
use std::sync::Mutex;

/// Below this many items a second thread costs more than it saves.
const MIN_ITEMS: usize = 4096;

/// `work` over `0..len`: the two halves on two threads when `len` is large, else all of it on the
/// calling thread (the second result is then `work` over an empty range).
pub fn in_two_halves<T: Send>(len: usize, work: impl Fn(Range<usize>) -> T + Sync) -> (T, T) {
    cut_at(len, || len / 2, work)
}

/// [`in_two_halves`] cut where the items' weights are about half on each side, for lists whose
/// heavy items sit together (FreePBX's split files load every aor and auth, then the endpoints,
/// which hold most of the lines). The weights are sampled at [`WEIGHT_SAMPLES`] evenly spaced
/// items: reading them all would be a serial pass as long as the work it balances.
pub fn in_two_weighted_halves<T: Send>(
    len: usize,
    weight: impl Fn(usize) -> usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> (T, T) {
    cut_at(len, || weighted_middle(len, weight), work)
}

/// `work` over `0..middle()` and the rest, on two threads when `len` is large, else all of
/// `0..len` on the calling thread (the second result is then `work` over an empty range).
fn cut_at<T: Send>(
    len: usize,
    middle: impl FnOnce() -> usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> (T, T) {
    let middle = if len < MIN_ITEMS { len } else { middle() };
    in_two_parts(len, |part| match part {
        0 => work(0..middle),
        _ => work(middle..len),
    })
}

/// How many items' weights [`in_two_weighted_halves`] reads.
const WEIGHT_SAMPLES: usize = 1024;

/// The index splitting `0..len` in two parts of about the same sampled weight.
fn weighted_middle(len: usize, weight: impl Fn(usize) -> usize) -> usize {
    let step = len.div_ceil(WEIGHT_SAMPLES).max(1);
    let sampled: Vec<usize> = (0..len).step_by(step).map(weight).collect();
    let total: usize = sampled.iter().sum();
    let mut before = 0;
    for (sample, weight) in sampled.iter().enumerate() {
        if 2 * (before + weight) > total {
            // The sample's own weight stands for the `step` items from it: cut among them.
            let share = (total / 2 - before) * step / weight.max(&1);
            return (sample * step + share).min(len);
        }
        before += weight;
    }
    len / 2
}

/// `work(0)` and `work(1)`: on two threads when they go through `items` items between them and
/// that is many, else one after the other on the calling thread.
pub fn in_two_parts<T: Send>(items: usize, work: impl Fn(usize) -> T + Sync) -> (T, T) {
    in_two_parts_owning(items, [(), ()], |part, ()| work(part))
}

/// [`in_two_parts`], each part given its own of `inputs`: for parts that write disjoint pieces
/// of the same tables.
pub fn in_two_parts_owning<A: Send, T: Send>(
    items: usize,
    [first, second]: [A; 2],
    work: impl Fn(usize, A) -> T + Sync,
) -> (T, T) {
    // wasm32-unknown-unknown has no threads (spawning one panics): all of it on this one.
    if items < MIN_ITEMS || cfg!(target_arch = "wasm32") {
        return (work(0, first), work(1, second));
    }
    let work = &work;
    std::thread::scope(|scope| {
        let second = scope.spawn(move || work(1, second));
        let first = work(0, first);
        // A panic in the other part is a bug of ours: let it surface as one.
        let second = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// `work` on each of `jobs`, on up to `workers` threads taking the next job from a queue; the
/// calling thread is one of them (a job or two is done before a spawned thread is scheduled,
/// instead of waiting for one on a busy machine). The results are in the order of `jobs`, so the
/// output does not depend on scheduling. A panic in a job ends the call as that panic.
pub fn each_in_order<J: Send, T: Send>(
    jobs: Vec<J>,
    workers: usize,
    work: impl Fn(J) -> T + Sync,
) -> Vec<T> {
    // wasm32-unknown-unknown has no threads (spawning one panics): all of it on this one.
    if workers < 2 || jobs.len() < 2 || cfg!(target_arch = "wasm32") {
        return jobs.into_iter().map(work).collect();
    }
    let count = jobs.len();
    let queue = Mutex::new(jobs.into_iter().enumerate());
    let slots: Vec<Mutex<Option<T>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let worker = || loop {
        let job = queue.lock().ok().and_then(|mut jobs| jobs.next());
        let Some((index, job)) = job else {
            break;
        };
        let result = work(job);
        if let Ok(mut slot) = slots[index].lock() {
            *slot = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers.min(count) {
            scope.spawn(worker);
        }
        worker();
    });
    // Every job ran: the scope joined the threads, and re-raised a panic of any.
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{each_in_order, in_two_halves, in_two_weighted_halves, MIN_ITEMS};

    #[test]
    fn each_in_order_keeps_the_order_of_the_jobs() {
        for workers in [1, 2, 4] {
            let jobs: Vec<usize> = (0..100).collect();
            let squares = each_in_order(jobs, workers, |n| n * n);
            assert_eq!(
                squares,
                (0..100).map(|n| n * n).collect::<Vec<_>>(),
                "{workers}"
            );
        }
    }

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

    #[test]
    fn weighted_halves_cover_the_range_once_and_cut_the_weight_in_two() {
        let len = 3 * MIN_ITEMS;
        // The last third weighs 8 a item, the rest 1: half of the weight is in the last part of
        // the list, from item 2 * MIN_ITEMS + MIN_ITEMS * 3 / 8 on.
        let weight = |item: usize| if item < 2 * MIN_ITEMS { 1 } else { 8 };
        let (first, second) =
            in_two_weighted_halves(len, weight, |which| which.collect::<Vec<_>>());
        let middle = first.len();
        let joined: Vec<usize> = first.into_iter().chain(second).collect();
        assert_eq!(joined, (0..len).collect::<Vec<_>>());
        let weight_before: usize = (0..middle).map(weight).sum();
        let weight_after: usize = (middle..len).map(weight).sum();
        assert!(
            weight_before.abs_diff(weight_after) <= 2 * 8 * len.div_ceil(1024),
            "cut at {middle}: {weight_before} before, {weight_after} after"
        );
        for len in [0, 1, MIN_ITEMS - 1] {
            let (first, second) = in_two_weighted_halves(len, |_| 0, |which| which.len());
            assert_eq!((first, second), (len, 0), "a short list is not split");
        }
    }
}
