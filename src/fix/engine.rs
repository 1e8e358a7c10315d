//! The fixpoint loop: collect the fixes the diagnostics offer, apply those that do not overlap,
//! re-parse and re-lint, and go on until nothing changes (Ruff's `fix_file` loop).
//!
//! Nothing here writes to disk: the fixed texts are linted through
//! [`LoadOptions::overlay`](crate::model::LoadOptions), and the caller prints a diff
//! ([`super::diff`]) or writes them ([`super::write`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Applicability, Fix};
use crate::source::SourceFile;
use crate::syntax::{DirectiveKind, IgnoredBecause, LineKind};
use crate::{lint_bytes, lint_path, Linted, Settings};

/// Rounds of fixes at most: a fix that makes another one possible needs a second round; ten is
/// far more than any rule chain needs, and a bound stops fixes that undo each other.
pub const DEFAULT_MAX_ROUNDS: usize = 10;

#[derive(Debug, Clone)]
pub struct FixOptions {
    /// Apply unsafe fixes too (`--unsafe-fixes`); safe fixes are always applied.
    pub unsafe_fixes: bool,
    /// Rounds at most (each round re-parses and re-lints).
    pub max_rounds: usize,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            unsafe_fixes: false,
            max_rounds: DEFAULT_MAX_ROUNDS,
        }
    }
}

