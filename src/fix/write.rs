//! `--fix`: writing fixed files so that a failure at any point leaves every original intact.
//!
//! For each file: a temporary file in the same directory (so the rename cannot cross file
//! systems), the fixed bytes written and fsynced, the original's mode (and owner, where allowed:
//! as root) given to it, then renamed over the original, and the directory fsynced. All files of a
//! run are prepared before any is renamed, so a full disk or a read-only directory writes nothing.
//! A file whose bytes do not change is not touched (same inode, same mtime).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One file to write: where it was read from, the bytes read, and the bytes to write.
pub struct FileWrite<'a> {
    pub path: &'a Path,
    pub original: &'a [u8],
    pub fixed: &'a [u8],
}

/// Why nothing (or not everything) was written, naming the file.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for WriteError {}

/// Writes every file whose bytes change, atomically; returns how many were written. On an error
/// no original has been replaced (the error says which file and why) unless the failure is in the
/// final renames themselves, which happen only once every file is written and synced.
pub fn write_files(files: &[FileWrite<'_>]) -> Result<usize, WriteError> {
    let mut prepared: Vec<Prepared> = Vec::new();
    for file in files.iter().filter(|file| file.original != file.fixed) {
        match prepare(file) {
            Ok(one) => prepared.push(one),
            Err(message) => {
                for one in &prepared {
                    let _ = fs::remove_file(&one.temp);
                }
                return Err(WriteError {
                    path: file.path.to_path_buf(),
                    message,
                });
            }
        }
    }
    let count = prepared.len();
    let mut failure = None;
    for one in &prepared {
        if failure.is_some() {
            let _ = fs::remove_file(&one.temp);
            continue;
        }
        if let Err(e) = fs::rename(&one.temp, &one.target) {
            let _ = fs::remove_file(&one.temp);
            failure = Some(WriteError {
                path: one.shown.clone(),
                message: format!("cannot rename the temporary file over it: {e}"),
            });
            continue;
        }
        sync_dir(&one.target);
    }
    match failure {
        Some(error) => Err(error),
        None => Ok(count),
    }
}

/// A temporary file with the fixed bytes, ready to be renamed over `target`.
struct Prepared {
    temp: PathBuf,
    target: PathBuf,
    shown: PathBuf,
}

fn prepare(file: &FileWrite<'_>) -> Result<Prepared, String> {
    // Write where the file really is: renaming over a symbolic link would replace the link.
    let target = fs::canonicalize(file.path).map_err(|e| format!("cannot find it: {e}"))?;
    let metadata = fs::metadata(&target).map_err(|e| e.to_string())?;
    let current = fs::read(&target).map_err(|e| format!("cannot read it again: {e}"))?;
    if current != file.original {
        return Err("it changed on disk while pjsiplint was fixing it; nothing written".to_owned());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let (temp, mut out) = create_temp(dir, &target)
        .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    let result = fill(&mut out, file.fixed, &metadata);
    drop(out);
    match result {
        Ok(()) => Ok(Prepared {
            temp,
            target,
            shown: file.path.to_path_buf(),
        }),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// Writes and syncs the bytes, and gives the file the original's mode and owner.
fn fill(out: &mut File, bytes: &[u8], original: &fs::Metadata) -> Result<(), String> {
    out.write_all(bytes)
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    // The owner first: chown clears set-user-ID bits, the mode then sets them again.
    let mine = out.metadata().map_err(|e| e.to_string())?;
    if mine.uid() != original.uid() || mine.gid() != original.gid() {
        // Allowed as root; otherwise keep at least the group when we are in it.
        if std::os::unix::fs::fchown(&*out, Some(original.uid()), Some(original.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(&*out, None, Some(original.gid()));
        }
    }
    out.set_permissions(fs::Permissions::from_mode(original.mode() & 0o7777))
        .map_err(|e| format!("cannot set the file mode: {e}"))?;
    out.sync_all()
        .map_err(|e| format!("cannot sync the temporary file: {e}"))
}

fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let base = target
        .file_name()
        .map_or_else(|| "pjsip.conf".into(), |name| name.to_string_lossy());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{base}.pjsiplint-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Makes the rename durable (best effort: some file systems cannot sync a directory).
fn sync_dir(target: &Path) {
    if let Some(dir) = target.parent() {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}
