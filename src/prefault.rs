//! Memory that large tables are about to fill, faulted in ahead of them by a thread of its own.
//!
//! The model's builder fills its tables (sections, lines, bases) and the syntax tree's (headers,
//! items) as it reads a large file, and each page it writes first is a page fault on its core:
//! on the benchmark's 2-core VMs a fault took from a few to tens of microseconds as the host was
//! busy, and the builder's core spent 8 to 88 ms of reading 100k phones (80 ms at best) in the
//! kernel (its system time, `getrusage(RUSAGE_THREAD)`), while the core parsing the file waited
//! for it a third of the time. Faulted in from another thread (`MADV_POPULATE_WRITE`, Linux
//! 5.14; an older kernel refuses it and nothing changes), the builder finds its pages there. Only
//! memory the tables will soon use is asked for: a few chunks' worth past their end
//! ([`Prefault::ahead`]), so memory reserved for what a file holds at most is never touched for
//! nothing.

use std::ops::Range;

use crate::allocator::Reserved;

/// A thread faulting in what [`Prefault::ahead`] asks for, started at the first request and
/// waited for when this is dropped.
#[derive(Default)]
pub struct Prefault {
    #[cfg(target_os = "linux")]
    thread: Option<Populating>,
    /// For each table (by the caller's slot): where its memory starts and how far into it was
    /// asked for, so that each page is asked for once.
    asked: Vec<(usize, usize)>,
}

#[cfg(target_os = "linux")]
struct Populating {
    requests: std::sync::mpsc::Sender<Range<usize>>,
    handle: std::thread::JoinHandle<()>,
}

/// `MADV_POPULATE_WRITE` of linux/mman.h (Linux 5.14), which the libc crate names for glibc only.
#[cfg(target_os = "linux")]
const MADV_POPULATE_WRITE: libc::c_int = 23;

const PAGE: usize = 4096;

impl Prefault {
    /// Asks for the memory of `table` from the end of what it uses to `ahead` bytes past it
    /// (within its room) to be faulted in. `slot` names the table among the caller's.
    pub fn ahead(&mut self, slot: usize, table: &dyn Reserved, ahead: usize) {
        if let Some(pages) = self.pages_ahead(slot, table, ahead) {
            self.request(pages);
        }
    }

    /// The whole pages [`Prefault::ahead`] asks for: none asked before for the same table.
    fn pages_ahead(
        &mut self,
        slot: usize,
        table: &dyn Reserved,
        ahead: usize,
    ) -> Option<Range<usize>> {
        let (start, room) = table.reserved();
        let used = table.used();
        if self.asked.len() <= slot {
            self.asked.resize(slot + 1, (0, 0));
        }
        let (asked_start, asked_to) = &mut self.asked[slot];
        if *asked_start != start {
            // A new table, or this one moved.
            (*asked_start, *asked_to) = (start, start);
        }
        // The page holding the end of what is used is in use already.
        let from = (start + used).div_ceil(PAGE) * PAGE;
        let from = from.max(*asked_to);
        let to = (start + room.min(used.saturating_add(ahead))) / PAGE * PAGE;
        if to <= from {
            return None;
        }
        *asked_to = to;
        Some(from..to)
    }

