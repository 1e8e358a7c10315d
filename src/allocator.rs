//! The allocator of the binary and the benchmark: mimalloc (Cargo.toml says why), told to hand
//! freed memory back to the system at once when the configuration is large, and to leave huge
//! pages to the large tables that ask for them.
//!
//! By default mimalloc keeps freed memory for 10 ms in case it is asked for again. pjsiplint
//! frees large temporaries (the parser's, the builder's tables) while it builds larger structures,
//! and a process that lives a fraction of a second gains nothing from keeping them: on 100k phones
//! handing them back at once lowered the peak memory by 10 MB (README, Benchmark) at no cost in
//! time. A small configuration is linted within a millisecond or two, before any delay runs out:
//! there handing pages back at once only costs system calls and the page faults of taking them
//! again (10 KB config: 17 `madvise` calls, 20 page faults, 0.05 ms).
//!
//! Huge pages: mimalloc asks Linux for transparent huge pages over all its memory
//! (`MADV_HUGEPAGE` on its 1 GiB arena, `unix_mmap` in src/prim/unix/prim.c), so every 2 MB
//! region it touches is faulted in whole, however little of it is used: the small objects of
//! each thread and the ends of large blocks made 13 MB of the 109 MB peak on `templates` (100k
//! phones). Small pages everywhere cost a page fault per 4 KB instead (about 1 ms per MB on the
//! benchmark's machine, a tenth of that with huge pages). So the arena is made without them
//! ([`small_pages_by_default`]), and the tables that are filled from end to end (a file's bytes,
//! its lines, the sections and lines of the model, the objects) ask for them
//! ([`prefer_huge_pages`]), as do the large hash tables, written all over ([`HugePages`]).

#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::{AtomicUsize, Ordering};

/// mimalloc's `mi_option_purge_delay` (its `mi_option_e` in include/mimalloc.h of the v2 branch:
/// the 16th option, after `eager_commit_delay`); libmimalloc-sys names only some of the options.
#[cfg(not(target_arch = "wasm32"))]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's `mi_option_arena_eager_commit` (the 5th of `mi_option_e`, after `eager_commit`).
#[cfg(not(target_arch = "wasm32"))]
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Makes mimalloc reserve its arena without committing it, and so without `MADV_HUGEPAGE`
/// (`mi_reserve_os_memory_ex` asks for large pages only for memory it commits at once): it is
/// committed as it is used, on small pages. Set before the first allocation, which Rust's start-up
/// makes before `main`: run by the loader with the program's constructors (`.init_array`). The
/// reference in [`input_read`] keeps it in the link.
#[cfg(all(target_os = "linux", not(target_arch = "wasm32")))]
#[used]
#[link_section = ".init_array"]
static SMALL_PAGES_BY_DEFAULT: extern "C" fn() = small_pages_by_default;

