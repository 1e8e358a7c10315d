//! Reading files: the root file, and the files `#include` / `#tryinclude` name (main/config.c
//! `process_text_line` l.2165-2274 and `config_text_file_load` l.2392-2396, see
//! ../shared/asterisk/dialect.md section 5).

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::build::Builder;
use super::files::Files;
use super::{Config, Root, RootKind};
use crate::source::{Contents, FileId, SourceFile};
use crate::syntax::ParseStream;

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
    /// Read the root file as a pjsip_wizard.conf (`Some(true)`) or as a pjsip.conf
    /// (`Some(false)`) whatever its name; `None`: by its name ([`is_wizard_name`]).
    pub wizard: Option<bool>,
    /// The overlay holds every file there is: the disk is never read (the WebAssembly playground,
    /// which has none). Paths are then compared as written, not resolved through the disk.
    pub in_memory: bool,
}

/// Reads the root file at `path` and everything it includes. Only a failure to read the root file
/// is an error; problems with includes are recorded in [`Config::load_problems`]. A file named
/// like pjsip_wizard.conf (or any file with [`LoadOptions::wizard`]) is read as a wizard file.
pub fn load(path: &Path, options: &LoadOptions) -> io::Result<Config> {
    let root = RootFile::read(path, options)?;
    Ok(load_roots(root.into_sources(options), options))
}

/// Builds the configuration from a root file already in memory (stdin, tests).
pub fn load_bytes(path: &Path, name: String, bytes: Vec<u8>, options: &LoadOptions) -> Config {
    let root = RootFile {
        path: path.to_path_buf(),
        name,
        bytes,
    };
    load_roots(root.into_sources(options), options)
}

/// A file Asterisk reads on its own, read into memory.
#[derive(Debug)]
pub struct RootFile {
    pub path: PathBuf,
    /// The name diagnostics show.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl RootFile {
    pub fn read(path: &Path, options: &LoadOptions) -> io::Result<RootFile> {
        Ok(RootFile {
            bytes: Files::new(options).read(path)?,
            name: path.to_string_lossy().into_owned(),
            path: path.to_path_buf(),
        })
    }

    fn into_sources(self, options: &LoadOptions) -> Sources {
        if options.wizard.unwrap_or_else(|| is_wizard_name(&self.name)) {
            Sources {
                pjsip: None,
                wizard: Some(self),
                pjsip_absent: false,
            }
        } else {
            Sources {
                pjsip: Some(self),
                wizard: None,
                pjsip_absent: false,
            }
        }
    }
}

/// Whether a file's name says it is a pjsip_wizard.conf (or a copy or template of one, such as
/// `pjsip_wizard.conf.j2` or `site__pjsip_wizard.conf`).
pub fn is_wizard_name(name: &str) -> bool {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    base.ends_with("pjsip_wizard.conf") || base.contains("pjsip_wizard.conf.")
}

/// The files Asterisk reads on its own: pjsip.conf (res_pjsip) and pjsip_wizard.conf
/// (res_pjsip_config_wizard), either of them possibly absent.
#[derive(Debug, Default)]
pub struct Sources {
    pub pjsip: Option<RootFile>,
    pub wizard: Option<RootFile>,
    /// There is no pjsip.conf where Asterisk would read it (not: it was not looked for), so
    /// the wizard's objects have no transport but what pjsip.conf would define: none.
    pub pjsip_absent: bool,
}

/// Builds the configuration from the root files: pjsip.conf first (its objects win over the
/// wizard's of the same id), then pjsip_wizard.conf, then the objects the wizard makes of it.
/// Each root has its own templates and names, as main/config.c loads each file apart.
pub fn load_roots(sources: Sources, options: &LoadOptions) -> Config {
    let mut config = Config {
        pjsip_absent: sources.pjsip_absent,
        ..Config::default()
    };
    if let Some(pjsip) = sources.pjsip {
        read_root(&mut config, pjsip, RootKind::Pjsip, options);
    }
    if let Some(wizard) = sources.wizard {
        let root = read_root(&mut config, wizard, RootKind::Wizard, options);
        config.wizard_keys = crate::wizard::KeyClasses::new(&config);
        if config.root_loads(&root) {
            let (text, mut expansion) = crate::wizard::expand(&config, &root);
            let wizard_file = config.file(root.root_file());
            let generated = SourceFile::streamed(
                wizard_file.path.clone(),
                format!("{} (the wizard's objects)", wizard_file.name),
                Contents::Utf8(Arc::new(text)),
            );
            expansion.file = Some(FileId(config.files.len() as u32));
            config.expansion = Some(expansion);
            config.file_index.clear();
            let config_dir = config_dir_of(&generated.0.path, options);
            // Written by pjsiplint: no includes to follow, nothing to read from disk.
            add_root(
                &mut config,
                generated,
                RootKind::WizardObjects,
                config_dir,
                Files::default(),
            );
        }
    }
    config.index_key_names();
    config.objects = super::objects::build(&config);
    config
}