    #[cfg(target_os = "linux")]
    fn request(&mut self, pages: Range<usize>) {
        if self.thread.is_none() {
            let (requests, received) = std::sync::mpsc::channel::<Range<usize>>();
            let spawned = std::thread::Builder::new().spawn(move || {
                for pages in received {
                    populate(pages);
                }
            });
            let Ok(handle) = spawned else {
                return;
            };
            self.thread = Some(Populating { requests, handle });
        }
        if let Some(thread) = &self.thread {
            // Fails only if the thread ended, which it does only when the sender is dropped.
            let _ = thread.requests.send(pages);
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn request(&mut self, _pages: Range<usize>) {}
}

impl Prefault {
    /// Waits until what was asked for is faulted in. Call it before a table asked about may
    /// move or be freed: populating memory given back to the system would take it again for
    /// nothing.
    pub fn finish(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(Populating { requests, handle }) = self.thread.take() {
            drop(requests);
            // The thread only makes system calls: it does not panic.
            let _ = handle.join();
        }
    }
}

impl Drop for Prefault {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Faults in `pages`; false when the kernel refuses.
#[cfg(target_os = "linux")]
fn populate(pages: Range<usize>) -> bool {
    // SAFETY: populating changes neither the contents of memory nor whether it may be used: a
    // page already there is left as it is, and memory freed meanwhile (or never mapped) only
    // makes the call fail.
    unsafe {
        libc::madvise(
            pages.start as *mut libc::c_void,
            pages.len(),
            MADV_POPULATE_WRITE,
        ) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::{Prefault, PAGE};

    #[test]
    fn each_page_ahead_is_asked_for_once_within_the_room() {
        let mut prefault = Prefault::default();
        let mut table: Vec<u8> = Vec::with_capacity(64 * PAGE);
        let start = table.as_ptr() as usize;
        // Whole pages from the end of what is used.
        let first = prefault.pages_ahead(0, &table, 10 * PAGE).unwrap();
        assert_eq!(first.start, start.div_ceil(PAGE) * PAGE);
        assert_eq!(first.end, (start + 10 * PAGE) / PAGE * PAGE);
        // Asked again from where the last ask ended, never past the room.
        table.resize(5 * PAGE, 0);
        let second = prefault.pages_ahead(0, &table, 100 * PAGE).unwrap();
        assert_eq!(second.start, first.end);
        assert_eq!(second.end, (start + 64 * PAGE) / PAGE * PAGE);
        assert_eq!(prefault.pages_ahead(0, &table, 100 * PAGE), None);
        // Another slot is another table; a table that moved is asked for again.
        let other: Vec<u8> = Vec::with_capacity(8 * PAGE);
        assert!(prefault.pages_ahead(1, &other, 4 * PAGE).is_some());
        table.reserve(200 * PAGE);
        let moved = prefault.pages_ahead(0, &table, 4 * PAGE).unwrap();
        let new_start = table.as_ptr() as usize;
        assert_eq!(moved.start, (new_start + 5 * PAGE).div_ceil(PAGE) * PAGE);
    }

    /// The pages asked for are there once the thread is done (dropping waits for it), and the
    /// pages past them are not.
    #[test]
    #[cfg(target_os = "linux")]
    fn the_pages_asked_for_are_faulted_in() {
        // Fresh memory of its own: the allocator may hand out pages another test touched.
        let table = Mapped::new(256 * PAGE);
        let start = table.start;
        if !super::populate(start..start + PAGE) {
            eprintln!("skipped: this kernel has no MADV_POPULATE_WRITE (Linux 5.14)");
            return;
        }
        let mut prefault = Prefault::default();
        prefault.ahead(0, &table, 128 * PAGE);
        drop(prefault);
        let resident = resident_pages(start, 256);
        assert!(resident[..128].iter().all(|&there| there), "{resident:?}");
        assert!(resident[128..].iter().all(|&there| !there), "{resident:?}");
    }

    /// Anonymous memory of its own, as a table with nothing used.
    #[cfg(target_os = "linux")]
    struct Mapped {
        start: usize,
        len: usize,
    }

    #[cfg(target_os = "linux")]
    impl Mapped {
        fn new(len: usize) -> Mapped {
            // SAFETY: a new private mapping, unmapped on drop.
            let start = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            assert_ne!(start, libc::MAP_FAILED);
            Mapped {
                start: start as usize,
                len,
            }
        }
    }

    #[cfg(target_os = "linux")]
    impl Drop for Mapped {
        fn drop(&mut self) {
            // SAFETY: the mapping `new` made.
            unsafe { libc::munmap(self.start as *mut libc::c_void, self.len) };
        }
    }

    #[cfg(target_os = "linux")]
    impl crate::allocator::Reserved for Mapped {
        fn reserved(&self) -> (usize, usize) {
            (self.start, self.len)
        }

        fn used(&self) -> usize {
            0
        }
    }

    /// Whether each of the `count` pages from `start` is in memory (`mincore`).
    #[cfg(target_os = "linux")]
    fn resident_pages(start: usize, count: usize) -> Vec<bool> {
        let mut flags = vec![0u8; count];
        // SAFETY: `flags` has a byte for each page of the range, all within the table's room.
        let done =
            unsafe { libc::mincore(start as *mut libc::c_void, count * PAGE, flags.as_mut_ptr()) };
        assert_eq!(done, 0);
        flags.iter().map(|flag| flag & 1 == 1).collect()
    }
}
