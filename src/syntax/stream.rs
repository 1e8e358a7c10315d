//! A large file's chunks parsed on other threads while the caller takes them in order: the model's
//! builder reads a file's first sections while its later chunks are still being parsed, instead of
//! waiting for the whole file with a core idle while it builds (issue 21).

use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use super::chunk::{self, Chunk};
use super::comments::Walk;
use super::packed::PackedLine;
use super::SyntaxTree;
use crate::source::Contents;

/// How many chunks the workers may parse ahead of the one taken: enough that the builder never
/// waits while the parse keeps up, few enough that the chunks waiting stay a megabyte or two.
const WINDOW: usize = 16;

/// Chunks handed from the threads that parse them to the one that takes them, in order.
pub(super) struct Queue {
    count: usize,
    /// The next chunk a worker starts on.
    next_job: AtomicUsize,
    state: Mutex<State>,
    /// A chunk is parsed, one was taken, or the queue closed.
    changed: Condvar,
    /// Chunks taken, emptied: the next chunks are made in them. Vectors made on a worker and
    /// freed on the thread that took them stay with the worker's allocator until it happens to
    /// reuse them (100k phones: 2-5 MB more at the peak than when each vector is made again).
    shells: Mutex<Vec<Chunk>>,
}

struct State {
    parsed: Vec<Option<Chunk>>,
    /// How many chunks were taken.
    taken: usize,
    /// Nothing more is wanted (the taker stopped), or a worker panicked.
    closed: bool,
    failed: bool,
}

impl Queue {
    pub(super) fn new(count: usize) -> Queue {
        Queue {
            count,
            next_job: AtomicUsize::new(0),
            state: Mutex::new(State {
                parsed: (0..count).map(|_| None).collect(),
                taken: 0,
                closed: false,
                failed: false,
            }),
            changed: Condvar::new(),
            shells: Mutex::new(Vec::new()),
        }
    }

    /// An empty chunk to make the next in: one given back, or a new one.
    pub(super) fn shell(&self) -> Chunk {
        self.shells
            .lock()
            .ok()
            .and_then(|mut shells| shells.pop())
            .unwrap_or_default()
    }

    /// Gives back a chunk taken and emptied ([`Chunk::emptied`]), for another chunk.
    pub(super) fn give_back(&self, shell: Chunk) {
        if let Ok(mut shells) = self.shells.lock() {
            shells.push(shell);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock is held leaves the state as it was (a worker panics in
        // `parse`, outside the lock): go on with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A worker: parses the next chunk no other worker started, while it is within [`WINDOW`]
    /// of the ones taken, until there is none left or the queue closes.
    pub(super) fn work(&self, parse: impl Fn(usize) -> Chunk) {
        // Marks the queue failed if `parse` panics, so the taker stops waiting.
        struct Failing<'q>(&'q Queue);
        impl Drop for Failing<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.lock().failed = true;
                    self.0.changed.notify_all();
                }
            }
        }
        let guard = Failing(self);
        loop {
            let job = self.next_job.fetch_add(1, Ordering::Relaxed);
            if job >= self.count {
                break;
            }
            {
                let mut state = self.lock();
                while job >= state.taken + WINDOW && !state.closed {
                    state = self
                        .changed
                        .wait(state)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
                if state.closed {
                    break;
                }
            }
            let chunk = parse(job);
            self.lock().parsed[job] = Some(chunk);
            self.changed.notify_all();
        }
        drop(guard);
    }

