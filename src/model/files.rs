//! Where the loader reads files: the disk, with texts held in memory over it (the fixer's
//! overlay), or only texts held in memory (the WebAssembly playground, which has no disk).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::load::{read_regular_file, LoadOptions};

#[derive(Debug, Clone, Default)]
pub(super) struct Files {
    /// [`LoadOptions::overlay`].
    overlay: Option<Arc<HashMap<PathBuf, Vec<u8>>>>,
    /// [`LoadOptions::in_memory`].
    in_memory: bool,
}

impl Files {
    pub(super) fn new(options: &LoadOptions) -> Files {
        Files {
            overlay: options.overlay.clone(),
            in_memory: options.in_memory,
        }
    }

    /// The path a file is known by (in the overlay and `Config::file_index`): on disk the
    /// canonical path, so that a file included twice by different paths is read once; in memory
    /// the path itself (`Path` equality already ignores `.` components and doubled slashes).
    pub(super) fn canonical(&self, path: &Path) -> Option<PathBuf> {
        if self.in_memory {
            return self.text(path).map(|_| path.to_path_buf());
        }
        fs::canonicalize(path).ok()
    }

    /// A file's bytes: from the overlay when it holds the file, else from disk (regular files
    /// only, see [`read_regular_file`]) unless the loader reads only from memory.
    pub(super) fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.in_memory {
            return self
                .text(path)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound));
        }
        // Resolved only when there is an overlay to look in: a path costs a system call.
        if self.overlay.is_some() {
            if let Some(bytes) = self.canonical(path).and_then(|path| self.text(&path)) {
                return Ok(bytes.to_vec());
            }
        }
        read_regular_file(path)
    }

    /// Whether a path without glob characters names a file (GLOB_NOMAGIC uses it as it is).
    pub(super) fn exists(&self, path: &Path) -> bool {
        if self.in_memory {
            return self.text(path).is_some();
        }
        path.exists()
    }

    /// The paths a glob pattern matches, sorted as glob(3) sorts them.
    pub(super) fn glob(&self, pattern: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = if self.in_memory {
            let Ok(pattern) = glob::Pattern::new(pattern) else {
                return Vec::new();
            };
            // As on disk, where the glob crate matches one directory level at a time: `*` never
            // crosses a `/`.
            let options = glob::MatchOptions {
                require_literal_separator: true,
                ..glob::MatchOptions::new()
            };
            self.overlay
                .iter()
                .flat_map(|overlay| overlay.keys())
                .filter(|path| pattern.matches_path_with(path, options))
                .cloned()
                .collect()
        } else {
            let Ok(paths) = glob::glob(pattern) else {
                return Vec::new();
            };
            paths.filter_map(Result::ok).collect()
        };
        files.sort();
        files
    }

    fn text(&self, path: &Path) -> Option<&[u8]> {
        self.overlay.as_deref()?.get(path).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_memory(paths: &[&str]) -> Files {
        let texts = paths
            .iter()
            .map(|path| (PathBuf::from(path), path.as_bytes().to_vec()))
            .collect();
        Files::new(&LoadOptions {
            overlay: Some(Arc::new(texts)),
            in_memory: true,
            ..LoadOptions::default()
        })
    }

    #[test]
    fn in_memory_the_disk_is_never_read() {
        let files = in_memory(&["/etc/asterisk/pjsip.conf"]);
        assert_eq!(
            files.read(Path::new("/etc/asterisk/./pjsip.conf")).unwrap(),
            b"/etc/asterisk/pjsip.conf"
        );
        // /etc/hostname exists on disk, not in memory.
        assert!(files.read(Path::new("/etc/hostname")).is_err());
        assert!(!files.exists(Path::new("/etc/hostname")));
        assert!(files.canonical(Path::new("/etc/hostname")).is_none());
    }

    #[test]
    fn a_configuration_loads_from_memory_with_its_includes() {
        let texts = [
            (
                "pjsip.conf",
                "#include conf.d/*.conf\n#include phones.conf\n",
            ),
            ("conf.d/b.conf", "[b]\ntype=aor\n"),
            ("conf.d/a.conf", "[a]\ntype=aor\n"),
            ("phones.conf", "[p]\ntype=aor\n"),
        ];
        let options = LoadOptions {
            config_dir: Some(PathBuf::new()),
            overlay: Some(Arc::new(
                texts
                    .iter()
                    .map(|(name, text)| (PathBuf::from(name), text.as_bytes().to_vec()))
                    .collect(),
            )),
            in_memory: true,
            ..LoadOptions::default()
        };
        let config = super::super::load(Path::new("pjsip.conf"), &options).unwrap();
        let names: Vec<&str> = config.files.iter().map(|file| file.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "pjsip.conf",
                "conf.d/a.conf",
                "conf.d/b.conf",
                "phones.conf"
            ]
        );
        assert!(config.load_problems.is_empty());
    }

    #[test]
    fn in_memory_globs_match_one_level_in_order() {
        let files = in_memory(&["/c/b.conf", "/c/a.conf", "/c/d/e.conf", "/c/x.txt"]);
        assert_eq!(
            files.glob("/c/*.conf"),
            [PathBuf::from("/c/a.conf"), PathBuf::from("/c/b.conf")]
        );
        assert!(files.glob("/c/[").is_empty());
    }
}