impl FixOptions {
    pub fn allows(&self, applicability: Applicability) -> bool {
        applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// What to fix.
#[derive(Debug, Clone)]
pub enum FixInput {
    /// A root file on disk, and the files it includes.
    Path(PathBuf),
    /// A root file in memory (stdin): only its text is fixed; the files it includes are read
    /// but left alone.
    Bytes {
        path: PathBuf,
        name: String,
        bytes: Vec<u8>,
    },
}

/// The result of [`fix`].
pub struct FixOutcome {
    /// The configuration after the fixes, and what the rules still find in it.
    pub linted: Linted,
    /// The files whose bytes the fixes changed, in the order they were first changed.
    pub changed: Vec<ChangedFile>,
    /// Every fix applied, in the order applied.
    pub applied: Vec<AppliedFix>,
    /// What the user should be told: fixes dropped because they would add a syntax error, files
    /// not rewritten, rounds exhausted. One sentence each, starting with the file name when there
    /// is one.
    pub notes: Vec<String>,
    /// For [`FixInput::Bytes`]: the fixed text (the input itself when nothing changed).
    pub stdin: Option<Vec<u8>>,
}

/// A file the fixes changed.
#[derive(Debug, Clone)]
pub struct ChangedFile {
    /// Where it was read from (as [`SourceFile::path`]).
    pub path: PathBuf,
    /// Its canonical path; `None` for stdin.
    pub canonical: Option<PathBuf>,
    /// The name messages use.
    pub name: String,
    pub original: Vec<u8>,
    pub fixed: Vec<u8>,
}

/// One fix that was applied.
#[derive(Debug, Clone)]
pub struct AppliedFix {
    pub rule: &'static str,
    pub title: String,
    pub applicability: Applicability,
    /// The round (from 1) that applied it.
    pub round: usize,
    /// Name of the file of its first edit, and the 1-based line there (in that round's text).
    pub file: String,
    pub line: usize,
    /// Its edits, in byte offsets of the texts as they were at the start of its round.
    pub edits: Vec<AppliedEdit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedEdit {
    /// Canonical path of the file; `None` for stdin.
    pub file: Option<PathBuf>,
    pub range: Range<usize>,
    pub replacement: String,
}

/// A file, however it is named in one round's [`Linted`] (file ids change when includes do).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum FileKey {
    Stdin,
    Disk(PathBuf),
}

impl FileKey {
    fn path(&self) -> Option<PathBuf> {
        match self {
            FileKey::Stdin => None,
            FileKey::Disk(path) => Some(path.clone()),
        }
    }
}

/// The texts being fixed.
#[derive(Clone)]
struct State {
    root: PathBuf,
    /// For stdin: its name and current text.
    stdin: Option<(String, Vec<u8>)>,
    /// Current texts of files on disk that differ from the disk (or came in as an overlay).
    disk: HashMap<PathBuf, Vec<u8>>,
}

impl State {
    fn lint(&self, settings: &Settings) -> io::Result<Snapshot> {
        let mut settings = settings.clone();
        if !self.disk.is_empty() {
            settings.load.overlay = Some(Arc::new(self.disk.clone()));
        }
        let linted = match &self.stdin {
            Some((name, bytes)) => lint_bytes(&self.root, name.clone(), bytes.clone(), &settings),
            None => lint_path(&self.root, &settings)?,
        };
        Ok(Snapshot::new(linted, self.stdin.is_some()))
    }

    fn set(&mut self, key: &FileKey, bytes: Vec<u8>) {
        match key {
            FileKey::Stdin => {
                if let Some((_, text)) = &mut self.stdin {
                    *text = bytes;
                }
            }
            FileKey::Disk(path) => {
                self.disk.insert(path.clone(), bytes);
            }
        }
    }
}

/// One lint of the current texts, with each file's key and syntax problems.
struct Snapshot {
    linted: Linted,
    keys: Vec<FileKey>,
    problems: HashMap<FileKey, Problems>,
}

impl Snapshot {
    fn new(linted: Linted, stdin: bool) -> Snapshot {
        let keys: Vec<FileKey> = linted
            .config
            .files
            .iter()
            .enumerate()
            .map(|(index, file)| {
                if stdin && index == 0 {
                    FileKey::Stdin
                } else {
                    FileKey::Disk(
                        fs::canonicalize(&file.path).unwrap_or_else(|_| file.path.clone()),
                    )
                }
            })
            .collect();
        let problems = keys
            .iter()
            .zip(&linted.config.files)
            .map(|(key, file)| (key.clone(), Problems::of(file)))
            .collect();
        Snapshot {
            linted,
            keys,
            problems,
        }
    }

    fn file(&self, index: usize) -> &SourceFile {
        &self.linted.config.files[index]
    }

    /// Whether `after` has more syntax problems than this in some file.
    fn worse(&self, after: &Snapshot) -> bool {
        after.problems.iter().any(|(key, problems)| {
            let before = self.problems.get(key).map_or(0, |p| p.all);
            problems.all > before
        })
    }
}

/// Syntax problems of a file, counted from its lines whatever rules are selected: the lines the
/// `syntax-error` rule reports (fatal: those with severity error, which make Asterisk reject the
/// file), and lines a fix must not create either (too long, a stray `--;`, an unclosed `;--`).
#[derive(Debug, Default, Clone, Copy)]
struct Problems {
    fatal: usize,
    all: usize,
}

impl Problems {
    fn of(file: &SourceFile) -> Problems {
        let mut problems = Problems::default();
        for line in file.syntax.lines() {
            let (fatal, any) = match &line.kind {
                LineKind::Error(error) => (error.kind.invalidates_file(), true),
                LineKind::Ignored(IgnoredBecause::NestLimit) => (true, true),
                LineKind::Ignored(IgnoredBecause::TooLong) => (false, true),
                LineKind::Directive(directive) => (false, {
                    let directive = file.syntax.directive(*directive);
                    directive.argument.is_empty() && directive.kind(file) != DirectiveKind::Unknown
                }),
                _ => (false, false),
            };
            problems.fatal += usize::from(fatal);
            problems.all += usize::from(any);
        }
        problems.all += file.syntax.stray_block_ends.len();
        problems.all += usize::from(file.syntax.unterminated_block.is_some());
        problems
    }
}

/// A fix offered in one round, with its edits located by file key.
#[derive(Clone)]
struct Candidate {
    rule: &'static str,
    title: String,
    applicability: Applicability,
    /// (file key, file index in the round's config, range, replacement), sorted.
    edits: Vec<Located>,
}

/// An edit located in one round: (file key, file index in the round's config, range, text).
type Located = (FileKey, usize, Range<usize>, String);

/// What makes two offers the same fix.
type Identity = (&'static str, String, Vec<Located>);

fn owned_identity(candidate: &Candidate) -> Identity {
    (
        candidate.rule,
        candidate.title.clone(),
        candidate.edits.clone(),
    )
}

/// Why offered fixes were not applied, gathered over the rounds and said once at the end.
#[derive(Default)]
struct Withheld {
    /// Files with a syntax error that makes Asterisk reject them: never rewritten.
    broken: BTreeSet<String>,
    /// Included files of a root read from stdin: only stdin's text is fixed.
    not_stdin: BTreeSet<String>,
    /// Fixes whose edits do not fit the file (a rule's bug).
    invalid: BTreeSet<String>,
}

/// Applies the fixes the diagnostics offer, in rounds, until nothing changes or
/// [`FixOptions::max_rounds`] is reached. Writes nothing.
///
/// Each round takes every allowed fix, in file and position order, skipping one whose edits
/// overlap an edit already taken (it waits for the next round) and files with a syntax error that
/// makes Asterisk reject them (reported, never rewritten); applies the edits to each file (from the
/// end, so offsets stay valid); and re-parses and re-lints the result through the same entry
/// points as a normal lint ([`lint_path`] / [`lint_bytes`] with an overlay). A round that would add
/// a syntax problem to some file is undone; its fixes are then tried one at a time, and the ones
/// that add a problem on their own are dropped, with a note.
///
/// `settings.load.overlay`, when set, holds texts already fixed (by an earlier root that includes
/// the same files): fixing goes on from them.
pub fn fix(input: FixInput, settings: &Settings, options: &FixOptions) -> io::Result<FixOutcome> {
    fix_offered(input, settings, options, &|linted: &Linted| {
        linted
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.clone().map(|fix| (d.rule, fix)))
            .collect()
    })
}

/// The fixes a lint offers: (rule name, fix).
pub(crate) type Offers<'a> = &'a dyn Fn(&Linted) -> Vec<(&'static str, Fix)>;

/// [`fix`], with the fixes taken from `offers` instead of the diagnostics (tests offer their
/// own).
pub(crate) fn fix_offered(
    input: FixInput,
    settings: &Settings,
    options: &FixOptions,
    offers: Offers<'_>,
) -> io::Result<FixOutcome> {
    let mut state = State {
        root: PathBuf::new(),
        stdin: None,
        disk: settings
            .load
            .overlay
            .as_deref()
            .cloned()
            .unwrap_or_default(),
    };
    match input {
        FixInput::Path(path) => state.root = path,
        FixInput::Bytes { path, name, bytes } => {
            state.root = path;
            state.stdin = Some((name, bytes));
        }
    }
    let mut snapshot = state.lint(settings)?;
    let mut applied = Vec::new();
    let mut notes = Vec::new();
    let mut rejected: HashSet<Identity> = HashSet::new();
    let mut withheld = Withheld::default();
    let mut changed: Vec<(FileKey, ChangedFile)> = Vec::new();
    let mut round = 0;
    loop {
        let offered = offers(&snapshot.linted);
        let candidates = collect(&snapshot, offered, options, &rejected, &mut withheld);
        let chosen = choose(candidates);
        if chosen.is_empty() {
            break;
        }
        if round == options.max_rounds {
            notes.push(format!(
                "stopped after {round} rounds of fixes with fixes left to apply; run again to \
                 apply the rest"
            ));
            break;
        }
        round += 1;
        let mut group = chosen;
        let mut said = false;
        let next = loop {
            if let Some(next) = try_round(&state, &snapshot, &group, settings)? {
                break Some(next);
            }
            if group.len() > 1 && !said {
                notes.push(format!(
                    "round {round} of fixes was dropped: together its {} fixes would add a \
                     syntax error; trying them one at a time",
                    group.len()
                ));
                said = true;
            }
            let mut kept = Vec::new();
            for candidate in &group {
                let alone = std::slice::from_ref(candidate);
                if group.len() > 1 && try_round(&state, &snapshot, alone, settings)?.is_some() {
                    kept.push(candidate.clone());
                } else {
                    let (file, line) = first_position(&snapshot, candidate);
                    notes.push(format!(
                        "{file}:{line}: fix `{}` ({}) not applied: it would add a syntax error",
                        candidate.title, candidate.rule
                    ));
                    rejected.insert(owned_identity(candidate));
                }
            }
            if kept.is_empty() {
                break None;
            }
            if kept.len() == group.len() {
                // Each is fine alone, not together: one at a time, over the next rounds.
                kept.truncate(1);
            }
            group = kept;
        };
        let Some((next_state, next_snapshot)) = next else {
            // Nothing applied: the round does not count (each such round rejects a fix for good,
            // so this ends).
            round -= 1;
            continue;
        };
        for candidate in &group {
            let (file, line) = first_position(&snapshot, candidate);
            applied.push(AppliedFix {
                rule: candidate.rule,
                title: candidate.title.clone(),
                applicability: candidate.applicability,
                round,
                file,
                line,
                edits: candidate
                    .edits
                    .iter()
                    .map(|(key, _, range, text)| AppliedEdit {
                        file: key.path(),
                        range: range.clone(),
                        replacement: text.clone(),
                    })
                    .collect(),
            });
            for (key, index, _, _) in &candidate.edits {
                if changed.iter().all(|(known, _)| known != key) {
                    let source = snapshot.file(*index);
                    changed.push((
                        key.clone(),
                        ChangedFile {
                            path: source.path.clone(),
                            canonical: key.path(),
                            name: source.name.clone(),
                            original: source.bytes.to_vec(),
                            fixed: Vec::new(),
                        },
                    ));
                }
            }
        }
        state = next_state;
        snapshot = next_snapshot;
    }
    for name in &withheld.broken {
        notes.push(format!(
            "{name}: not fixed: it has a syntax error that makes Asterisk reject it; correct that \
             first"
        ));
    }
    for name in &withheld.not_stdin {
        notes.push(format!(
            "{name}: not fixed: only the text read from stdin is fixed, not the files it includes"
        ));
    }
    for what in &withheld.invalid {
        notes.push(format!(
            "{what}: fix not applied: its edits do not fit the file (a bug in pjsiplint)"
        ));
    }
    let changed = changed
        .into_iter()
        .filter_map(|(key, mut file)| {
            file.fixed = match &key {
                FileKey::Stdin => state.stdin.as_ref().map(|(_, text)| text.clone())?,
                FileKey::Disk(path) => state.disk.get(path)?.clone(),
            };
            (file.fixed != file.original).then_some(file)
        })
        .collect();
    Ok(FixOutcome {
        linted: snapshot.linted,
        changed,
        applied,
        notes,
        stdin: state.stdin.map(|(_, text)| text),
    })
}

/// The fixes offered in this round that may be applied.
fn collect(
    snapshot: &Snapshot,
    offered: Vec<(&'static str, Fix)>,
    options: &FixOptions,
    rejected: &HashSet<Identity>,
    withheld: &mut Withheld,
) -> Vec<Candidate> {
    let config = &snapshot.linted.config;
    let mut out = Vec::new();
    'fixes: for (rule, fix) in offered {
        if !options.allows(fix.applicability) || fix.edits.is_empty() {
            continue;
        }
        let mut edits = Vec::with_capacity(fix.edits.len());
        for edit in &fix.edits {
            let index = edit.span.file.0 as usize;
            let Some(file) = config.files.get(index) else {
                withheld.invalid.insert(format!("{} `{}`", rule, fix.title));
                continue 'fixes;
            };
            let range = edit.span.range();
            if range.start > range.end || range.end > file.bytes.len() {
                withheld
                    .invalid
                    .insert(format!("{}: {} `{}`", file.name, rule, fix.title));
                continue 'fixes;
            }
            let key = &snapshot.keys[index];
            if snapshot.problems.get(key).is_some_and(|p| p.fatal > 0) {
                withheld.broken.insert(file.name.clone());
                continue 'fixes;
            }
            if snapshot.keys[0] == FileKey::Stdin && *key != FileKey::Stdin {
                withheld.not_stdin.insert(file.name.clone());
                continue 'fixes;
            }
            // An edit that changes nothing is no edit (and would be offered forever).
            if file.bytes[range.clone()] == *edit.replacement.as_bytes() {
                continue;
            }
            edits.push((key.clone(), index, range, edit.replacement.clone()));
        }
        if edits.is_empty() {
            continue;
        }
        edits.sort_by(|a, b| (&a.0, a.2.start, a.2.end).cmp(&(&b.0, b.2.start, b.2.end)));
        // Edits of one fix must not overlap each other.
        if edits
            .windows(2)
            .any(|pair| pair[0].0 == pair[1].0 && overlaps(&pair[0].2, &pair[1].2))
        {
            let name = &config.files[edits[0].1].name;
            withheld
                .invalid
                .insert(format!("{name}: {} `{}`", rule, fix.title));
            continue;
        }
        let candidate = Candidate {
            rule,
            title: fix.title,
            applicability: fix.applicability,
            edits,
        };
        if rejected.contains(&owned_identity(&candidate)) {
            continue;
        }
        out.push(candidate);
    }
    out
}

/// The fixes of one round: in file and position order, each unless it overlaps one taken before.
fn choose(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    // Sorting by the whole edit list puts identical offers side by side, first edit first.
    candidates.sort_by(|a, b| {
        let order = |c: &Candidate| {
            c.edits
                .iter()
                .map(|(key, _, range, text)| (key.clone(), range.start, range.end, text.clone()))
                .collect::<Vec<_>>()
        };
        order(a).cmp(&order(b))
    });
    let mut taken: HashMap<FileKey, Taken> = HashMap::new();
    let mut chosen: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        // The same edits offered again (one template line, many inheriting sections).
        if chosen.last().is_some_and(|c| c.edits == candidate.edits) {
            continue;
        }
        let clash = candidate
            .edits
            .iter()
            .any(|(key, _, range, _)| taken.get(key).is_some_and(|taken| taken.clashes(range)));
        if clash {
            continue;
        }
        for (key, _, range, _) in &candidate.edits {
            taken
                .entry(key.clone())
                .or_default()
                .0
                .insert(range.start, range.end);
        }
        chosen.push(candidate);
    }
    chosen
}

/// The ranges already chosen in one file, by start; they never clash with each other, so they
/// are also sorted by end.
#[derive(Default)]
struct Taken(std::collections::BTreeMap<usize, usize>);

impl Taken {
    fn clashes(&self, range: &Range<usize>) -> bool {
        // The last range starting before this one is the only earlier one that can reach into it;
        // any that starts inside it (or at its end) is checked too.
        let before = self.0.range(..range.start).next_back();
        let inside = self.0.range(range.start..=range.end);
        before
            .into_iter()
            .chain(inside)
            .any(|(&start, &end)| overlaps(range, &(start..end)))
    }
}

/// Whether two edits touch the same bytes. An insertion (empty range) also clashes with an edit
/// that starts or ends where it inserts: which goes first would be a guess.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}

/// A file's index in the round's config and the edits to apply to it.
type FileEdits<'a> = (usize, Vec<(Range<usize>, &'a str)>);

