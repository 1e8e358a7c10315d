//! The objects of a type walked with the lines they hold asked of memory a few objects ahead.
//!
//! A rule reading option values of every endpoint of a large configuration waits on memory twice
//! a value: for the line's packed entry in its file's syntax tree, then for the value's text,
//! neither near the last one read once the file is larger than the cache. On flat 100k phones
//! (43.6 MB), nat-endpoint-options spent four fifths of its 26 ms in those two waits, and the
//! rules as a whole took 15 times as long as on 10k phones, whose lines fit in the cache. Asking
//! the CPU for an object's entries and text (`prefetch`, which does not wait) six objects before
//! the walk reaches it lets the waits of several objects overlap: that rule took 8.5 ms, and the
//! rules' step 105 ms instead of 134. Only the object's own lines are asked for, and only when
//! they are most of its lines: a template's lines are shared by every object on it and stay in
//! the cache. The rules that walk every object of a type reading its values use this walk;
//! those that read few values (a name, a reference) do not, as asking costs a little per object.
//! On other CPUs than x86-64 nothing is asked for (the stable intrinsics are x86-64's).

use super::{Config, Object, ObjectId};

/// Below this many bytes of text a configuration's lines (and the tables about them, about
/// three times as much) stay in the cache of the CPUs it runs on, and asking for them ahead is
/// only work: 2.4% more instructions on 10k phones on templates (1.8 MB).
const ASK_FROM_BYTES: usize = 4 << 20;
/// How many objects ahead an object's lines are asked for.
const AHEAD: usize = 6;
/// About the length of a line of a large configuration (`allow=ulaw,alaw,g722`): how much text
/// after its header an object's lines take is guessed from their number.
const LINE_BYTES: usize = 32;
/// At most this many cache lines are asked for an object's entries or text: a section of
/// thousands of lines is read from memory as it comes.
const MOST_CACHE_LINES: usize = 16;
const CACHE_LINE: usize = 64;

/// The objects of one type in load order ([`Config::of_type_warm`]).
pub struct Warm<'a> {
    config: &'a Config,
    ids: &'a [ObjectId],
    next: usize,
    /// Whether the configuration is large enough for asking ahead to pay.
    asks: bool,
}

impl Config {
    /// The objects of type `kind` in load order, as `self.objects.of_type(kind)`, with the
    /// lines of those a few places further on asked of memory: for a walk that reads their
    /// values.
    pub fn of_type_warm(&self, kind: &str) -> Warm<'_> {
        let bytes: usize = self.files.iter().map(|file| file.bytes.len()).sum();
        Warm {
            config: self,
            ids: self.objects.ids_of_type(kind),
            next: 0,
            asks: bytes >= ASK_FROM_BYTES,
        }
    }

    /// Asks memory for the object's own lines when they are at least half of its lines: their
    /// entries, and their text from its header on. Neither depends on the other (the text is
    /// where the header is, its length guessed from the number of lines), so nothing here waits
    /// for memory asked for a moment before. An object whose lines are mostly a template's
    /// (in the cache: every object on the template reads them) is left to the walk: asking for
    /// its few own lines made the walks of 100k phones on templates 3% slower, not faster.
    fn ask_for_lines(&self, object: &Object) {
        let section = self.section(object.section);
        let pieces = &self.pieces[section.pieces.start as usize..section.pieces.end as usize];
        let (own, inherited) =
            pieces
                .iter()
                .fold((0, 0), |(own, inherited), piece| match piece.is_form() {
                    true => (own, inherited + piece.len()),
                    false => (own + piece.len(), inherited),
                });
        if own == 0 || own < inherited {
            return;
        }
        for piece in pieces.iter().filter(|piece| !piece.is_form()) {
            let run = &self.vars[piece.range()];
            let (Some(first), Some(last)) = (run.first(), run.last()) else {
                continue;
            };
            let (first, last) = (first.origin, last.origin);
            if first.file == last.file && first.line <= last.line {
                let syntax = &self.file(first.file).syntax;
                ask_for(syntax.line_entries(first.line as usize..last.line as usize + 1));
            }
        }
        let header = section.name_span;
        let bytes: &[u8] = &self.file(header.file).bytes;
        let start = header.start as usize;
        let end = start
            .saturating_add((own + 1) * LINE_BYTES)
            .min(bytes.len());
        if let Some(text) = bytes.get(start..end) {
            ask_for(text);
        }
    }
}

/// Asks the CPU to bring `memory` (its first [`MOST_CACHE_LINES`]) into its cache, without
/// waiting for it.
fn ask_for<T>(memory: &[T]) {
    let len = std::mem::size_of_val(memory).min(CACHE_LINE * MOST_CACHE_LINES);
    let start = memory.as_ptr().cast::<u8>();
    for offset in (0..len).step_by(CACHE_LINE) {
        prefetch(start.wrapping_add(offset));
    }
}

#[cfg(target_arch = "x86_64")]
fn prefetch(at: *const u8) {
    // SAFETY: every x86-64 CPU has SSE, and a prefetch reads nothing: it is a hint that never
    // faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(at.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0);
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn prefetch(_: *const u8) {}

impl<'a> Iterator for Warm<'a> {
    type Item = &'a Object;

    fn next(&mut self) -> Option<&'a Object> {
        let id = *self.ids.get(self.next)?;
        let objects = &self.config.objects;
        if let Some(&ahead) = self.ids.get(self.next + AHEAD).filter(|_| self.asks) {
            self.config.ask_for_lines(objects.by_id(ahead));
        }
        self.next += 1;
        Some(objects.by_id(id))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.ids.len() - self.next;
        (left, Some(left))
    }
}

/// How many objects of the type there are is known without walking them.
impl ExactSizeIterator for Warm<'_> {}

impl<'a> Warm<'a> {
    /// The objects with their ids.
    pub fn with_ids(self) -> impl Iterator<Item = (ObjectId, &'a Object)> {
        let ids = self.ids;
        let first = self.next;
        self.enumerate()
            .map(move |(at, object)| (ids[first + at], object))
    }
}
