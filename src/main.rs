//! The `pjsiplint` command: parse arguments, lint each path, print, map to an exit code.

use std::collections::HashMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde::{Serialize, Serializer};

use pjsiplint::cli::{Cli, FailOn, Format, DEFAULT_PATH};
use pjsiplint::diagnostic::Diagnostic;
use pjsiplint::fix::write::{write_files, FileWrite};
use pjsiplint::fix::{
    self, Applicability, AppliedFix, ChangedFile, FixInput, FixOptions, FixOutcome,
};
use pjsiplint::report::{concise, effective, github, human, json, sarif};
use pjsiplint::rules;
use pjsiplint::{lint_bytes, lint_path, settings, Linted, Settings};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pjsiplint: {message}");
            ExitCode::from(2)
        }
    };
    pjsiplint::allocator::keep_memory_at_exit();
    code
}

fn run(mut cli: Cli) -> Result<ExitCode, String> {
    if let Some(shell) = cli.completions {
        let mut command = Cli::command();
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut command, "pjsiplint", &mut out);
        print_bytes(&out);
        return Ok(ExitCode::SUCCESS);
    }
    if cli.man {
        let mut out = Vec::new();
        clap_mangen::Man::new(Cli::command())
            .render(&mut out)
            .map_err(|e| format!("cannot write the man page: {e}"))?;
        print_bytes(&out);
        return Ok(ExitCode::SUCCESS);
    }
    if cli.list_rules {
        print(&list_rules());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(name) = &cli.explain {
        let meta = rules::find_meta(name).ok_or_else(|| unknown_rule(name))?;
        print(meta.doc);
        return Ok(ExitCode::SUCCESS);
    }
    for list in [&cli.select, &cli.ignore] {
        settings::rule_list(&list.join(",")).map_err(|e| format!("{e}; see --list-rules"))?;
    }
    let paths = if cli.paths.is_empty() {
        vec![PathBuf::from(DEFAULT_PATH)]
    } else {
        cli.paths.clone()
    };
    let (settings, root) = resolve_settings(&mut cli, &paths)?;
    let paths = match root {
        Some(root) => lint_roots_instead(paths, &root, &settings),
        None => paths,
    };
    if cli.fix || cli.diff || cli.unsafe_fixes || cli.show_fixes {
        if cli.trace.is_some() {
            return Err("--trace cannot be combined with --fix or --diff".to_owned());
        }
        return run_fix(&cli, &paths, &settings);
    }
    if cli.trace.is_some() && (paths.len() != 1 || cli.effective) {
        return Err("--trace reads one configuration (and not with --effective)".to_owned());
    }
    let results = lint_all(&paths, &cli, &settings);
    let mut linted = Vec::with_capacity(results.len());
    let mut failed = false;
    for (path, result) in paths.iter().zip(results) {
        match result {
            Ok(one) => linted.push(one),
            Err(message) => {
                eprintln!("pjsiplint: {}: {message}", path.display());
                failed = true;
            }
        }
    }
    if let Some(capture) = &cli.trace {
        add_trace(&cli, capture, &mut linted, &settings)?;
    }
    if cli.effective {
        print_effective(&cli, &linted)?;
    } else {
        let mut out = String::new();
        render_findings(&cli, &linted, false, &mut out)?;
        print(&out);
    }
    if failed {
        return Ok(ExitCode::from(2));
    }
    let threshold = cli.threshold();
    let findings = linted
        .iter()
        .flat_map(|one| &one.diagnostics)
        .any(|d| d.severity >= threshold);
    // The process ends here: freeing a large configuration allocation by allocation would only
    // cost time.
    std::mem::forget(linted);
    Ok(if findings && !cli.exit_zero && !cli.effective {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--trace`: reads the capture, adds its findings to the configuration's, and (human format)
/// prints the ladders first.
fn add_trace(
    cli: &Cli,
    capture: &Path,
    linted: &mut [Linted],
    settings: &Settings,
) -> Result<(), String> {
    let Some(one) = linted.first_mut() else {
        return Ok(());
    };
    let file = std::fs::File::open(capture).map_err(|e| format!("{}: {e}", capture.display()))?;
    let name = capture.display().to_string();
    let report = pjsiplint::trace::analyse(file, &name, one, settings)
        .map_err(|e| format!("{name}: {e}"))?;
    if let Some(warning) = &report.warning {
        eprintln!("pjsiplint: {name}: {warning}");
    }
    if cli.format() == Format::Human && !cli.quiet {
        print(&format!(
            "{name}: {} SIP messages\n{}\n",
            report.messages, report.ladder
        ));
    }
    // The capture's findings first: they are the answer to the question `--trace` asks.
    one.diagnostics.splice(0..0, report.diagnostics);
    Ok(())
}

/// Lints every path, on all cores; results come back in the order of `paths`.
fn lint_all(paths: &[PathBuf], cli: &Cli, settings: &Settings) -> Vec<Result<Linted, String>> {
    // One path (the usual case) needs no count of the cores: it costs some twenty system calls.
    let workers = match paths.len() {
        0 | 1 => 1,
        many => std::thread::available_parallelism().map_or(1, |n| n.get().min(many)),
    };
    pjsiplint::cores::each_in_order(paths.iter().collect(), workers, |path| {
        lint_one(path, cli, settings)
    })
}

fn lint_one(path: &Path, cli: &Cli, settings: &Settings) -> Result<Linted, String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let name = cli.stdin_filename.clone().unwrap_or_else(|| "-".to_owned());
        let settings = stdin_settings(settings)?;
        return Ok(lint_bytes(Path::new(&name), name.clone(), bytes, &settings));
    }
    lint_path(&lint_target(path), settings).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound if path == Path::new(DEFAULT_PATH) => {
            format!("no path given and {DEFAULT_PATH} does not exist; name the pjsip.conf to lint")
        }
        _ => e.to_string(),
    })
}

/// What a path names for linting: a directory (pjsip.conf and pjsip_wizard.conf together) or a
/// file. With no path at all, the directory of the default pjsip.conf, so that its
/// pjsip_wizard.conf is linted too.
fn lint_target(path: &Path) -> PathBuf {
    match Path::new(DEFAULT_PATH).parent() {
        Some(dir) if path == Path::new(DEFAULT_PATH) && dir.is_dir() => dir.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// Includes of a config read from stdin are resolved against the current directory unless
/// `--config-dir` says otherwise.
fn stdin_settings(settings: &Settings) -> Result<Settings, String> {
    let mut settings = settings.clone();
    if settings.load.config_dir.is_none() {
        let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
        settings.load.config_dir = Some(cwd);
    }
    Ok(settings)
}

/// Writes the findings in the chosen format. `fixed`: after `--fix`, which tells about the fixes
/// on stderr (the human summary then leaves them out).
fn render_findings(
    cli: &Cli,
    linted: &[Linted],
    fixed: bool,
    out: &mut String,
) -> Result<(), String> {
    match cli.format() {
        Format::Human => {
            let color = !cli.no_color && io::stdout().is_terminal();
            let renderer = human::Human::new(color);
            for one in linted {
                renderer.render(&one.config, &one.diagnostics, out);
            }
            // Nothing linted (every path failed, the error said so): no summary of nothing.
            if !cli.quiet && !linted.is_empty() {
                let all = linted.iter().flat_map(|one| &one.diagnostics);
                let mut summary = human::Summary::of(all, files_read(linted));
                summary.show_fixes = !fixed;
                out.push_str(&format!("{summary}\n"));
            }
        }
        Format::Concise => {
            for one in linted {
                concise::render(&one.config, &one.diagnostics, out);
            }
        }
        Format::Json => {
            let entries = linted
                .iter()
                .flat_map(|one| json::entries(&one.config, &one.diagnostics));
            print_json(|json| json.collect_seq(entries))?;
        }
        Format::Sarif => {
            let log = sarif::render(
                linted
                    .iter()
                    .map(|one| (&one.config, one.diagnostics.as_slice())),
            );
            print_json(|json| log.serialize(json))?;
        }
        Format::Github => {
            for one in linted {
                github::render(&one.config, &one.diagnostics, out);
            }
        }
    }
    if cli.statistics {
        let table = statistics(linted);
        // Machine formats stay parseable: the table goes to stderr.
        if matches!(cli.format(), Format::Human | Format::Concise) {
            out.push_str(&table);
        } else {
            eprint!("{table}");
        }
    }
    Ok(())
}

/// How many files were read: every configuration's root file and its includes, a file two roots
/// include counted once.
fn files_read(linted: &[Linted]) -> usize {
    let mut paths: Vec<&Path> = linted
        .iter()
        .flat_map(|one| one.config.files.iter().map(|file| file.path.as_path()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths.len()
}

/// How many remaining findings have only an unsafe fix, which `--unsafe-fixes` would apply.
fn hidden_fixes<'a>(cli: &Cli, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> usize {
    if cli.unsafe_fixes {
        return 0;
    }
    diagnostics
        .into_iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
        })
        .count()
}

/// `--statistics`: how many findings of each rule, most first.
fn statistics(linted: &[Linted]) -> String {
    let mut counts: HashMap<&str, (usize, &'static str)> = HashMap::new();
    for diagnostic in linted.iter().flat_map(|one| &one.diagnostics) {
        let entry = counts
            .entry(diagnostic.rule)
            .or_insert((0, diagnostic.severity.as_str()));
        entry.0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    rows.iter()
        .map(|(rule, (count, severity))| format!("{count:>6}  {rule} ({severity})\n"))
        .collect()
}

/// Settings from the settings file (the nearest `.pjsiplint.ini` above the first path, or
/// `--config`; none with `--isolated`), overridden by the command line. Also settles the format
/// (`github` under GitHub Actions) and the `--fail-on` threshold on `cli`. Returns the root file
/// the settings name, if any.
fn resolve_settings(
    cli: &mut Cli,
    paths: &[PathBuf],
) -> Result<(Settings, Option<PathBuf>), String> {
    let file = if cli.isolated {
        None
    } else if let Some(path) = &cli.config {
        Some(settings::load(path)?)
    } else {
        let start = match paths.first() {
            Some(path) if path.as_os_str() != "-" && path.is_dir() => path.clone(),
            Some(path) if path.as_os_str() != "-" => path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            _ => PathBuf::from("."),
        };
        settings::discover(&start)
            .map(|path| settings::load(&path))
            .transpose()?
    };
    let file = file.unwrap_or_default();
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    cli.format = cli.format.or(github.then_some(Format::Github));
    cli.fail_on = cli.fail_on.or(file.fail_on.map(FailOn::from_severity));
    let mut settings = file.to_settings();
    if let Some(version) = cli.asterisk_version {
        settings.asterisk_version = version;
    }
    if cli.wizard {
        settings.load.wizard = Some(true);
    }
    if let Some(dir) = &cli.config_dir {
        settings.load.config_dir = Some(dir.clone());
    }
    if !cli.select.is_empty() {
        settings.select = cli.select.clone();
    }
    settings.ignore.extend(cli.ignore.iter().cloned());
    settings.check_files = cli.check_files.or(settings.check_files);
    settings.inline_suppressions = !cli.no_inline_suppressions;
    Ok((settings, file.root))
}

/// With a `root` setting, a file the root includes (pre-commit passes only the changed file) is
/// linted as part of the root configuration; other files are linted as they are.
fn lint_roots_instead(paths: Vec<PathBuf>, root: &Path, settings: &Settings) -> Vec<PathBuf> {
    let Ok(config) = pjsiplint::model::load(root, &settings.load) else {
        return paths;
    };
    let included: Vec<PathBuf> = config
        .files
        .iter()
        .filter_map(|file| std::fs::canonicalize(&file.path).ok())
        .collect();
    let mut out: Vec<PathBuf> = Vec::new();
    for path in paths {
        let part_of_root = std::fs::canonicalize(&path).is_ok_and(|p| included.contains(&p));
        let chosen = if part_of_root {
            root.to_path_buf()
        } else {
            path
        };
        if !out.contains(&chosen) {
            out.push(chosen);
        }
    }
    out
}

/// `--effective`, written to stdout as each object is made (100k phones make 130 MB of text).
fn print_effective(cli: &Cli, linted: &[Linted]) -> Result<(), String> {
    let all = linted
        .iter()
        .map(|one| effective::Effective::new(&one.config, &one.validation, &one.trunks));
    match cli.format() {
        Format::Json => {
            let all: Vec<_> = all.collect();
            // One configuration: the object itself; several: an array of them.
            match all.as_slice() {
                [one] => print_json(|json| one.serialize(json)),
                _ => print_json(|json| json.collect_seq(&all)),
            }
        }
        _ => {
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            // Like `print`: a closed stdout ends the listing quietly.
            let _ = all
                .into_iter()
                .try_for_each(|one| effective::render_text(&one, &mut stdout))
                .and_then(|()| stdout.flush());
            Ok(())
        }
    }
}

fn list_rules() -> String {
    let mut out = format!(
        "{:<28} {:<10} {:<8} {:<7} summary\n",
        "rule", "category", "severity", "fix"
    );
    for meta in rules::all_metas() {
        let fix = match meta.fix {
            Some(pjsiplint::fix::Applicability::Safe) => "safe",
            Some(pjsiplint::fix::Applicability::Unsafe) => "unsafe",
            None => "-",
        };
        out.push_str(&format!(
            "{:<28} {:<10} {:<8} {:<7} {}\n",
            meta.name,
            meta.category.as_str(),
            meta.severity.as_str(),
            fix,
            meta.summary
        ));
    }
    out
}

fn unknown_rule(name: &str) -> String {
    let names: Vec<&str> = rules::all_metas().map(|meta| meta.name).collect();
    format!(
        "unknown rule or category `{name}`; see --list-rules (rules: {})",
        names.join(", ")
    )
}

/// Writes pretty JSON and a newline to stdout as `write` serializes it: 200k findings
/// make 70 MB of JSON, which need not be held in memory. Like [`print`], it gives up quietly
/// when stdout is closed.
fn print_json(
    write: impl FnOnce(JsonOut<'_>) -> Result<(), serde_json::Error>,
) -> Result<(), String> {
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    match write(&mut serde_json::Serializer::pretty(&mut stdout)) {
        Err(e) if !e.is_io() => Err(format!("cannot write JSON: {e}")),
        _ => {
            let _ = stdout.write_all(b"\n").and_then(|()| stdout.flush());
            Ok(())
        }
    }
}

/// What [`print_json`] serializes into.
type JsonOut<'a> = &'a mut serde_json::Serializer<
    &'a mut io::BufWriter<io::StdoutLock<'static>>,
    serde_json::ser::PrettyFormatter<'static>,
>;

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

// --fix, --diff, --unsafe-fixes, --show-fixes. The engine is in the library (pjsiplint::fix);
// this only reads stdin, writes files or prints, and picks the exit code.

/// Fixes each path in turn (not in parallel: a file that two roots include is fixed once, the
/// second root starting from the first one's result), then writes the files (`--fix`) or prints
/// their diff (`--diff`).
fn run_fix(cli: &Cli, paths: &[PathBuf], settings: &Settings) -> Result<ExitCode, String> {
    if !cli.fix && !cli.diff {
        let flag = if cli.unsafe_fixes {
            "--unsafe-fixes"
        } else {
            "--show-fixes"
        };
        return Err(format!("{flag} needs --fix or --diff"));
    }
    if cli.effective {
        return Err("--effective cannot be combined with --fix or --diff".to_owned());
    }
    let options = FixOptions {
        unsafe_fixes: cli.unsafe_fixes,
        ..FixOptions::default()
    };
    let mut overlay: HashMap<PathBuf, Vec<u8>> = HashMap::new();
    let mut changed: Vec<ChangedFile> = Vec::new();
    let mut outcomes: Vec<FixOutcome> = Vec::new();
    let mut failed = false;
    for path in paths {
        match fix_one(path, cli, settings, &options, &overlay) {
            Ok(outcome) => {
                for file in &outcome.changed {
                    if let Some(canonical) = &file.canonical {
                        overlay.insert(canonical.clone(), file.fixed.clone());
                    }
                    let known = changed
                        .iter_mut()
                        .find(|c| c.canonical.is_some() && c.canonical == file.canonical);
                    match known {
                        Some(known) => known.fixed.clone_from(&file.fixed),
                        None => changed.push(file.clone()),
                    }
                }
                outcomes.push(outcome);
            }
            Err(message) => {
                eprintln!("pjsiplint: {}: {message}", path.display());
                failed = true;
            }
        }
    }
    for note in outcomes.iter().flat_map(|outcome| &outcome.notes) {
        eprintln!("pjsiplint: {note}");
    }
    let applied: Vec<AppliedFix> = outcomes
        .iter()
        .flat_map(|o| o.applied.iter().cloned())
        .collect();
    let hidden = hidden_fixes(
        cli,
        outcomes
            .iter()
            .flat_map(|outcome| &outcome.linted.diagnostics),
    );
    if cli.diff {
        return finish_diff(cli, &changed, &applied, hidden, failed);
    }
    let writes: Vec<FileWrite<'_>> = changed
        .iter()
        .filter(|file| file.canonical.is_some())
        .map(|file| FileWrite {
            path: &file.path,
            original: &file.original,
            fixed: &file.fixed,
        })
        .collect();
    if let Err(error) = write_files(&writes) {
        eprintln!("pjsiplint: {error}");
        return Ok(ExitCode::from(2));
    }
    // stdin: the fixed text is the output; findings and lists go to stderr.
    let mut to_stderr = false;
    for text in outcomes.iter().filter_map(|outcome| outcome.stdin.as_ref()) {
        print_bytes(text);
        to_stderr = true;
    }
    let linted: Vec<Linted> = outcomes.into_iter().map(|outcome| outcome.linted).collect();
    let mut out = String::new();
    render_findings(cli, &linted, true, &mut out)?;
    let list = cli.show_fixes.then(|| fix_list(&applied, false));
    let human = matches!(cli.format(), Format::Human | Format::Concise);
    if to_stderr {
        eprint!("{out}");
    } else {
        print(&out);
    }
    if let Some(list) = list {
        if to_stderr || !human {
            eprint!("{list}");
        } else {
            print(&list);
        }
    }
    if !cli.quiet {
        if let Some(note) = fix_note(&applied, changed.len(), hidden, !cli.show_fixes) {
            eprintln!("pjsiplint: {note}");
        }
    }
    if failed {
        return Ok(ExitCode::from(2));
    }
    let threshold = cli.threshold();
    let remaining = linted
        .iter()
        .flat_map(|one| &one.diagnostics)
        .any(|d| d.severity >= threshold);
    Ok(if remaining && !cli.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn fix_one(
    path: &Path,
    cli: &Cli,
    settings: &Settings,
    options: &FixOptions,
    overlay: &HashMap<PathBuf, Vec<u8>>,
) -> Result<FixOutcome, String> {
    let mut settings = settings.clone();
    if !overlay.is_empty() {
        settings.load.overlay = Some(std::sync::Arc::new(overlay.clone()));
    }
    let input = if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let name = cli.stdin_filename.clone().unwrap_or_else(|| "-".to_owned());
        settings = stdin_settings(&settings)?;
        FixInput::Bytes {
            path: PathBuf::from(&name),
            name,
            bytes,
        }
    } else {
        FixInput::Path(lint_target(path))
    };
    fix::fix(input, &settings, options).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound if path == Path::new(DEFAULT_PATH) => {
            format!("no path given and {DEFAULT_PATH} does not exist; name the pjsip.conf to fix")
        }
        _ => e.to_string(),
    })
}

/// `--diff`: the diffs on stdout, nothing written. Exit code 1 when something would change.
fn finish_diff(
    cli: &Cli,
    changed: &[ChangedFile],
    applied: &[AppliedFix],
    hidden: usize,
    failed: bool,
) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let mut out = Vec::new();
    for file in changed {
        let label = match &file.canonical {
            Some(_) => fix::diff::diff_path(&file.path, &cwd),
            None => file.name.clone(),
        };
        let diff = fix::diff::unified_diff(&file.original, &file.fixed, &label);
        if diff.masked {
            eprintln!(
                "pjsiplint: {}: secret values are masked in this diff, so hunks that show them \
                 will not apply with `patch`; use --fix",
                file.name
            );
        }
        out.extend_from_slice(&diff.text);
    }
    print_bytes(&out);
    if cli.show_fixes {
        eprint!("{}", fix_list(applied, true));
    }
    // On stderr, like Ruff's summary in diff mode: stdout stays a clean patch.
    if hidden > 0 && !cli.quiet {
        let what = if applied.is_empty() {
            "no fixes to apply".to_owned()
        } else {
            format!("would apply {}", count(applied.len(), "fix", "fixes"))
        };
        eprintln!("pjsiplint: {what} ({})", human::hidden_fixes(hidden));
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if !changed.is_empty() && !cli.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// After `--fix`: how many fixes were applied (unless `--show-fixes` listed them, `counted`
/// false) and how many unsafe ones were left out.
fn fix_note(applied: &[AppliedFix], files: usize, hidden: usize, counted: bool) -> Option<String> {
    let hidden = (hidden > 0).then(|| human::hidden_fixes(hidden));
    match (applied.is_empty(), hidden) {
        (true, None) => None,
        (true, Some(hidden)) => Some(format!("no fixes applied ({hidden})")),
        (false, hidden) if counted => {
            let mut note = format!(
                "applied {} in {} (--show-fixes lists them)",
                count(applied.len(), "fix", "fixes"),
                count(files, "file", "files")
            );
            if let Some(hidden) = hidden {
                note.push_str(&format!("; {hidden}"));
            }
            Some(note)
        }
        (false, hidden) => hidden,
    }
}

/// "1 fix", "2 fixes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `--show-fixes`: the fixes per rule, each with where it was applied.
fn fix_list(applied: &[AppliedFix], would: bool) -> String {
    if applied.is_empty() {
        return if would {
            "No fixes to apply.\n".to_owned()
        } else {
            "No fixes applied.\n".to_owned()
        };
    }
    let mut by_rule: std::collections::BTreeMap<&str, Vec<&AppliedFix>> = Default::default();
    for fix in applied {
        by_rule.entry(fix.rule).or_default().push(fix);
    }
    let verb = if would { "Would apply" } else { "Applied" };
    let plural = |n: usize| if n == 1 { "" } else { "es" };
    let mut out = format!("{verb} {} fix{}:\n", applied.len(), plural(applied.len()));
    for (rule, fixes) in by_rule {
        out.push_str(&format!("  {rule} ({})\n", fixes.len()));
        for fix in fixes {
            let unsafe_note = match fix.applicability {
                Applicability::Unsafe => " (unsafe)",
                Applicability::Safe => "",
            };
            out.push_str(&format!(
                "    {}:{}: {}{unsafe_note}\n",
                fix.file, fix.line, fix.title
            ));
        }
    }
    out
}

/// Writes raw bytes to stdout (fixed text and diffs keep invalid UTF-8 as it is).
fn print_bytes(bytes: &[u8]) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}