#[cfg(all(target_os = "linux", not(target_arch = "wasm32")))]
extern "C" fn small_pages_by_default() {
    // SAFETY: as in `input_read`; mimalloc needs no initialisation for its option table.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}

/// Asks for huge pages under `table` (its capacity, reserved for what it will hold): each 2 MB
/// region whose middle it covers is faulted in with one fault when first written, where small
/// pages took 512. A table of less than 2 MB gets none (a region would be mostly others').
pub fn prefer_huge_pages(table: &impl Reserved) {
    let (start, bytes) = table.reserved();
    advise_huge_pages(start, bytes);
}

/// [`prefer_huge_pages`] for the `bytes` bytes at `start`.
fn advise_huge_pages(start: usize, bytes: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE_PAGE: usize = 2 << 20;
        /// `MADV_COLLAPSE` of linux/mman.h (Linux 6.1; older kernels refuse it, harmlessly).
        /// The libc crate names it for glibc only, and the release binaries use musl.
        const MADV_COLLAPSE: libc::c_int = 25;
        if bytes < HUGE_PAGE {
            return;
        }
        let end = start + bytes;
        let half = HUGE_PAGE / 2;
        let first = (start + half) / HUGE_PAGE * HUGE_PAGE;
        let last = (end + half) / HUGE_PAGE * HUGE_PAGE;
        if last <= first {
            return;
        }
        // SAFETY (both calls): MADV_HUGEPAGE and MADV_COLLAPSE are advice about how memory is
        // backed: they change neither its contents nor whether it may be used, here or in the
        // allocations beside the table that share its first and last region.
        unsafe {
            libc::madvise(
                first as *mut libc::c_void,
                last - first,
                libc::MADV_HUGEPAGE,
            )
        };
        if first < start {
            // The region began before the table, and what is there (mostly the allocator's own
            // header) is on small pages already: a fault would keep adding small pages to it.
            // Collapsed now into one huge page, as the kernel's khugepaged would do later.
            unsafe { libc::madvise(first as *mut libc::c_void, HUGE_PAGE, MADV_COLLAPSE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
}

/// `table.reserve(additional)`, with the room on huge pages ([`prefer_huge_pages`]): when the
/// table moves, its new place is advised before its contents are copied there (a copy into
/// memory not yet advised puts it on small pages). It grows as `reserve` grows it, to twice its
/// capacity at least, so that many small reservations copy it only a few times.
pub fn reserve_on_huge_pages<T>(table: &mut Vec<T>, additional: usize) {
    if table.capacity() - table.len() >= additional {
        return;
    }
    let room = table
        .len()
        .saturating_add(additional)
        .max(table.capacity().saturating_mul(2));
    let mut grown = Vec::with_capacity(room);
    prefer_huge_pages(&grown);
    grown.append(table);
    *table = grown;
}

/// The global allocator, with each block of 2 MB or more on huge pages ([`prefer_huge_pages`]):
/// for the large hash tables (`hashbrown::HashTable::with_capacity_in`), which are written all
/// over as they fill, so that each page of theirs is a fault on small pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct HugePages;

// SAFETY: every block comes from the global allocator and goes back to it with the same layout;
// the advice changes neither its contents nor its use.
unsafe impl allocator_api2::alloc::Allocator for HugePages {
    fn allocate(
        &self,
        layout: std::alloc::Layout,
    ) -> Result<std::ptr::NonNull<[u8]>, allocator_api2::alloc::AllocError> {
        let block = allocator_api2::alloc::Global.allocate(layout)?;
        advise_huge_pages(block.as_ptr() as *const u8 as usize, block.len());
        Ok(block)
    }

    unsafe fn deallocate(&self, block: std::ptr::NonNull<u8>, layout: std::alloc::Layout) {
        // SAFETY: the caller passes a block `allocate` gave, which Global gave, and its layout.
        unsafe { allocator_api2::alloc::Global.deallocate(block, layout) }
    }
}

/// A hash map on [`HugePages`], hashed as `rustc_hash`'s maps are: for a map of one entry per
/// object or wizard of a large configuration.
pub type HugeMap<K, V> = hashbrown::HashMap<K, V, rustc_hash::FxBuildHasher, HugePages>;

/// An empty [`HugeMap`].
pub fn huge_map<K, V>() -> HugeMap<K, V> {
    HugeMap::with_hasher_in(rustc_hash::FxBuildHasher, HugePages)
}

/// A table's reserved memory: where it starts and how many bytes, and how many of them it
/// uses.
pub trait Reserved {
    fn reserved(&self) -> (usize, usize);
    fn used(&self) -> usize;
}

impl<T> Reserved for Vec<T> {
    fn reserved(&self) -> (usize, usize) {
        (
            self.as_ptr() as usize,
            self.capacity() * std::mem::size_of::<T>(),
        )
    }

    fn used(&self) -> usize {
        std::mem::size_of_val(self.as_slice())
    }
}

impl Reserved for String {
    fn reserved(&self) -> (usize, usize) {
        (self.as_ptr() as usize, self.capacity())
    }

    fn used(&self) -> usize {
        self.len()
    }
}

/// From this many bytes of input read, freed memory goes back at once.
#[cfg(not(target_arch = "wasm32"))]
const LARGE_INPUT: usize = 1 << 20;

/// Counts the bytes of each file read (`SourceFile::new`, before the file is parsed); the file
/// that makes the input large switches mimalloc to handing freed memory back at once.
#[cfg(not(target_arch = "wasm32"))]
pub fn input_read(bytes: usize) {
    #[cfg(target_os = "linux")]
    std::hint::black_box(&SMALL_PAGES_BY_DEFAULT);
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
#[cfg(not(target_arch = "wasm32"))]
pub fn keep_memory_at_exit() {
    // SAFETY: as in `input_read`; -1 is "never purge".
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{
        input_read, prefer_huge_pages, reserve_on_huge_pages, ARENA_EAGER_COMMIT, LARGE_INPUT,
        PURGE_DELAY,
    };

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

    #[test]
    #[cfg(target_os = "linux")]
    fn the_arena_is_made_without_huge_pages() {
        // Between the two options the binding names around it.
        assert_eq!(ARENA_EAGER_COMMIT, libmimalloc_sys::mi_option_verbose + 2);
        assert_eq!(
            ARENA_EAGER_COMMIT + 2,
            libmimalloc_sys::mi_option_large_os_pages
        );
        // Set by the constructor before the first allocation (mimalloc's default is 2).
        // SAFETY: mi_option_get only reads mimalloc's option table.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(ARENA_EAGER_COMMIT) },
            0
        );
    }

    #[test]
    fn a_table_reserved_on_huge_pages_keeps_its_contents_and_grows_like_reserve() {
        let mut table = vec![1u32, 2, 3];
        table.shrink_to_fit();
        reserve_on_huge_pages(&mut table, 1);
        assert_eq!(table, [1, 2, 3]);
        assert!(table.capacity() >= 6, "{}", table.capacity());
        let capacity = table.capacity();
        reserve_on_huge_pages(&mut table, 1);
        assert_eq!(table.capacity(), capacity);
        reserve_on_huge_pages(&mut table, 4 << 20);
        assert_eq!(table, [1, 2, 3]);
        assert!(table.capacity() >= 3 + (4 << 20));
    }

    /// The advice is on the memory: the mapping holding the middle of a large table is marked
    /// for huge pages (`hg` in its VmFlags).
    #[test]
    #[cfg(target_os = "linux")]
    fn a_large_table_asks_for_huge_pages() {
        let table: Vec<u64> = Vec::with_capacity(2 << 20);
        prefer_huge_pages(&table);
        let flags = mapping_flags(table.as_ptr() as usize + (8 << 20));
        assert!(flags.split_whitespace().any(|flag| flag == "hg"), "{flags}");
    }

    /// So is a hash table's, through the allocator it takes.
    #[test]
    #[cfg(target_os = "linux")]
    fn a_block_of_the_huge_pages_allocator_asks_for_huge_pages() {
        use allocator_api2::alloc::Allocator;
        let layout = std::alloc::Layout::from_size_align(16 << 20, 8).unwrap();
        let block = super::HugePages.allocate(layout).unwrap();
        let flags = mapping_flags(block.as_ptr() as *const u8 as usize + (8 << 20));
        // SAFETY: the block and layout `allocate` gave.
        unsafe { super::HugePages.deallocate(block.cast(), layout) };
        assert!(flags.split_whitespace().any(|flag| flag == "hg"), "{flags}");
    }

    /// The VmFlags of the mapping holding `address` (/proc/self/smaps).
    #[cfg(target_os = "linux")]
    fn mapping_flags(address: usize) -> String {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        // A mapping's lines follow its header, which starts `from-to ` in hexadecimal.
        let range = |line: &str| {
            let (from, to) = line.split_once(' ')?.0.split_once('-')?;
            let hex = |text| usize::from_str_radix(text, 16).ok();
            Some(hex(from)?..hex(to)?)
        };
        let mut inside = false;
        for line in smaps.lines() {
            match range(line) {
                Some(range) => inside = range.contains(&address),
                None if inside => {
                    if let Some(flags) = line.strip_prefix("VmFlags:") {
                        return flags.to_owned();
                    }
                }
                None => {}
            }
        }
        panic!("no mapping holds {address:#x}")
    }
}
