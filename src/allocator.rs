//! The allocator of the binary and the benchmark: mimalloc (Cargo.toml says why), told to hand
//! freed memory back to the system at once when the configuration is large.
//!
//! By default mimalloc keeps freed memory for 10 ms in case it is asked for again. pjsiplint
//! frees large temporaries (the parser's, the builder's tables) while it builds larger structures,
//! and a process that lives a fraction of a second gains nothing from keeping them: on 100k phones
//! handing them back at once lowered the peak memory by 10 MB (README, Benchmark) at no cost in
//! time. A small configuration is linted within a millisecond or two, before any delay runs out:
//! there handing pages back at once only costs system calls and the page faults of taking them
//! again (10 KB config: 17 `madvise` calls, 20 page faults, 0.05 ms).

use std::sync::atomic::{AtomicUsize, Ordering};

/// mimalloc's `mi_option_purge_delay` (its `mi_option_e` in include/mimalloc.h of the v2 branch:
/// the 16th option, after `eager_commit_delay`); libmimalloc-sys names only some of the options.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// From this many bytes of input read, freed memory goes back at once.
const LARGE_INPUT: usize = 1 << 20;

/// Counts the bytes of each file read (`SourceFile::new`, before the file is parsed); the file
/// that makes the input large switches mimalloc to handing freed memory back at once.
pub fn input_read(bytes: usize) {
    static READ: AtomicUsize = AtomicUsize::new(0);
    let before = READ.fetch_add(bytes, Ordering::Relaxed);
    if before < LARGE_INPUT && before.saturating_add(bytes) >= LARGE_INPUT {
        // SAFETY: mi_option_set only stores the value in mimalloc's option table; any thread may
        // call it at any time. The option is read when mimalloc next purges.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
    }
}

/// Call as the process ends: mimalloc's exit handler collects the heap and hands the free memory
/// back to the system, which then only costs time (10 KB config: 8 `madvise` calls, each
/// splitting a huge page).
pub fn keep_memory_at_exit() {
    // SAFETY: as in `input_read`; -1 is "never purge".
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::{input_read, LARGE_INPUT, PURGE_DELAY};

    #[test]
    fn a_large_input_hands_memory_back_at_once() {
        input_read(LARGE_INPUT / 2);
        input_read(LARGE_INPUT / 2);
        // SAFETY: mi_option_get only reads mimalloc's option table.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Between the two options the binding names around it, and 10 ms unless a large input
        // (another test's) set it to 0.
        assert_eq!(
            PURGE_DELAY,
            libmimalloc_sys::mi_option_eager_commit_delay + 1
        );
        assert_eq!(PURGE_DELAY + 1, libmimalloc_sys::mi_option_use_numa_nodes);
        // SAFETY: mi_option_get only reads mimalloc's option table.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert!(delay == 10 || delay == 0, "{delay}");
    }
}
