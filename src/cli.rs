//! Command-line definitions (clap). The same definitions generate `--help`.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::diagnostic::Severity;

/// Where pjsiplint looks when no path is given.
pub const DEFAULT_PATH: &str = "/etc/asterisk/pjsip.conf";

#[derive(Debug, Parser)]
#[command(
    name = "pjsiplint",
    version,
    about = "Lint Asterisk's pjsip.conf before Asterisk loads it",
    after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or I/O error."
)]
pub struct Cli {
    /// Files to lint (`-` reads stdin; a directory means its pjsip.conf).
    /// Default: /etc/asterisk/pjsip.conf.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Print the objects Asterisk will create, with where each line came from, instead of findings.
    #[arg(long)]
    pub effective: bool,

    /// Directory that relative #include paths are resolved against (Asterisk's astetcdir).
    /// Default: the directory of the file given.
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Asterisk major version to check against.
    #[arg(long, value_name = "N", default_value_t = 22,
          value_parser = clap::value_parser!(u32).range(16..=23))]
    pub asterisk_version: u32,

    /// Only these rules (comma-separated names or categories).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Skip these rules (comma-separated names or categories).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,

    /// Print the documentation of a rule and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// List every rule: name, category, default severity, fix.
    #[arg(long)]
    pub list_rules: bool,

    /// Name to use for stdin in messages.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// No colours, even on a terminal.
    #[arg(long)]
    pub no_color: bool,

    /// Print only findings, no summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Apply safe fixes and rewrite the files (atomically); then report what remains.
    /// With `-`, print the fixed text to stdout (findings go to stderr).
    #[arg(long, help_heading = "Fixing")]
    pub fix: bool,

    /// Also apply unsafe fixes (changes that need a human look), with --fix or --diff.
    #[arg(long, help_heading = "Fixing")]
    pub unsafe_fixes: bool,

    /// Print what --fix would change as a unified diff (for `patch -p1` or `git apply`) and
    /// write nothing. Exit code 1 when there is something to change.
    #[arg(long, help_heading = "Fixing")]
    pub diff: bool,

    /// List the fixes applied (or, with --diff, that would be), per rule.
    #[arg(long, help_heading = "Fixing")]
    pub show_fixes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}
