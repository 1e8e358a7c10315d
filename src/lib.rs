//! pjsiplint: a linter for Asterisk's pjsip.conf.
//!
//! The pipeline, in the order data flows:
//! 1. [`syntax`]: each file's bytes become lossless lines (pest grammar `grammar/pjsip.pest`).
//! 2. [`model`]: includes are followed and sections built as Asterisk builds them (templates,
//!    `(+)`, `+=`), then the objects sorcery creates, each knowing whether it loads. A large
//!    file's lines are parsed on the other cores while the sections are built from those
//!    already parsed ([`syntax::ParseStream`]).
//! 3. [`validate`]: each object's lines as Asterisk applies them: which objects it rejects.
//! 4. [`rules`]: every rule reads the model (with [`trunks`] and [`validate`]'s findings) and
//!    reports [`diagnostic::Diagnostic`]s; [`suppress`] removes what `; pjsiplint: disable=`
//!    comments accept, and [`settings`] (`.pjsiplint.ini`) picks rules and severities.
//! 5. [`report`]: people (miette), machines (json, concise, sarif, github), or `--effective`.
//! 6. [`fix`]: the fixes the findings carry, applied in rounds, written atomically or shown as a
//!    diff.

// The pest parser is generated for pest without `std` (see Cargo.toml), which names `::alloc`.
extern crate alloc;

// mimalloc is a C library: its settings are for native builds only (the wasm playground uses
// Rust's allocator).
pub mod allocator;
pub mod cli;
pub mod cores;
pub mod diagnostic;
pub mod fix;
pub mod generate;
pub mod lookup;
pub mod model;
pub mod network;
pub mod prefault;
pub mod report;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod trace;
pub mod trunks;
pub mod validate;
pub mod wizard;

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
    /// The severities the settings file gives rules, set on their findings.
    fn apply_severities(&self, diagnostics: &mut [Diagnostic]) {
        for diagnostic in diagnostics {
            if let Some((_, severity)) = self
                .severities
                .iter()
                .find(|(rule, _)| rule == diagnostic.rule)
            {
                diagnostic.severity = *severity;
            }
        }
    }

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

/// Reads `path` (and its includes) and runs the rules. pjsip.conf and pjsip_wizard.conf are read
/// together as Asterisk reads them (wizard objects use pjsip.conf's transports, pjsip.conf may
/// name wizard objects): a file named exactly one of them brings the other beside it as context,
/// and only the findings in `path`'s own files are reported. A directory: both of its files,
/// with the findings of both.
pub fn lint_path(path: &Path, settings: &Settings) -> io::Result<Linted> {
    if path.is_dir() {
        return lint_dir(path, settings);
    }
    let root = model::RootFile::read(path, &settings.load)?;
    let wizard = settings
        .load
        .wizard
        .unwrap_or_else(|| model::is_wizard_name(&root.name));
    let file_name = path.file_name().and_then(|name| name.to_str());
    let companion = |name: &str| -> Option<model::RootFile> {
        // Not there, or not a regular file: the read fails (in memory too, for the playground).
        model::RootFile::read(&path.with_file_name(name), &settings.load).ok()
    };
    let (sources, reported) = if wizard {
        // Named so by Asterisk's name or by the setting, it is the pjsip_wizard.conf of the
        // pjsip.conf beside it.
        let pjsip = (file_name == Some(WIZARD_CONF) || settings.load.wizard == Some(true))
            .then(|| companion(PJSIP_CONF))
            .flatten();
        (
            model::Sources {
                pjsip,
                wizard: Some(root),
                pjsip_absent: false,
            },
            Reported::Wizard,
        )
    } else {
        let wizard = (file_name == Some(PJSIP_CONF))
            .then(|| companion(WIZARD_CONF))
            .flatten();
        (
            model::Sources {
                pjsip: Some(root),
                wizard,
                pjsip_absent: false,
            },
            Reported::Pjsip,
        )
    };
    let mut load = settings.load.clone();
    load.wizard = None;
    Ok(lint_config(
        model::load_roots(sources, &load),
        settings,
        reported,
    ))
}

/// The name Asterisk reads pjsip.conf by.
pub const PJSIP_CONF: &str = "pjsip.conf";
/// The name res_pjsip_config_wizard.c reads (`object_type_loaded_observer`).
pub const WIZARD_CONF: &str = "pjsip_wizard.conf";

/// Lints a directory as Asterisk reads it: its pjsip.conf and its pjsip_wizard.conf (either may
/// be missing, not both).
pub fn lint_dir(dir: &Path, settings: &Settings) -> io::Result<Linted> {
    let read = |name: &str| -> io::Result<Option<model::RootFile>> {
        let path = dir.join(name);
        if path.is_file() {
            model::RootFile::read(&path, &settings.load).map(Some)
        } else {
            Ok(None)
        }
    };
    let pjsip = read(PJSIP_CONF)?;
    let sources = model::Sources {
        pjsip_absent: pjsip.is_none(),
        pjsip,
        wizard: read(WIZARD_CONF)?,
    };
    if sources.pjsip.is_none() && sources.wizard.is_none() {
        // The error of the file Asterisk needs.
        model::RootFile::read(&dir.join(PJSIP_CONF), &settings.load)?;
    }
    Ok(lint_config(
        model::load_roots(sources, &settings.load),
        settings,
        Reported::Both,
    ))
}

/// Lints pjsip.conf and pjsip_wizard.conf already in memory (tests, the browser); includes
/// are still read from disk. The findings of both are reported.
pub fn lint_sources(sources: model::Sources, settings: &Settings) -> Linted {
    lint_config(
        model::load_roots(sources, &settings.load),
        settings,
        Reported::Both,
    )
}

/// Lints a root file already in memory (stdin, tests); includes are still read from disk.
pub fn lint_bytes(path: &Path, name: String, bytes: Vec<u8>, settings: &Settings) -> Linted {
    lint_config(
        model::load_bytes(path, name, bytes, &settings.load),
        settings,
        Reported::Both,
    )
}

/// Whose findings a lint reports: a file read only as context stays quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reported {
    Pjsip,
    Wizard,
    Both,
}

impl Reported {
    fn includes(self, kind: model::RootKind) -> bool {
        match self {
            Reported::Both => true,
            Reported::Pjsip => kind == model::RootKind::Pjsip,
            Reported::Wizard => kind != model::RootKind::Pjsip,
        }
    }
}

fn lint_config(mut config: Config, settings: &Settings, reported: Reported) -> Linted {
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
    let trunks = std::sync::OnceLock::new();
    let suppressions = if settings.inline_suppressions {
        suppress::Suppressions::parse(&config)
    } else {
        suppress::Suppressions::default()
    };
    let identifies = std::sync::OnceLock::new();
    let cx = Context {
        config: &config,
        validation: &validation,
        trunks: &trunks,
        suppressions: &suppressions,
        check_files: options.check_files,
        asterisk_version: settings.asterisk_version,
        identifies: &identifies,
    };
    let mut diagnostics = rules::check(&cx, |meta| settings.enabled(meta));
    settings.apply_severities(&mut diagnostics);
    if reported != Reported::Both {
        diagnostics.retain(|d| reported.includes(config.root_of_file(d.primary.span.file).kind));
    }
    diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.rule));
    // Found by a rule, unless no rule that ran asked (`--select`).
    let trunks = trunks
        .into_inner()
        .unwrap_or_else(|| trunks::Trunks::find(&config));
    Linted {
        config,
        validation,
        trunks,
        diagnostics,
    }
}