/// Applies `group` to the current texts and lints the result: `None` when that adds a syntax
/// problem to some file.
fn try_round(
    state: &State,
    snapshot: &Snapshot,
    group: &[Candidate],
    settings: &Settings,
) -> io::Result<Option<(State, Snapshot)>> {
    let mut per_file: HashMap<&FileKey, FileEdits<'_>> = HashMap::new();
    for candidate in group {
        for (key, index, range, text) in &candidate.edits {
            per_file
                .entry(key)
                .or_insert_with(|| (*index, Vec::new()))
                .1
                .push((range.clone(), text));
        }
    }
    let mut next = state.clone();
    for (key, (index, mut edits)) in per_file {
        let bytes = apply(&snapshot.file(index).bytes, &mut edits);
        next.set(key, bytes);
    }
    let after = next.lint(settings)?;
    if snapshot.worse(&after) {
        return Ok(None);
    }
    Ok(Some((next, after)))
}

/// The bytes with non-overlapping `edits` applied; every byte outside them is copied as it is.
/// (Building the result front to back is the same as applying the edits from the end.)
pub(crate) fn apply(bytes: &[u8], edits: &mut [(Range<usize>, &str)]) -> Vec<u8> {
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let grow: usize = edits.iter().map(|(_, text)| text.len()).sum();
    let mut out = Vec::with_capacity(bytes.len() + grow);
    let mut at = 0;
    for (range, text) in edits.iter() {
        out.extend_from_slice(&bytes[at..range.start]);
        out.extend_from_slice(text.as_bytes());
        at = range.end;
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

fn first_position(snapshot: &Snapshot, candidate: &Candidate) -> (String, usize) {
    let (_, index, range, _) = &candidate.edits[0];
    let file = snapshot.file(*index);
    (file.name.clone(), file.line_col(range.start as u32).line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;
    use crate::source::{FileId, Span};

    fn root(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pjsip.conf");
        fs::write(&path, text).unwrap();
        (dir, path)
    }

    /// Fixes that replace `from` with `to` wherever it occurs in the root file.
    fn replace_all(
        linted: &Linted,
        rule: &'static str,
        from: &str,
        to: &str,
    ) -> Vec<(&'static str, Fix)> {
        let bytes = &linted.config.files[0].bytes;
        let mut out = Vec::new();
        for (at, window) in bytes.windows(from.len()).enumerate() {
            if window == from.as_bytes() {
                let span = Span::new(FileId(0), at as u32..(at + from.len()) as u32);
                out.push((
                    rule,
                    Fix::safe(format!("{from} to {to}"), vec![Edit::replace(span, to)]),
                ));
            }
        }
        out
    }

    fn run(path: &Path, offers: Offers<'_>) -> FixOutcome {
        fix_offered(
            FixInput::Path(path.to_path_buf()),
            &Settings::default(),
            &FixOptions::default(),
            offers,
        )
        .unwrap()
    }

    use std::path::Path;

    #[test]
    fn an_overlapping_fix_waits_for_the_next_round() {
        let (_dir, path) = root("[s]\na=1\n");
        let outcome = run(&path, &|linted| {
            let mut offers = replace_all(linted, "rename", "a=", "b=");
            offers.extend(replace_all(linted, "value", "b=1", "b=2"));
            offers.extend(replace_all(linted, "value", "a=1", "b=2x"));
            offers
        });
        // Round 1: `a=` -> `b=` (first by position; `a=1` overlaps and waits). Round 2: `b=1`.
        assert_eq!(outcome.changed[0].fixed, b"[s]\nb=2\n");
        let rounds: Vec<(usize, &str)> =
            outcome.applied.iter().map(|f| (f.round, f.rule)).collect();
        assert_eq!(rounds, [(1, "rename"), (2, "value")]);
        assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);
        assert_eq!(
            fs::read(&path).unwrap(),
            b"[s]\na=1\n",
            "the engine writes nothing"
        );
    }

    #[test]
    fn a_fix_that_adds_a_syntax_error_is_dropped_and_said() {
        let (_dir, path) = root("[s]\na=1\n");
        let outcome = run(&path, &|linted| {
            let mut offers = replace_all(linted, "breaks", "s]", "s");
            offers.extend(replace_all(linted, "fine", "a=1", "a=2"));
            offers
        });
        assert_eq!(outcome.changed[0].fixed, b"[s]\na=2\n");
        assert_eq!(outcome.applied.len(), 1);
        assert!(
            outcome.notes.iter().any(|n| n.contains(
                "pjsip.conf:1: fix `s] to s` (breaks) not applied: it would add a syntax error"
            )),
            "{:?}",
            outcome.notes
        );
        assert!(outcome
            .notes
            .iter()
            .any(|n| n.contains("round 1 of fixes was dropped")));
    }

    #[test]
    fn rounds_are_bounded() {
        let (_dir, path) = root("[s]\na=1\n");
        let outcome = run(&path, &|linted| {
            let mut offers = replace_all(linted, "flip", "a=1", "a=2");
            offers.extend(replace_all(linted, "flop", "a=2", "a=1"));
            offers
        });
        assert_eq!(outcome.applied.len(), DEFAULT_MAX_ROUNDS);
        assert!(outcome
            .notes
            .iter()
            .any(|n| n.contains("stopped after 10 rounds")));
        // Ten flips: back where it started, so nothing to write.
        assert!(outcome.changed.is_empty());
    }

    #[test]
    fn a_file_with_a_syntax_error_is_not_rewritten() {
        let (_dir, path) = root("[s]\na=1\n[broken\n");
        let outcome = run(&path, &|linted| replace_all(linted, "fine", "a=1", "a=2"));
        assert!(outcome.changed.is_empty());
        assert!(outcome.applied.is_empty());
        assert!(
            outcome.notes.iter().any(|n| n.ends_with("pjsip.conf: not fixed: it has a syntax error that makes Asterisk reject it; correct that first")),
            "{:?}",
            outcome.notes
        );
    }

    #[test]
    fn the_same_fix_offered_twice_is_applied_once() {
        let (_dir, path) = root("[s]\na=1\n");
        let outcome = run(&path, &|linted| {
            let mut offers = replace_all(linted, "fine", "a=1", "a=2");
            offers.extend(replace_all(linted, "fine", "a=1", "a=2"));
            offers
        });
        assert_eq!(outcome.applied.len(), 1);
        assert_eq!(outcome.changed[0].fixed, b"[s]\na=2\n");
    }

    #[test]
    fn stdin_fixes_only_its_own_text() {
        let (dir, _) = root("");
        fs::write(dir.path().join("inc.conf"), "[t]\na=1\n").unwrap();
        let mut settings = Settings::default();
        settings.load.config_dir = Some(dir.path().to_path_buf());
        let input = FixInput::Bytes {
            path: PathBuf::from("-"),
            name: "-".into(),
            bytes: b"#include inc.conf\n[s]\na=1\n".to_vec(),
        };
        let outcome = fix_offered(input, &settings, &FixOptions::default(), &|linted| {
            let mut offers = replace_all(linted, "fine", "a=1", "a=2");
            // The same in the included file.
            let inc = &linted.config.files[1].bytes;
            let at = inc.windows(3).position(|w| w == b"a=1");
            if let Some(at) = at {
                let span = Span::new(FileId(1), at as u32..at as u32 + 3);
                offers.push(("fine", Fix::safe("inc", vec![Edit::replace(span, "a=2")])));
            }
            offers
        })
        .unwrap();
        assert_eq!(
            outcome.stdin.as_deref(),
            Some(&b"#include inc.conf\n[s]\na=2\n"[..])
        );
        assert_eq!(outcome.changed.len(), 1);
        assert!(outcome
            .notes
            .iter()
            .any(|n| n.contains("inc.conf: not fixed: only the text read from stdin")));
    }

    #[test]
    fn apply_copies_every_byte_outside_the_edits() {
        let bytes = b"a\r\nb\xff\tc";
        let out = apply(bytes, &mut [(3..4, "B"), (0..0, ">"), (7..7, "!")]);
        assert_eq!(out, b">a\r\nB\xff\tc!".to_vec());
        assert!(overlaps(&(2..2), &(2..4)));
        assert!(overlaps(&(2..2), &(2..2)));
        assert!(!overlaps(&(0..2), &(2..4)));
        assert!(overlaps(&(0..3), &(2..4)));
    }
}
