//! The allocator of the binary and the benchmark: mimalloc (Cargo.toml says why), told to hand
//! freed memory back to the system at once.
//!
//! By default mimalloc keeps freed memory for 10 ms in case it is asked for again. pjsiplint
//! frees large temporaries (the parser's, the builder's tables) while it builds larger structures,
//! and a process that lives a fraction of a second gains nothing from keeping them: on 100k phones
//! handing them back at once lowered the peak memory by 10 MB (README, Benchmark) at no cost in
//! time.

/// mimalloc's `mi_option_purge_delay` (its `mi_option_e` in include/mimalloc.h of the v2 branch:
/// the 16th option, after `eager_commit_delay`); libmimalloc-sys names only some of the options.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Call first thing in `main`: options are read when mimalloc next purges.
pub fn purge_freed_memory_at_once() {
    // SAFETY: mi_option_set only stores the value in mimalloc's option table; any thread may
    // call it at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::PURGE_DELAY;

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Between the two options the binding names around it, and 10 ms unless set.
        assert_eq!(
            PURGE_DELAY,
            libmimalloc_sys::mi_option_eager_commit_delay + 1
        );
        assert_eq!(PURGE_DELAY + 1, libmimalloc_sys::mi_option_use_numa_nodes);
        // SAFETY: mi_option_get only reads mimalloc's option table.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 10);
    }
}