/// Reads one root file and its includes into `config`, as a root of `kind`.
fn read_root(config: &mut Config, file: RootFile, kind: RootKind, options: &LoadOptions) -> Root {
    let config_dir = config_dir_of(&file.path, options);
    // Each root reads its includes apart: a file both include is read twice, as Asterisk does.
    config.file_index.clear();
    let files = Files::new(options);
    if let Some(canonical) = files.canonical(&file.path) {
        config
            .file_index
            .insert(canonical, FileId(config.files.len() as u32));
    }
    let source = SourceFile::streamed(file.path, file.name, file.bytes.into());
    add_root(config, source, kind, config_dir, files)
}

/// Where the includes of the root file at `path` are found: [`LoadOptions::config_dir`], else
/// the file's directory.
fn config_dir_of(path: &Path, options: &LoadOptions) -> PathBuf {
    options.config_dir.clone().unwrap_or_else(|| {
        path.parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    })
}

/// Adds a root file already parsed, and what it includes, as a root of `kind`.
fn add_root(
    config: &mut Config,
    (file, stream): (SourceFile, Option<ParseStream>),
    kind: RootKind,
    config_dir: PathBuf,
    files: Files,
) -> Root {
    let id = FileId(config.files.len() as u32);
    let first_section = config.sections.len() as u32;
    config.files.push(file);
    Builder::new(config, config_dir, files).run(id, stream);
    let root = Root {
        kind,
        files: id.0..config.files.len() as u32,
        sections: first_section..config.sections.len() as u32,
    };
    config.roots.push(root.clone());
    root
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
    // fs::read, with the buffer on huge pages when it is large. The size read above is a hint,
    // as fs::read's own: a file that grew since is read to its end.
    let mut file = fs::File::open(path)?;
    let len = metadata.len() as usize;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len).map_err(io::Error::other)?;
    crate::allocator::prefer_huge_pages(&bytes);
    if len >= READ_IN_HALVES && read_in_halves(&file, &mut bytes, len) {
        file.seek(io::SeekFrom::Start(len as u64))?;
    }
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Files this large are read in two halves at once ([`read_in_halves`]).
const READ_IN_HALVES: usize = 4 << 20;

/// Reads the first `len` bytes of `file` into `bytes` (empty, with room for them) on two
/// threads, each reading a half into memory it is the first to touch: the builder waits for an
/// included file it reaches at once, and for the root file before anything (100k phones:
/// `templates`' 17.7 MB `phones.conf` took 5.3-5.8 ms on one core, 3.3-4.7 in halves; `flat`'s
/// 43.6 MB 11.2-12.1 ms, 10.0-11.9: the kernel zeroing and copying memory). False, with `bytes`
/// still empty, when a half could not be read whole (the file shrank, or a read failed): the
/// caller reads the file as usual.
#[cfg(target_os = "linux")]
fn read_in_halves(file: &fs::File, bytes: &mut Vec<u8>, len: usize) -> bool {
    use std::os::fd::AsRawFd;
    assert!(bytes.is_empty() && bytes.capacity() >= len);
    let fd = file.as_raw_fd();
    let start = bytes.as_mut_ptr() as usize;
    let middle = len / 2;
    let (first, second) = crate::cores::in_two_parts(len, |part| {
        let (mut at, end) = if part == 0 {
            (0, middle)
        } else {
            (middle, len)
        };
        while at < end {
            // SAFETY: `at..end` is within the vector's capacity, past its length, and this
            // half's alone; pread writes at most `end - at` bytes there. The file's offset is
            // neither read nor moved.
            let read = unsafe {
                libc::pread(
                    fd,
                    (start + at) as *mut libc::c_void,
                    end - at,
                    at as libc::off_t,
                )
            };
            if read <= 0 {
                return false;
            }
            at += read as usize;
        }
        true
    });
    if first && second {
        // SAFETY: both halves wrote every byte of `0..len`, within the capacity.
        unsafe { bytes.set_len(len) };
    }
    first && second
}

#[cfg(not(target_os = "linux"))]
fn read_in_halves(_: &fs::File, _: &mut Vec<u8>, _: usize) -> bool {
    false
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

#[cfg(test)]
mod tests {
    use super::{read_regular_file, READ_IN_HALVES};

    /// A file large enough to be read in halves is read whole, each half where it belongs.
    #[test]
    fn a_large_file_is_read_whole() {
        let dir = std::env::temp_dir().join(format!("pjsiplint-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("large.conf");
        let text: Vec<u8> = (0..READ_IN_HALVES + 12_345)
            .map(|i| b"[a]\ntype=aor\n"[i % 13])
            .collect();
        std::fs::write(&path, &text).unwrap();
        let read = read_regular_file(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(read.unwrap() == text, "not the file's bytes");
    }
}
