//! Reading ahead: the files a file `#include`s after its first include are read on another
//! thread, and their parse started, while the builder, which runs on one core, reads the sections
//! before them.
//!
//! FreePBX's split layout (`pjsip.conf` including `pjsip.endpoint.conf`, `pjsip.aor.conf`,
//! `pjsip.auth.conf`, ...) made the builder stop at each include for its file's read and parse,
//! with the other core idle while it built the file before. Only the work moves: a file is still
//! added to the configuration when the builder reaches its include, as Asterisk reads it, and a
//! file read ahead that the builder never reaches (a mistake stopped it) is dropped.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use rustc_hash::FxHashMap;

use super::files::Files;
use crate::source::SourceFile;
use crate::syntax::ParseStream;

/// A file read ahead, with the stream of its lines when it is large enough to be parsed while
/// it is read ([`SourceFile::streamed`]).
pub(super) type Streamed = (SourceFile, Option<ParseStream>);

/// A file read ahead: `None` when it could not be read (the builder says so as before).
type Read = (PathBuf, Option<Streamed>);

#[derive(Default)]
pub(super) struct ReadAhead {
    /// Canonical paths asked for and not yet taken, with the batch reading them.
    asked: FxHashMap<PathBuf, usize>,
    /// Each batch's results, in the order its thread reads them.
    batches: Vec<Receiver<Read>>,
    /// Results received while waiting for another file of their batch.
    ready: FxHashMap<PathBuf, Option<Streamed>>,
}

impl ReadAhead {
    /// Starts reading `files` (canonical path, path as included) on a thread of their own, in
    /// order, leaving out those already asked for. Not on WebAssembly, which has no threads.
    pub(super) fn ask(&mut self, reader: &Files, files: Vec<(PathBuf, PathBuf)>) {
        let files: Vec<(PathBuf, PathBuf)> = files
            .into_iter()
            .filter(|(canonical, _)| !self.asked.contains_key(canonical))
            .collect();
        if files.is_empty() || cfg!(target_arch = "wasm32") {
            return;
        }
        let (sender, receiver) = mpsc::channel();
        let batch = self.batches.len();
        self.batches.push(receiver);
        for (canonical, _) in &files {
            self.asked.insert(canonical.clone(), batch);
        }
        let reader = reader.clone();
        let spawned = std::thread::Builder::new().spawn(move || {
            for (canonical, path) in files {
                let file = reader.read(&canonical).ok().map(|bytes| {
                    let name = path.to_string_lossy().into_owned();
                    SourceFile::streamed(path, name, bytes.into())
                });
                // The builder stopped waiting (it was dropped): nothing more is wanted.
                if sender.send((canonical, file)).is_err() {
                    return;
                }
            }
        });
        if spawned.is_err() {
            // No thread to be had: every file of the batch is read when it is reached.
            self.asked.retain(|_, asked| *asked != batch);
        }
    }

    /// The file at `canonical`, read ahead and included as `path`, waiting for it if its thread
    /// has not got there; `None` when it was not read ahead (or its thread ended without it),
    /// so the caller reads it itself.
    pub(super) fn take(&mut self, canonical: &Path, path: &Path) -> Option<Option<Streamed>> {
        let batch = self.asked.remove(canonical)?;
        let file = match self.ready.remove(canonical) {
            Some(file) => file,
            None => loop {
                let (read, file) = self.batches[batch].recv().ok()?;
                if read == canonical {
                    break file;
                }
                self.ready.insert(read, file);
            },
        };
        // Asked for under the first path that named it; reached now under this one (compared
        // as written: `Path` equality ignores `.` components, which the name shows).
        Some(file.map(|(mut file, stream)| {
            if file.path.as_os_str() != path.as_os_str() {
                file.name = path.to_string_lossy().into_owned();
                file.path = path.to_path_buf();
            }
            (file, stream)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::{Files, ReadAhead};
    use std::path::PathBuf;

    fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.canonicalize().unwrap()
    }

    #[test]
    fn files_read_ahead_are_the_files_read() {
        let dir = std::env::temp_dir().join(format!("pjsiplint-read-ahead-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = write(&dir, "a.conf", "[a]\ntype=aor\n");
        let b = write(&dir, "b.conf", "[b]\ntype=aor\n");
        let missing = dir.join("missing.conf");
        let mut ahead = ReadAhead::default();
        let files = Files::default();
        ahead.ask(
            &files,
            vec![
                (a.clone(), PathBuf::from("a.conf")),
                (missing.clone(), missing.clone()),
                (b.clone(), PathBuf::from("b.conf")),
            ],
        );
        // Asked again (another include of the same file): read once.
        ahead.ask(&files, vec![(a.clone(), PathBuf::from("./a.conf"))]);
        // Taken out of order, and under another path than it was asked for.
        let (b_file, _) = ahead.take(&b, &PathBuf::from("./b.conf")).unwrap().unwrap();
        assert_eq!(&*b_file.bytes, b"[b]\ntype=aor\n");
        assert_eq!(b_file.name, "./b.conf");
        assert_eq!(b_file.syntax.line_count(), 3);
        assert!(ahead.take(&missing, &missing).unwrap().is_none());
        let (a_file, _) = ahead.take(&a, &PathBuf::from("a.conf")).unwrap().unwrap();
        assert_eq!(
            (a_file.name.as_str(), &*a_file.bytes),
            ("a.conf", &b"[a]\ntype=aor\n"[..])
        );
        // Taken once; what was never asked for is read by the caller.
        assert!(ahead.take(&a, &a).is_none());
        assert!(ahead.take(&dir.join("other.conf"), &a).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
