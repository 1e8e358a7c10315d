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
    /// Files to lint (`-` reads stdin). A directory means its pjsip.conf and pjsip_wizard.conf,
    /// read together as Asterisk reads them; a file named pjsip.conf or pjsip_wizard.conf is read
    /// with the other one beside it, and only its own findings are shown.
    /// Default: /etc/asterisk (pjsip.conf and pjsip_wizard.conf).
    pub paths: Vec<PathBuf>,

    /// Output format [default: human; github when GITHUB_ACTIONS=true].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Print the objects Asterisk will create, with where each line came from, instead of findings.
    #[arg(long)]
    pub effective: bool,

    /// Read the files named as pjsip_wizard.conf (res_pjsip_config_wizard), whatever their
    /// names; files whose name ends in pjsip_wizard.conf are read so without it.
    #[arg(long)]
    pub wizard: bool,

    /// Directory that relative #include paths are resolved against (Asterisk's astetcdir).
    /// Default: the directory of the file given.
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Asterisk major version to check against (16 to 23) [default: 22].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(16..=23))]
    pub asterisk_version: Option<u32>,

    /// Only these rules (comma-separated names or categories).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Skip these rules (comma-separated names or categories).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

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

    /// After the findings, count them per rule.
    #[arg(long)]
    pub statistics: bool,

    /// Settings file to use instead of the nearest .pjsiplint.ini.
    #[arg(long, value_name = "FILE", help_heading = "Settings")]
    pub config: Option<PathBuf>,

    /// Use no settings file at all.
    #[arg(long, conflicts_with = "config", help_heading = "Settings")]
    pub isolated: bool,

    /// Ignore `; pjsiplint: disable=...` comments (for central CI).
    #[arg(long, help_heading = "Settings")]
    pub no_inline_suppressions: bool,

    /// Look for the files options name (cert_file, dtls_cert_file, ...) [default: only for files
    /// under /etc/asterisk].
    #[arg(long, value_name = "yes|no", value_parser = clap::builder::BoolishValueParser::new(),
          help_heading = "Settings")]
    pub check_files: Option<bool>,

    /// Print shell completions for SHELL and exit.
    #[arg(long, value_name = "SHELL", help_heading = "Installation")]
    pub completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit.
    #[arg(long, help_heading = "Installation")]
    pub man: bool,

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
    /// For people: the source line, labels, help (miette).
    Human,
    /// `file:line:col: severity[rule] message`, one a line.
    Concise,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other tools.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl Cli {
    /// The format after settings and environment were applied (see `main.rs`).
    pub fn format(&self) -> Format {
        self.format.unwrap_or(Format::Human)
    }

    /// The `--fail-on` threshold after settings were applied.
    pub fn threshold(&self) -> Severity {
        self.fail_on.map_or(Severity::Warning, FailOn::threshold)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn from_severity(severity: Severity) -> FailOn {
        match severity {
            Severity::Error => FailOn::Error,
            Severity::Warning => FailOn::Warning,
            Severity::Info => FailOn::Info,
        }
    }

    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}
