//! Reports for people: miette's graphical rendering with the source line, a label under the exact
//! bytes, secondary labels, help and the rule name.

use std::collections::HashMap;
use std::fmt;
use std::ops::RangeInclusive;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, Severity as MietteSeverity, SourceCode, SourceSpan, SpanContents,
};

use super::secrets::masked_text;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::model::Config;
use crate::source::{FileId, SourceFile};

/// Source lines longer than this are not shown (a 20 MB line would flood the terminal).
const MAX_SHOWN_LINE: u32 = 2000;

/// A secondary label further than this many lines from the primary one becomes a note, so the
/// snippet does not show every line in between.
const MAX_LABEL_DISTANCE: usize = 3;

pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub fn new(color: bool) -> Human {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme).with_context_lines(1),
        }
    }

    /// Renders every diagnostic of one configuration.
    pub fn render(&self, config: &Config, diagnostics: &[Diagnostic], out: &mut String) {
        let mut sources: HashMap<FileId, Shown> = HashMap::new();
        for diagnostic in diagnostics {
            let span = diagnostic.primary.span;
            let file = config.file(span.file);
            let shown = sources.entry(span.file).or_insert_with(|| Shown::new(file));
            let (report, window) = to_miette(config, diagnostic);
            let line = file.syntax.line(file.line_index(span.start));
            let report = if line.end - line.start > MAX_SHOWN_LINE {
                miette::Report::new(report)
            } else {
                miette::Report::new(report).with_source_code(shown.window(file, window))
            };
            let mut rendered = String::new();
            if self
                .handler
                .render_report(&mut rendered, report.as_ref())
                .is_ok()
            {
                out.push_str(&rendered);
                out.push('\n');
            }
        }
    }
}

/// A file as shown: its masked text, and the number of line breaks as miette counts them (`\r`
/// alone is one too) before each of its lines.
struct Shown {
    text: String,
    breaks: Vec<usize>,
}

impl Shown {
    fn new(file: &SourceFile) -> Shown {
        let bytes: &[u8] = &file.bytes;
        let mut breaks = Vec::with_capacity(file.syntax.line_count());
        let mut count = 0;
        for line in file.syntax.lines() {
            breaks.push(count);
            let (start, end) = (line.start as usize, line.end as usize);
            count += 1
                + (start..end)
                    .filter(|&at| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
                    .count();
        }
        Shown {
            text: masked_text(file),
            breaks,
        }
    }

    /// The lines `lines` (and two more on each side, for miette's context line) of the file.
    fn window(&self, file: &SourceFile, lines: RangeInclusive<usize>) -> Window {
        let all = &file.syntax;
        let first = lines.start().saturating_sub(2);
        let last = (lines.end() + 2).min(all.line_count().saturating_sub(1));
        let start = all.line(first).start as usize;
        let end = all.line(last).full_range(self.text.len()).end;
        Window {
            name: file.name.clone(),
            text: self.text[start..end].to_owned(),
            offset: start,
            first_line: self.breaks[first],
        }
    }
}

/// Some lines of a file, for miette. miette finds a span's line by counting the lines from the
/// start of the source it is given: given the whole file, each finding cost the file's size
/// (10k findings in 400 KB took 14 s).
struct Window {
    name: String,
    text: String,
    /// Where `text` starts in the file, in bytes and in miette's lines.
    offset: usize,
    first_line: usize,
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let inner = self.text.read_span(
            &SourceSpan::new(offset.into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.offset).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The report, and the lines its labels are on.
fn to_miette(
    config: &Config,
    diagnostic: &Diagnostic,
) -> (MietteDiagnostic, RangeInclusive<usize>) {
    let span = diagnostic.primary.span;
    let primary = LabeledSpan::new_primary_with_span(
        (!diagnostic.primary.message.is_empty()).then(|| diagnostic.primary.message.to_string()),
        span.start as usize..span.end as usize,
    );
    let mut labels = vec![primary];
    let mut notes = Vec::new();
    let file = config.file(span.file);
    let primary_line = file.line_index(span.start);
    let mut lines = primary_line..=file.line_index(span.end).max(primary_line);
    for label in &diagnostic.secondary {
        let near = label.span.file == span.file
            && config
                .file(span.file)
                .line_index(label.span.start)
                .abs_diff(primary_line)
                <= MAX_LABEL_DISTANCE;
        if near {
            let start = file.line_index(label.span.start);
            let end = file.line_index(label.span.end).max(start);
            lines = start.min(*lines.start())..=end.max(*lines.end());
            labels.push(LabeledSpan::new_with_span(
                Some(label.message.to_string()),
                label.span.start as usize..label.span.end as usize,
            ));
        } else {
            let file = config.file(label.span.file);
            let at = file.line_col(label.span.start);
            notes.push(format!(
                "{}: {}:{}:{}",
                label.message, file.name, at.line, at.column
            ));
        }
    }
    let mut help = diagnostic.help.as_deref().unwrap_or_default().to_owned();
    if let Some(evidence) = &diagnostic.evidence {
        notes.push(format!("seen in {evidence}"));
    }
    for note in notes {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&note);
    }
    let mut report = MietteDiagnostic::new(diagnostic.message.clone())
        .with_code(diagnostic.rule)
        .with_severity(match diagnostic.severity {
            Severity::Error => MietteSeverity::Error,
            Severity::Warning => MietteSeverity::Warning,
            Severity::Info => MietteSeverity::Advice,
        })
        .with_labels(labels);
    if !help.is_empty() {
        report = report.with_help(help);
    }
    (report, lines)
}

/// "2 errors, 1 warning in 3 files" or "no problems found", and how many are fixable.
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The files read (each configuration's root file and what it includes).
    pub files: usize,
    /// Findings with a safe fix (`--fix` applies it).
    pub fixable: usize,
    /// Findings with an unsafe fix only (`--unsafe-fixes` applies it).
    pub hidden: usize,
    /// Whether to add the line about fixes (off after `--fix`, which says it on stderr).
    pub show_fixes: bool,
}

impl Summary {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>, files: usize) -> Self {
        let mut summary = Summary {
            errors: 0,
            warnings: 0,
            infos: 0,
            files,
            fixable: 0,
            hidden: 0,
            show_fixes: true,
        };
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
                Some(Applicability::Safe) => summary.fixable += 1,
                Some(Applicability::Unsafe) => summary.hidden += 1,
                None => {}
            }
        }
        summary
    }
}

/// "(2 hidden fixes can be enabled with the `--unsafe-fixes` option)", Ruff's words.
pub fn hidden_fixes(hidden: usize) -> String {
    let fixes = if hidden == 1 { "fix" } else { "fixes" };
    format!("{hidden} hidden {fixes} can be enabled with the `--unsafe-fixes` option")
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let files = plural(self.files, "file");
        if self.errors + self.warnings + self.infos == 0 {
            return write!(f, "No problems found in {files}.");
        }
        write!(
            f,
            "Found {}, {}, {} in {files}.",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info")
        )?;
        if !self.show_fixes {
            return Ok(());
        }
        match (self.fixable, self.hidden) {
            (0, 0) => Ok(()),
            (0, hidden) => write!(f, "\nNo fixes available ({}).", hidden_fixes(hidden)),
            (fixable, 0) => write!(f, "\n[*] {fixable} fixable with the `--fix` option."),
            (fixable, hidden) => write!(
                f,
                "\n[*] {fixable} fixable with the `--fix` option ({}).",
                hidden_fixes(hidden)
            ),
        }
    }
}