    /// Chunk `index` (each is taken once, in order), once parsed; `None` when a worker failed.
    /// A chunk no worker started yet is parsed here (`parse`) instead of waiting: the taker
    /// waits only for a chunk being parsed, so one thread fewer than the cores parses, and a
    /// taker with no worker at all parses every chunk itself. While a worker parses chunk
    /// `index`, the taker parses the next chunk none started rather than wait (on 100k phones
    /// the builder, faster than the one worker of 2 cores once its page faults went to another
    /// thread, waited up to 14 ms for chunks).
    pub(super) fn take(&self, index: usize, parse: impl Fn(usize) -> Chunk) -> Option<Chunk> {
        let mut state = self.lock();
        loop {
            if let Some(chunk) = state.parsed[index].take() {
                state.taken = index + 1;
                drop(state);
                self.changed.notify_all();
                return Some(chunk);
            }
            // Jobs start in order and those before `index` were taken: the next job to start
            // is `index` unless a worker started it.
            if self
                .next_job
                .compare_exchange(index, index + 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                state.taken = index + 1;
                drop(state);
                self.changed.notify_all();
                return Some(parse(index));
            }
            if state.failed {
                return None;
            }
            let next = self.next_job.load(Ordering::Relaxed);
            if next < self.count
                && next < index + WINDOW
                && self
                    .next_job
                    .compare_exchange(next, next + 1, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                drop(state);
                let chunk = parse(next);
                state = self.lock();
                state.parsed[next] = Some(chunk);
                continue;
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// No more chunks are wanted: the workers stop.
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

/// Closes its queue when dropped: the workers stop however the taker leaves.
pub(super) struct Closing<'q>(&'q Queue);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Where each chunk's lines go in a tree's lines (room reserved, not yet written): the thread
/// that parses a chunk writes its lines in their final place.
pub(super) struct LineSlots {
    base: *mut PackedLine,
    /// Where each chunk's lines start, and the total last.
    starts: Vec<usize>,
}

// SAFETY: the slots are written through `base` by one thread each (`LineSlots::take`), and read
// only after the thread that wrote them said so through the queue's lock.
unsafe impl Send for LineSlots {}
unsafe impl Sync for LineSlots {}

impl LineSlots {
    /// Room in `lines` (empty) for chunks of these line counts.
    pub(super) fn new(lines: &mut Vec<PackedLine>, counts: &[usize]) -> LineSlots {
        assert!(lines.is_empty());
        let mut starts = Vec::with_capacity(counts.len() + 1);
        let mut total = 0;
        for count in counts {
            starts.push(total);
            total += count;
        }
        starts.push(total);
        lines.reserve_exact(total);
        crate::allocator::prefer_huge_pages(lines);
        LineSlots {
            base: lines.as_mut_ptr(),
            starts,
        }
    }

    /// The indexes of chunk `job`'s lines in the tree's lines.
    pub(super) fn indexes(&self, job: usize) -> Range<usize> {
        self.starts[job]..self.starts[job + 1]
    }

    /// The slots of chunk `job`, with their indexes.
    ///
    /// # Safety
    /// Each chunk's slots are taken once, while the vector they are in is neither moved, grown
    /// nor freed, and before its length reaches them.
    // A `&mut` from `&self`: the slots of each chunk are handed out once, which the borrow
    // checker cannot see (the safety contract above).
    #[allow(clippy::mut_from_ref)]
    pub(super) unsafe fn take(&self, job: usize) -> (Range<usize>, &mut [MaybeUninit<PackedLine>]) {
        let indexes = self.indexes(job);
        // SAFETY: within the room reserved in `new` (the caller keeps it there), and no other
        // reference to these slots exists (taken once, beyond the vector's length).
        let slots = unsafe {
            std::slice::from_raw_parts_mut(
                self.base
                    .add(indexes.start)
                    .cast::<MaybeUninit<PackedLine>>(),
                indexes.len(),
            )
        };
        (indexes, slots)
    }

    /// Makes `lines` (the vector of `new`) hold every chunk's lines up to chunk `job`'s.
    ///
    /// # Safety
    /// Chunk `job` and every chunk before it were parsed: their slots are written.
    pub(super) unsafe fn show_up_to(&self, lines: &mut Vec<PackedLine>, job: usize) {
        assert!(
            std::ptr::eq(lines.as_ptr(), self.base) && lines.capacity() >= self.starts[job + 1],
            "the lines of another tree"
        );
        // SAFETY: the room is reserved (checked above) and its slots up to there are written
        // (the caller's promise); `PackedLine` is `Copy`.
        unsafe { lines.set_len(self.starts[job + 1]) };
    }
}

/// What the threads parsing a file's chunks share with the one taking them: the queue that
/// hands chunks over and where each chunk's lines go.
pub(super) struct Shared {
    queue: Queue,
    slots: LineSlots,
}

impl Shared {
    /// Parses chunk `job` of `text` (cut at `bounds`; `bytes` are the file's) into its slots of
    /// the tree's lines.
    fn parse(&self, bytes: &[u8], text: &str, bounds: &[Range<usize>], job: usize) -> Chunk {
        // SAFETY: the queue gives each job once (to a worker or to the taker), and the tree keeps
        // its lines where they are until the workers end (the scope of `parse`, or `Writers`,
        // which the tree drops first).
        let slots = unsafe { self.slots.take(job) };
        chunk::parse_one(bytes, text, bounds[job].clone(), slots, self.queue.shell())
    }

    /// A worker: parses chunks until none is left or the taker stops.
    pub(super) fn work(&self, bytes: &[u8], text: &str, bounds: &[Range<usize>]) {
        self.queue.work(|job| self.parse(bytes, text, bounds, job));
    }

    /// The queue closes when the value returned is dropped: the workers stop however the taker
    /// leaves (a panic of its own included), so none waits for room forever.
    pub(super) fn closing(&self) -> Closing<'_> {
        Closing(&self.queue)
    }
}

/// What [`Parsing::add_next`] did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Added {
    /// The next chunk's lines joined the tree.
    Chunk,
    /// Every chunk had joined: the tree is whole.
    Whole,
    /// A worker panicked (joining it raises its panic).
    Failed,
}

/// A file's chunks joining its tree in order as they are parsed, for [`super::parse`] (scoped
/// workers, borrowed bytes) and [`ParseStream`] (workers of their own) alike.
pub(super) struct Parsing {
    shared: Arc<Shared>,
    walk: Walk,
    /// The next chunk to add (past the last once the walk finished).
    next: usize,
}

impl Parsing {
    /// Room in `tree` (new) for every line of `text` cut at `bounds`, and for its headers and
    /// items; what the text holds.
    pub(super) fn new(
        tree: &mut SyntaxTree,
        text: &str,
        bounds: &[Range<usize>],
    ) -> (Parsing, Counts) {
        let (lines, counts) = chunk::count(text, bounds);
        let slots = LineSlots::new(&mut tree.lines, &lines);
        counts.reserve(tree);
        let parsing = Parsing {
            shared: Arc::new(Shared {
                queue: Queue::new(bounds.len()),
                slots,
            }),
            walk: Walk::new(),
            next: 0,
        };
        (parsing, counts)
    }

