//! pjsiplint: a linter for Asterisk's pjsip.conf.
//!
//! The pipeline, in the order data flows:
//! 1. [`syntax`]: each file's bytes become lossless lines (pest grammar `grammar/pjsip.pest`).
//! 2. [`model`]: includes are followed and sections built as Asterisk builds them (templates,
//!    `(+)`, `+=`), then the objects sorcery creates, each knowing whether it loads.
//! 3. [`validate`]: each object's lines as Asterisk applies them: which objects it rejects.
//! 4. [`rules`]: every rule reads the model (with [`trunks`] and [`validate`]'s findings) and
//!    reports [`diagnostic::Diagnostic`]s; [`suppress`] removes what `; pjsiplint: disable=`
//!    comments accept, and [`settings`] (`.pjsiplint.ini`) picks rules and severities.
//! 5. [`report`]: people (miette), machines (json, concise, sarif, github), or `--effective`.
//! 6. [`fix`]: the fixes the findings carry, applied in rounds, written atomically or shown as a
//!    diff.

// The pest parser is generated for pest without `std` (see Cargo.toml), which names `::alloc`.
extern crate alloc;

// mimalloc is a C library: native builds only (the wasm playground uses Rust's allocator).
#[cfg(not(target_arch = "wasm32"))]
pub mod allocator;
pub mod cli;
pub mod diagnostic;
pub mod fix;
pub mod generate;
mod halves;
pub mod lookup;
pub mod model;
pub mod network;
pub mod report;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod trunks;
pub mod validate;

use std::io;
use std::path::Path;

use diagnostic::Diagnostic;
use model::{Config, LoadOptions};
use rules::{Context, RuleMeta};

/// What decides which rules run and how.
#[derive(Debug, Clone)]
pub struct Settings {
    pub asterisk_version: u32,
    pub load: LoadOptions,
    /// Rule names or categories to run (empty: all).
    pub select: Vec<String>,
    /// Rule names or categories to skip.
    pub ignore: Vec<String>,
    /// Look for the files options name (`cert_file`, `dtls_cert_file`, ...). `None`: only when
    /// the linted file is under /etc/asterisk, i.e. on the PBX itself.
    pub check_files: Option<bool>,
    /// Honour `; pjsiplint: disable=...` comments (off with `--no-inline-suppressions`).
    pub inline_suppressions: bool,
    /// Severities set per rule by the settings file (`[rules]` section).
    pub severities: Vec<(String, diagnostic::Severity)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            asterisk_version: 22,
            load: LoadOptions::default(),
            select: Vec::new(),
            ignore: Vec::new(),
            check_files: None,
            inline_suppressions: true,
            severities: Vec::new(),
        }
    }
}

impl Settings {
    fn enabled(&self, meta: &RuleMeta) -> bool {
        let named = |list: &[String]| {
            list.iter()
                .any(|item| item == meta.name || item == meta.category.as_str())
        };
        (self.select.is_empty() || named(&self.select)) && !named(&self.ignore)
    }
}

/// A configuration and what the rules found in it, sorted by file and position.
pub struct Linted {
    pub config: Config,
    /// Each object's problems as Asterisk applies its lines.
    pub validation: validate::Validation,
    /// Provider trunks and their registrations.
    pub trunks: trunks::Trunks,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `path` (and its includes) and runs the rules.
pub fn lint_path(path: &Path, settings: &Settings) -> io::Result<Linted> {
    let config = model::load(path, &settings.load)?;
    Ok(lint_config(config, settings))
}

/// Lints a root file already in memory (stdin, tests); includes are still read from disk.
pub fn lint_bytes(path: &Path, name: String, bytes: Vec<u8>, settings: &Settings) -> Linted {
    lint_config(
        model::load_bytes(path, name, bytes, &settings.load),
        settings,
    )
}

fn lint_config(mut config: Config, settings: &Settings) -> Linted {
    let root = config.file(source::FileId(0)).path.clone();
    let config_dir = settings.load.config_dir.clone().unwrap_or_else(|| {
        root.parent()
            .map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf)
    });
    let options = validate::ValidateOptions {
        version: settings.asterisk_version,
        check_files: settings.check_files.unwrap_or_else(|| {
            std::fs::canonicalize(&root).is_ok_and(|p| p.starts_with("/etc/asterisk"))
        }),
        config_dir,
    };
    let validation = validate::validate(&mut config, &options);
    let trunks = trunks::Trunks::find(&config);
    let suppressions = if settings.inline_suppressions {
        suppress::Suppressions::parse(&config)
    } else {
        suppress::Suppressions::default()
    };
    let cx = Context {
        config: &config,
        validation: &validation,
        trunks: &trunks,
        suppressions: &suppressions,
        check_files: options.check_files,
        asterisk_version: settings.asterisk_version,
    };
    let mut diagnostics = rules::check(&cx, |meta| settings.enabled(meta));
    for diagnostic in &mut diagnostics {
        if let Some((_, severity)) = settings
            .severities
            .iter()
            .find(|(rule, _)| rule == diagnostic.rule)
        {
            diagnostic.severity = *severity;
        }
    }
    diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.rule));
    Linted {
        config,
        validation,
        trunks,
        diagnostics,
    }
}
