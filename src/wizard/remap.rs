//! Findings about the wizard's objects, moved from the text pjsiplint wrote to the wizard lines
//! that made it; fixes only where the text is a byte-for-byte copy of those lines.

use super::{Expansion, GeneratedLine};
use crate::diagnostic::Diagnostic;
use crate::model::Config;
use crate::source::Span;

impl Expansion {
    /// Where a finding at `span` of the written text points in the wizard file.
    pub fn remap(&self, config: &Config, span: Span) -> Span {
        if Some(span.file) != self.file {
            return span;
        }
        let Some(line) = self.line_at(config, span.start) else {
            return span;
        };
        exact(&line, span).unwrap_or(line.origin.at)
    }

    /// The wizard bytes that `span` is a copy of, when it lies within a copied key or value.
    pub fn remap_exact(&self, config: &Config, span: Span) -> Option<Span> {
        if Some(span.file) != self.file {
            return Some(span);
        }
        exact(&self.line_at(config, span.start)?, span)
    }
}

fn exact(line: &GeneratedLine, span: Span) -> Option<Span> {
    let shift = |part: Span, from: u32| {
        Span::new(
            part.file,
            part.start + span.start - from..part.start + span.end - from,
        )
    };
    if span.start >= line.start && span.end <= line.key_end {
        return line.origin.key.map(|key| shift(key, line.start));
    }
    if span.start >= line.value_start && span.end <= line.end {
        return line
            .origin
            .value
            .map(|value| shift(value, line.value_start));
    }
    None
}

/// Moves every finding about the wizard's objects to the wizard file. A fix stays only when each
/// of its edits falls on bytes copied from the wizard file; two findings of one rule that land
/// on the same wizard bytes (a template line many wizards inherit, a `transport` every
/// registration gets) are one finding.
pub fn remap_diagnostics(config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    let Some(expansion) = &config.expansion else {
        return;
    };
    diagnostics.retain(|d| !expansion.is_unknown(config, d.primary.span));
    let mut seen = rustc_hash::FxHashSet::default();
    diagnostics.retain_mut(|diagnostic| {
        if Some(diagnostic.primary.span.file) != expansion.file {
            return true;
        }
        diagnostic.primary.span = expansion.remap(config, diagnostic.primary.span);
        for label in &mut diagnostic.secondary {
            label.span = expansion.remap(config, label.span);
        }
        if let Some(fix) = &mut diagnostic.fix {
            let mut all_exact = true;
            for edit in &mut fix.edits {
                match expansion.remap_exact(config, edit.span) {
                    Some(span) => edit.span = span,
                    None => all_exact = false,
                }
            }
            if !all_exact {
                diagnostic.fix = None;
            }
        }
        let span = diagnostic.primary.span;
        seen.insert((diagnostic.rule, span.file, span.start, span.end))
    });
    // Labels and fixes of findings made elsewhere may point into the text too.
    for diagnostic in diagnostics.iter_mut() {
        for label in &mut diagnostic.secondary {
            label.span = expansion.remap(config, label.span);
        }
        let exact = diagnostic.fix.as_mut().is_none_or(|fix| {
            fix.edits
                .iter_mut()
                .all(|edit| match expansion.remap_exact(config, edit.span) {
                    Some(span) => {
                        edit.span = span;
                        true
                    }
                    None => false,
                })
        });
        if !exact {
            diagnostic.fix = None;
        }
    }
}