    /// What the workers need.
    pub(super) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Adds the next chunk's lines to `tree` (the one of `new`), parsing them here when no
    /// worker started them, else waiting for them; after the last, finishes the tree.
    pub(super) fn add_next(
        &mut self,
        bytes: &[u8],
        text: &str,
        bounds: &[Range<usize>],
        tree: &mut SyntaxTree,
    ) -> Added {
        let job = self.next;
        if job >= bounds.len() {
            if job == bounds.len() {
                self.walk.finish(tree);
                self.next += 1;
            }
            return Added::Whole;
        }
        let shared = &self.shared;
        let parse = |job| shared.parse(bytes, text, bounds, job);
        let Some(chunk) = shared.queue.take(job, parse) else {
            return Added::Failed;
        };
        // SAFETY: this chunk and those before it were parsed (taken in order).
        unsafe { shared.slots.show_up_to(&mut tree.lines, job) };
        shared
            .queue
            .give_back(self.walk.add(bytes, text, tree, chunk));
        self.next += 1;
        Added::Chunk
    }
}

/// What a streamed file's bytes hold, counted before its lines are parsed, for the room the
/// builder makes at once: as many section headers as `[` at most, assignments as `=` at most,
/// and about as many header items as `(` (a header with several items is rare; the vectors grow
/// for those). A `,` is no measure: lists in values and comments have many, and room reserved
/// for them cost megabytes at the peak (`commented` at 100k phones: 3 MB).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub brackets: usize,
    pub equals: usize,
    pub items: usize,
}

impl Counts {
    /// Makes room in `tree` (empty) for the headers and items of a text of these counts: growing
    /// them by doubling as chunks join would touch twice the memory they keep, and the first
    /// touch of memory costs more than anything else done with it. Room never written is never
    /// touched.
    fn reserve(&self, tree: &mut SyntaxTree) {
        tree.headers.reserve_exact(self.brackets);
        crate::allocator::prefer_huge_pages(&tree.headers);
        tree.items.reserve_exact(self.items);
    }
}

