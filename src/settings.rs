//! pjsiplint's own settings file, `.pjsiplint.ini` (read with rust-ini): found in the linted
//! file's directory or the nearest parent, or named with `--config`. The command line overrides
//! it.
//!
//! ```ini
//! [pjsiplint]
//! asterisk-version = 20
//! config-dir = /etc/asterisk      ; relative paths are relative to this file
//! fail-on = error
//! select = syntax,schema
//! ignore = endpoint-default-context
//! check-files = no
//! wizard = no                     ; yes: the linted files are pjsip_wizard.conf files
//! root = pjsip.conf               ; lint included files in the context of this root file
//!
//! [rules]
//! weak-password = error
//! registration-gives-up = off
//! ```

use std::path::{Path, PathBuf};

use ini::Ini;

use crate::diagnostic::Severity;
use crate::rules::{Category, RULES};

pub const FILE_NAME: &str = ".pjsiplint.ini";

/// What a settings file says; every field is optional.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileSettings {
    /// The file these settings came from.
    pub path: PathBuf,
    pub asterisk_version: Option<u32>,
    pub config_dir: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub check_files: Option<bool>,
    /// Read the linted files as pjsip_wizard.conf whatever their names.
    pub wizard: Option<bool>,
    /// The root pjsip.conf: a changed included file is linted as part of it.
    pub root: Option<PathBuf>,
    /// `[rules]`: a severity per rule (`off` is in `ignore`).
    pub severities: Vec<(String, Severity)>,
}

/// The nearest `.pjsiplint.ini` in `start` or a parent directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_absolute() {
        start.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(start)
    };
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads a settings file. Unknown sections, keys, rule names and values are errors that name
/// them: a typo in a setting must not silently do nothing.
pub fn load(path: &Path) -> Result<FileSettings, String> {
    let ini = Ini::load_from_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut settings = FileSettings {
        path: path.to_path_buf(),
        ..FileSettings::default()
    };
    let mut errors = Vec::new();
    for (section, properties) in ini.iter() {
        match section {
            Some("pjsiplint") => {
                for (key, value) in properties.iter() {
                    if let Err(e) = settings.set(key, value.trim(), dir) {
                        errors.push(e);
                    }
                }
            }
            Some("rules") => {
                for (rule, value) in properties.iter() {
                    if !RULES.iter().any(|r| r.meta().name == rule) {
                        errors.push(format!("unknown rule `{rule}` in [rules]"));
                        continue;
                    }
                    match parse_level(value.trim()) {
                        Ok(Some(severity)) => settings.severities.push((rule.to_owned(), severity)),
                        Ok(None) => settings.ignore.push(rule.to_owned()),
                        Err(e) => errors.push(format!("[rules] {rule}: {e}")),
                    }
                }
            }
            Some(other) => errors.push(format!("unknown section [{other}]")),
            None => {
                if let Some((key, _)) = properties.iter().next() {
                    errors.push(format!("`{key}` is outside a section"));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(format!("{}: {}", path.display(), errors.join("; ")))
    }
}

impl FileSettings {
    /// The lint settings this file describes, on top of the defaults (the command line then
    /// overrides them field by field).
    pub fn to_settings(&self) -> crate::Settings {
        let defaults = crate::Settings::default();
        crate::Settings {
            asterisk_version: self.asterisk_version.unwrap_or(defaults.asterisk_version),
            load: crate::model::LoadOptions {
                config_dir: self.config_dir.clone(),
                wizard: self.wizard,
                ..defaults.load
            },
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            check_files: self.check_files,
            severities: self.severities.clone(),
            ..defaults
        }
    }

    fn set(&mut self, key: &str, value: &str, dir: &Path) -> Result<(), String> {
        match key {
            "asterisk-version" => {
                let version: u32 = value
                    .parse()
                    .map_err(|_| format!("asterisk-version `{value}` is not a number"))?;
                if !crate::schema::SUPPORTED_MAJORS.contains(&version) {
                    return Err(format!(
                        "asterisk-version {version} is not between 16 and 23"
                    ));
                }
                self.asterisk_version = Some(version);
            }
            "config-dir" => self.config_dir = Some(dir.join(value)),
            "root" => self.root = Some(dir.join(value)),
            "fail-on" => {
                self.fail_on =
                    Some(parse_level(value)?.ok_or_else(|| "fail-on cannot be `off`".to_owned())?);
            }
            "select" => self.select = rule_list(value)?,
            "ignore" => self.ignore.extend(rule_list(value)?),
            "check-files" => self.check_files = Some(yes_or_no(key, value)?),
            "wizard" => self.wizard = Some(yes_or_no(key, value)?),
            other => return Err(format!("unknown setting `{other}` in [pjsiplint]")),
        }
        Ok(())
    }
}

fn yes_or_no(key: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" => Ok(true),
        "no" | "false" | "off" => Ok(false),
        _ => Err(format!("{key} `{value}` is not yes or no")),
    }
}

/// `off` is `None`.
fn parse_level(value: &str) -> Result<Option<Severity>, String> {
    match value.to_ascii_lowercase().as_str() {
        "off" => Ok(None),
        "info" => Ok(Some(Severity::Info)),
        "warning" => Ok(Some(Severity::Warning)),
        "error" => Ok(Some(Severity::Error)),
        _ => Err(format!("`{value}` is not off, info, warning or error")),
    }
}

/// Comma-separated rule names or categories, each checked.
pub fn rule_list(value: &str) -> Result<Vec<String>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            let known = RULES.iter().any(|rule| rule.meta().name == name)
                || Category::ALL
                    .iter()
                    .any(|category| category.as_str() == name);
            if known {
                Ok(name.to_owned())
            } else {
                Err(format!("unknown rule or category `{name}`"))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn reads_every_setting() {
        let (dir, path) = write(
            "[pjsiplint]\nasterisk-version = 20\nconfig-dir = etc\nfail-on = error\n\
             select = syntax,weak-password\nignore = duplicate-option\ncheck-files = no\n\
             root = pjsip.conf\n[rules]\nregistration-gives-up = off\nduplicate-section = warning\n",
        );
        let settings = load(&path).unwrap();
        assert_eq!(settings.asterisk_version, Some(20));
        assert_eq!(settings.config_dir, Some(dir.path().join("etc")));
        assert_eq!(settings.fail_on, Some(Severity::Error));
        assert_eq!(settings.select, ["syntax", "weak-password"]);
        assert_eq!(
            settings.ignore,
            ["duplicate-option", "registration-gives-up"]
        );
        assert_eq!(settings.check_files, Some(false));
        assert_eq!(settings.root, Some(dir.path().join("pjsip.conf")));
        assert_eq!(
            settings.severities,
            [("duplicate-section".to_owned(), Severity::Warning)]
        );
    }

    #[test]
    fn unknown_keys_rules_and_values_are_errors_that_name_them() {
        let (_dir, path) = write(
            "[pjsiplint]\nasterisk-versoin = 20\n[rules]\nweak-pasword = off\nduplicate-option = loud\n\
             [extra]\na = b\n",
        );
        let error = load(&path).unwrap_err();
        for named in ["asterisk-versoin", "weak-pasword", "loud", "[extra]"] {
            assert!(error.contains(named), "{error} should name {named}");
        }
    }

    #[test]
    fn discovery_walks_up() {
        let (dir, path) = write("[pjsiplint]\n");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(discover(&nested), Some(path));
    }
}
