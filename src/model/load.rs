//! Reading files: the root file, and the files `#include` / `#tryinclude` name (main/config.c
//! `process_text_line` l.2165-2274 and `config_text_file_load` l.2392-2396, see
//! ../shared/asterisk/dialect.md section 5).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::build::Builder;
use super::files::Files;
use super::Config;
use crate::source::{FileId, SourceFile};

/// Asterisk's MAX_INCLUDE_LEVEL: the root file is level 1.
pub const MAX_INCLUDE_LEVEL: usize = 10;

/// Asterisk limits an include path to 255 bytes (`char fn[256]`).
const MAX_INCLUDE_PATH: usize = 255;

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Relative include paths are resolved against this directory (Asterisk's astetcdir);
    /// default: the root file's directory.
    pub config_dir: Option<PathBuf>,
    /// Contents read instead of the disk's, by canonical path: the fixer lints its fixed text
    /// before writing it (`crate::fix`). `None` reads every file from disk.
    pub overlay: Option<Arc<HashMap<PathBuf, Vec<u8>>>>,
    /// The overlay holds every file there is: the disk is never read (the WebAssembly playground,
    /// which has none). Paths are then compared as written, not resolved through the disk.
    pub in_memory: bool,
}

/// Reads the root file at `path` and everything it includes. Only a failure to read the root file
/// is an error; problems with includes are recorded in [`Config::load_problems`].
pub fn load(path: &Path, options: &LoadOptions) -> io::Result<Config> {
    let bytes = Files::new(options).read(path)?;
    let name = path.to_string_lossy().into_owned();
    Ok(load_bytes(path, name, bytes, options))
}

/// Builds the configuration from a root file already in memory (stdin, tests).
pub fn load_bytes(path: &Path, name: String, bytes: Vec<u8>, options: &LoadOptions) -> Config {
    let config_dir = options.config_dir.clone().unwrap_or_else(|| {
        path.parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let mut config = Config::default();
    config
        .files
        .push(SourceFile::new(path.to_path_buf(), name, bytes));
    let files = Files::new(options);
    if let Some(canonical) = files.canonical(path) {
        config.file_index.insert(canonical, FileId(0));
    }
    Builder::new(&mut config, config_dir, files).run();
    config.index_key_names();
    config.objects = super::objects::build(&config);
    config
}

/// Reads a file only if it is a regular file: a directory, FIFO or device (`/dev/zero`) would
/// block or never end. Asterisk skips non-regular files too ("is not a regular file, ignoring").
pub(super) fn read_regular_file(path: &Path) -> io::Result<Vec<u8>> {
    let metadata = fs::metadata(path)?;
    if metadata.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    if !metadata.is_file() {
        return Err(io::Error::other("is not a regular file"));
    }
    fs::read(path)
}

/// What an include argument names: the files it matches, in glob order (sorted, as glob(3)).
pub(super) enum Resolved {
    Files(Vec<PathBuf>),
    /// Nothing matched (a missing file, or a pattern matching nothing).
    Nothing,
}

pub(super) fn resolve_include(files: &Files, config_dir: &Path, target: &str) -> Resolved {
    let joined = if Path::new(target).is_absolute() {
        PathBuf::from(target)
    } else {
        config_dir.join(target)
    };
    let joined_text = joined.to_string_lossy();
    // Asterisk cuts the joined path at 255 bytes (silently): cut at a character boundary.
    let mut cut = joined_text.len().min(MAX_INCLUDE_PATH);
    while !joined_text.is_char_boundary(cut) {
        cut -= 1;
    }
    let pattern = &joined_text[..cut];
    let has_magic = pattern.contains(['*', '?', '[']);
    if !has_magic {
        // GLOB_NOMAGIC: a plain path is used as it is.
        let path = PathBuf::from(pattern);
        return if files.exists(&path) {
            Resolved::Files(vec![path])
        } else {
            Resolved::Nothing
        };
    }
    let files = files.glob(pattern);
    if files.is_empty() {
        Resolved::Nothing
    } else {
        Resolved::Files(files)
    }
}