/// The threads writing a tree's lines while it is read, kept in the tree before its lines:
/// dropped with it (first), they are stopped and waited for, so that no thread writes to lines
/// that are gone.
pub(crate) struct Writers {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Writers {
    /// Waits for the threads; raises a panic of any.
    fn join(mut self) {
        self.shared.queue.close();
        for thread in self.threads.drain(..) {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

impl Drop for Writers {
    fn drop(&mut self) {
        self.shared.queue.close();
        // A panic of a thread was raised by `join`, or the tree is dropped unread.
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Writers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Writers({})", self.threads.len())
    }
}

/// The file being parsed: what the workers read, shared with the tree's owner.
struct Input {
    bytes: Contents,
    /// The text pest reads when it is not `bytes` ([`super::prepare`]).
    prepared: Option<String>,
    bounds: Vec<Range<usize>>,
}

impl Input {
    fn text(&self) -> &str {
        match (&self.prepared, &self.bytes) {
            (Some(prepared), _) => prepared,
            (None, Contents::Utf8(text)) => text,
            // `prepare` makes a text of every file that is not valid UTF-8.
            (None, Contents::Bytes(_)) => "",
        }
    }
}

/// A file's lines as they are parsed: [`ParseStream::next`] adds the next chunk's lines to the
/// file's tree.
pub struct ParseStream {
    input: Arc<Input>,
    parsing: Parsing,
    counts: Counts,
}

impl ParseStream {
    /// Starts parsing `bytes` on `threads` threads, the one that takes the lines among them
    /// ([`Queue::take`]), and returns the tree the lines will be added to (empty, with room for
    /// all of them) and the stream that adds them.
    pub fn start(bytes: Contents, threads: usize) -> (SyntaxTree, ParseStream) {
        let prepared = super::prepare(&bytes, matches!(bytes, Contents::Utf8(_)));
        let mut input = Input {
            bytes,
            prepared,
            bounds: Vec::new(),
        };
        input.bounds = chunk::chunk_bounds(input.text().as_bytes());
        let input = Arc::new(input);
        let mut tree = SyntaxTree::default();
        let (parsing, counts) = Parsing::new(&mut tree, input.text(), &input.bounds);
        let threads = (1..threads)
            .map_while(|_| {
                let (input, shared) = (Arc::clone(&input), Arc::clone(parsing.shared()));
                std::thread::Builder::new()
                    .spawn(move || shared.work(&input.bytes, input.text(), &input.bounds))
                    .ok()
            })
            .collect();
        tree.writers = Some(Writers {
            shared: Arc::clone(parsing.shared()),
            threads,
        });
        let stream = ParseStream {
            input,
            parsing,
            counts,
        };
        (tree, stream)
    }

    /// What the file's bytes hold (see [`Counts`]).
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// How many chunks the file is cut into.
    pub fn chunk_count(&self) -> usize {
        self.input.bounds.len()
    }

    /// Adds the next chunk's lines to `tree` (the one [`ParseStream::start`] returned), waiting
    /// for them to be parsed; false when every chunk was added, and the tree is then whole. A
    /// panic of a worker is raised here.
    pub fn next(&mut self, tree: &mut SyntaxTree) -> bool {
        assert!(
            std::ptr::eq(tree.lines.as_ptr(), self.parsing.shared.slots.base),
            "the lines of another tree"
        );
        let input = &self.input;
        match self
            .parsing
            .add_next(&input.bytes, input.text(), &input.bounds, tree)
        {
            Added::Chunk => true,
            added => {
                if let Some(writers) = tree.writers.take() {
                    writers.join();
                }
                assert_eq!(added, Added::Whole, "a worker failed without a panic");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ParseStream, WINDOW};
    use crate::source::Contents;
    use crate::syntax::{parse, LineKind, SyntaxTree, PARALLEL_BYTES};

    /// Over a megabyte of lines that make every kind of reading: texts stored apart (`\;`,
    /// invalid UTF-8), headers with items, directives, a block comment from one chunk into a
    /// later one (each of its two lines keeps its text outside it), a line too long to read, a
    /// NUL.
    fn input() -> Vec<u8> {
        let mut text = b"\xEF\xBB\xBF[first]\ntype=aor\n".to_vec();
        for i in 0..80_000 {
            let line = match i % 8 {
                0 => format!("[s{i}](t,u)\n"),
                1 => format!("key{i} = a\\;b ; comment\n"),
                2 => format!("#include other{i}.conf\n"),
                // Invalid UTF-8 after `=`.
                3 => format!("bad{i}=\u{7f}"),
                _ => format!("k{i}+=v{i}\n"),
            };
            text.extend_from_slice(line.as_bytes());
            if i % 8 == 3 {
                text.extend_from_slice(b"\xff\n");
            }
            if i == 40_000 {
                // Opens in this chunk and closes some chunks later: `joined=` before it, `1` after.
                text.extend_from_slice(b"joined=;-- a block comment\n");
                for j in 0..8_000 {
                    text.extend_from_slice(format!("[hidden{j}]\n").as_bytes());
                }
                text.extend_from_slice(b"--;1\n");
                text.extend_from_slice(&b"x".repeat(9_000));
                text.extend_from_slice(b"\nnul=\0\n");
            }
        }
        assert!(text.len() > 2 * PARALLEL_BYTES);
        text
    }

    /// What a reader of line `index` sees of it: the line and the texts it reads.
    fn reading(tree: &SyntaxTree, bytes: &[u8], index: usize) -> String {
        let line = tree.line(index);
        let texts: Vec<&str> = match &line.kind {
            LineKind::Assignment(a) => vec![tree.text(bytes, &a.key), tree.text(bytes, &a.value)],
            LineKind::Section(_) => {
                let header = tree.header(&line).expect("a header");
                let mut texts = vec![tree.text(bytes, &header.name)];
                let items = tree.header_items(header).unwrap_or_default();
                texts.extend(items.iter().map(|item| tree.text(bytes, item)));
                texts
            }
            LineKind::Directive(id) => {
                let directive = tree.directive(*id);
                vec![tree.text(bytes, &directive.name)]
            }
            _ => Vec::new(),
        };
        format!("{line:?} {texts:?}")
    }

    /// Each line a reader gets while the file is parsed is the line, with the texts, of the
    /// file parsed whole; so is the tree at the end.
    #[test]
    fn the_lines_read_while_a_file_is_parsed_are_its_lines() {
        let bytes = input();
        let whole = parse(&bytes);
        let (mut tree, mut stream) = ParseStream::start(Contents::from(bytes.clone()), 2);
        let (mut steps, mut seen) = (0, 0);
        while stream.next(&mut tree) {
            // The lines this chunk added, as a reader gets them now.
            for index in seen..tree.line_count() {
                assert_eq!(
                    reading(&tree, &bytes, index),
                    reading(&whole, &bytes, index),
                    "line {index} as it came"
                );
            }
            seen = tree.line_count();
            steps += 1;
            assert!(
                tree.texts
                    .windows(2)
                    .all(|pair| (pair[0].0.start, pair[0].0.end) < (pair[1].0.start, pair[1].0.end)),
                "the texts found so far are sorted"
            );
        }
        assert!(steps > WINDOW, "{steps} chunks");
        assert!(tree.writers.is_none(), "the threads ended");
        assert_eq!(tree.print(&bytes), bytes);
        assert_eq!(tree.line_count(), whole.line_count());
        for index in 0..whole.line_count() {
            assert_eq!(
                reading(&tree, &bytes, index),
                reading(&whole, &bytes, index),
                "line {index}"
            );
        }
        assert_eq!(tree.unterminated_block, whole.unterminated_block);
        assert_eq!(tree.stray_block_ends, whole.stray_block_ends);
    }

    /// Each header and directive line of a file of many chunks names its own text: a chunk's
    /// indexes of them count from 0 until the chunk joins the tree, and are moved then.
    #[test]
    fn the_headers_and_directives_of_later_chunks_are_their_lines() {
        let bytes = input();
        let tree = parse(&bytes);
        let (mut headers, mut directives) = (0, 0);
        for index in 0..tree.line_count() {
            let line = tree.line(index);
            let physical = String::from_utf8_lossy(&bytes[line.full_range(bytes.len())]);
            match &line.kind {
                LineKind::Section(_) => {
                    let header = tree.header(&line).expect("a header");
                    let name = tree.text(&bytes, &header.name);
                    assert!(physical.contains(&format!("[{name}]")), "{physical}");
                    headers += 1;
                }
                LineKind::Directive(id) => {
                    let argument = &tree.directive(*id).argument;
                    assert!(physical.contains(tree.text(&bytes, argument)), "{physical}");
                    directives += 1;
                }
                _ => {}
            }
        }
        assert!(
            headers > 9_000 && directives > 9_000,
            "{headers} {directives}"
        );
    }

    /// A taker that leaves (here by a panic) while a worker waits for room in the window does
    /// not leave the worker, and the scope waiting for it, waiting forever.
    #[test]
    fn a_taker_that_leaves_early_releases_the_workers() {
        use super::{Chunk, Closing, Queue};
        let left = std::panic::catch_unwind(|| {
            let queue = Queue::new(4 * WINDOW);
            std::thread::scope(|scope| {
                let _closing = Closing(&queue);
                scope.spawn(|| queue.work(|_| Chunk::default()));
                // The worker parses a window's worth and waits for one to be taken.
                while queue.next_job.load(std::sync::atomic::Ordering::Relaxed) <= WINDOW {
                    std::thread::yield_now();
                }
                panic!("the taker leaves");
            });
        });
        assert!(left.is_err());
    }

    /// The statement the builder reads from a packed line is the one its whole line holds, for
    /// every kind of reading (wide lines, stored texts, errors, directives).
    #[test]
    fn each_line_states_what_its_whole_line_holds() {
        let bytes = input();
        let tree = parse(&bytes);
        for index in 0..tree.line_count() {
            let kind = tree.line(index).kind;
            assert_eq!(
                tree.statement(index),
                crate::syntax::Statement::of(&kind),
                "{kind:?}"
            );
        }
    }

    /// While a worker parses the chunk the taker wants, the taker parses the next one itself
    /// rather than wait: here the worker holds chunk 0 until chunk 1 is parsed (or two seconds
    /// pass), and chunk 1 is the taker's.
    #[test]
    fn a_taker_waiting_for_a_chunk_parses_the_next() {
        use super::{Chunk, Closing, Queue};
        use std::sync::atomic::{AtomicBool, Ordering};
        let queue = Queue::new(2);
        let second_parsed = AtomicBool::new(false);
        let parsed_by = std::sync::Mutex::new(Vec::new());
        let parse = |job: usize| {
            parsed_by
                .lock()
                .unwrap()
                .push((job, std::thread::current().id()));
            if job == 0 {
                let start = std::time::Instant::now();
                while !second_parsed.load(Ordering::Relaxed)
                    && start.elapsed() < std::time::Duration::from_secs(2)
                {
                    std::thread::yield_now();
                }
            } else {
                second_parsed.store(true, Ordering::Relaxed);
            }
            Chunk::default()
        };
        let taker = std::thread::current().id();
        std::thread::scope(|scope| {
            let _closing = Closing(&queue);
            scope.spawn(|| queue.work(parse));
            while queue.next_job.load(Ordering::Relaxed) == 0 {
                std::thread::yield_now();
            }
            assert!(queue.take(0, parse).is_some());
            assert!(queue.take(1, parse).is_some());
        });
        let parsed_by = parsed_by.into_inner().unwrap();
        assert!(parsed_by.contains(&(1, taker)), "{parsed_by:?}");
    }

    /// A tree or a stream given up before the end (a reader that stopped, a panic elsewhere)
    /// stops the threads still parsing, in either order; the threads end.
    #[test]
    fn a_stream_given_up_early_stops_its_threads() {
        let bytes = input();
        for tree_first in [true, false] {
            let (mut tree, mut stream) = ParseStream::start(Contents::from(bytes.clone()), 3);
            assert!(stream.next(&mut tree));
            let shared = std::sync::Arc::clone(&stream.parsing.shared);
            if tree_first {
                drop(tree);
                drop(stream);
            } else {
                drop(stream);
                drop(tree);
            }
            // Only this test's handle is left: every thread that held the queue has ended.
            assert_eq!(std::sync::Arc::strong_count(&shared), 1, "{tree_first}");
        }
    }
}
