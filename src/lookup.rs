//! Reading an object's options the way Asterisk ends up with them: the last line of a
//! single-valued option wins, list options keep every line (inherited lines first).
//!
//! Option names are compared without case through their key ids. Finding the ids of a name costs
//! a hash lookup: a loop asking every object for the same option resolves the name once with
//! [`Config::option_name`] and passes the [`OptionName`] instead of the text.

use crate::model::{Config, KeyId, Object, Var};
use crate::schema::schema;

/// An option name resolved to the ids of its spellings in one configuration (`Context`,
/// `context`, ...).
#[derive(Debug, Clone, Copy)]
pub struct OptionName<'a> {
    ids: &'a [KeyId],
}

impl OptionName<'_> {
    /// Whether any line of the configuration writes this option: a rule about one option has
    /// nothing to walk the objects for when none does.
    pub fn is_written(&self) -> bool {
        !self.ids.is_empty()
    }

    /// Whether `var` is a line of this option.
    pub fn names(&self, var: &Var) -> bool {
        match self.ids {
            // The usual case: one spelling in the whole configuration.
            [only] => var.key == *only,
            ids => ids.contains(&var.key),
        }
    }
}

/// Several option names resolved once, for a rule that reads several single-valued options of
/// each object: [`Options::last_lines`] finds the last line of each in one pass over the
/// object's lines, instead of one pass (and one name lookup) per option.
#[derive(Debug, Clone)]
pub struct Options<const N: usize> {
    /// By key id: the index (plus one) of the name among the `N`, 0 for other keys.
    slots: Vec<u8>,
}

impl<const N: usize> Options<N> {
    /// Which of the names `var` is a line of (its index among them), if any.
    pub fn index_of(&self, var: &Var) -> Option<usize> {
        match self.slots.get(var.key.0 as usize) {
            Some(&slot @ 1..) => Some(slot as usize - 1),
            _ => None,
        }
    }

    /// The last line of each option (in the order of the names), `None` where not written.
    pub fn last_lines<'a>(&self, config: &'a Config, object: &Object) -> [Option<&'a Var>; N] {
        let mut found = [None; N];
        for var in config.vars(config.section(object.section)) {
            if let Some(index) = self.index_of(var) {
                found[index] = Some(var);
            }
        }
        found
    }
}

/// An option name as text, or already resolved.
pub trait AsOptionName<'a> {
    fn resolve(self, config: &'a Config) -> OptionName<'a>;
}

impl<'a> AsOptionName<'a> for &str {
    fn resolve(self, config: &'a Config) -> OptionName<'a> {
        config.option_name(self)
    }
}

impl<'a> AsOptionName<'a> for OptionName<'a> {
    fn resolve(self, _: &'a Config) -> OptionName<'a> {
        self
    }
}

/// The items of a list option's value (`aors=a, b`), as Asterisk splits them: at commas, trimmed,
/// empty ones left out.
pub fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

impl Config {
    /// Resolves an option name once, for a loop over many objects.
    pub fn option_name(&self, name: &str) -> OptionName<'_> {
        OptionName {
            ids: self.key_ids(name),
        }
    }

    /// Resolves several option names once (see [`Options`]).
    pub fn options<const N: usize>(&self, names: [&str; N]) -> Options<N> {
        const { assert!(N < u8::MAX as usize) };
        let mut slots = Vec::new();
        for (index, name) in names.iter().enumerate() {
            for id in self.key_ids(name) {
                let at = id.0 as usize;
                if slots.len() <= at {
                    slots.resize(at + 1, 0);
                }
                slots[at] = index as u8 + 1;
            }
        }
        Options { slots }
    }

    /// Every line of `key` in the object (names compared without case), in order.
    pub fn option_vars<'a>(
        &'a self,
        object: &Object,
        key: impl AsOptionName<'a>,
    ) -> impl DoubleEndedIterator<Item = &'a Var> + 'a {
        let name = key.resolve(self);
        self.vars(self.section(object.section))
            .iter()
            .filter(move |var| name.names(var))
    }

    /// The line that sets a single-valued option: the last one.
    pub fn option_var<'a>(
        &'a self,
        object: &Object,
        key: impl AsOptionName<'a>,
    ) -> Option<&'a Var> {
        // A forward scan that keeps the last match, not a scan from the end: the hardware
        // prefetcher follows a forward walk (the sections' lines lie one after another in
        // memory), and over 100k endpoints the backward scan took 4 times as long.
        self.option_vars(object, key).last()
    }

    /// The value of a single-valued option, if written.
    pub fn option<'a>(&'a self, object: &Object, key: impl AsOptionName<'a>) -> Option<&'a str> {
        self.option_var(object, key).map(|var| self.value(var))
    }

    /// Whether a yes/no option is written as yes (Asterisk's `ast_true` words).
    pub fn option_is_true<'a>(&'a self, object: &Object, key: impl AsOptionName<'a>) -> bool {
        self.is_true(self.option_var(object, key))
    }

    /// Whether a yes/no option's line, found already, says yes; `false` without a line.
    pub fn is_true(&self, line: Option<&Var>) -> bool {
        line.is_some_and(|var| schema().is_true_word(self.value(var)))
    }

    /// The items of a list option as Asterisk ends up with them: split at commas, trimmed, empty
    /// ones left out, over every line of an option whose lines accumulate (`match=`, `contact=`,
    /// `local_net=`), but only the last line of one where a later line replaces the list
    /// (`aors=`, `auth=`, `outbound_auth=`: the schema's `repeat`).
    pub fn option_items<'a>(
        &'a self,
        object: &'a Object,
        key: impl AsOptionName<'a>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let name = key.resolve(self);
        let from = self.effective_from(object, name);
        self.vars(self.section(object.section))
            .iter()
            .enumerate()
            .filter(move |(index, var)| *index >= from && name.names(var))
            .flat_map(move |(_, var)| list_items(self.value(var)))
    }

    /// The index of the first line of `name` that counts: the last line for an option where a
    /// later line replaces an earlier one, 0 for one whose lines accumulate (or is not written).
    fn effective_from(&self, object: &Object, name: OptionName<'_>) -> usize {
        let vars = self.vars(self.section(object.section));
        let last = vars
            .iter()
            .enumerate()
            .filter(|(_, var)| name.names(var))
            .fold(None, |_, (index, var)| Some((index, var)));
        match last {
            Some((index, var)) if self.replaces_earlier(object, var) => index,
            _ => 0,
        }
    }

    /// Whether a later line of `var`'s option replaces an earlier one in this object's type
    /// (an option the type does not know: as if it did, Asterisk rejects the object anyway).
    fn replaces_earlier(&self, object: &Object, var: &Var) -> bool {
        self.option_spec(object.ty, var)
            .is_none_or(|spec| spec.repeat == crate::schema::Repeat::LastWins)
    }

    /// Whether a list option has an item as Asterisk ends up with it: what
    /// `option_items(object, key).next().is_some()` says, usually without reading a value. A
    /// line of a reference option (`aors`, `auth`, ...) that names something has entries in the
    /// object's references; reading the value instead costs two cache misses per object (the
    /// syntax line, then the file's bytes).
    pub fn has_items<'a>(&'a self, object: &'a Object, key: impl AsOptionName<'a>) -> bool {
        let name = key.resolve(self);
        let references = self.objects.references(object);
        let mut last = None;
        let mut any_named = false;
        for (index, var) in self.vars(self.section(object.section)).iter().enumerate() {
            if name.names(var) {
                // The references are in line order: a search, not a scan per line (a section of
                // many such lines would make that quadratic).
                let named = references
                    .binary_search_by_key(&(index as u32), |r| r.var)
                    .is_ok();
                any_named |= named;
                last = Some((var, named));
            }
        }
        let Some((var, named)) = last else {
            return false;
        };
        if self.replaces_earlier(object, var) {
            return named || list_items(self.value(var)).next().is_some();
        }
        // Lines without references: an option that names nothing, or empty lines.
        any_named || self.option_items(object, name).next().is_some()
    }

    /// What each name on the last line of a reference option names, in order (`None` for a
    /// name no object has): for options where each line replaces the list (an endpoint's
    /// `auth=`), what looking up each item of `option(object, key)` finds, without reading the
    /// value. Only for reference options (the schema's `refs`, of an object type of pjsip.conf).
    pub fn last_line_targets<'a>(
        &'a self,
        object: &'a Object,
        key: impl AsOptionName<'a>,
    ) -> impl Iterator<Item = Option<&'a Object>> + 'a {
        let name = key.resolve(self);
        let vars = self.vars(self.section(object.section));
        // Forward, as in `option_var` (a fold: `last` on a slice iterator would start at the end).
        let last = vars
            .iter()
            .enumerate()
            .filter(|(_, var)| name.names(var))
            .fold(None, |_, (index, _)| Some(index));
        let references = match last {
            Some(index) => {
                let references = self.objects.references(object);
                let start = references.partition_point(|r| r.var < index as u32);
                let end = references.partition_point(|r| r.var <= index as u32);
                debug_assert!(
                    start < end || list_items(self.value(vars.at(index))).next().is_none(),
                    "last_line_targets is only for reference options"
                );
                &references[start..end]
            }
            None => &[],
        };
        references
            .iter()
            .map(|reference| reference.target().map(|id| self.objects.by_id(id)))
    }

    /// The objects a reference option names (`aors`, `auth`, `outbound_auth`, `transport`, ...),
    /// those that exist: for each name, the first object of the option's target type (rejected
    /// or not: what a rule finds in a rejected object's own lines stays true once the rejecting
    /// line is fixed). Only the line Asterisk keeps counts for an option where a later line
    /// replaces an earlier one.
    pub fn referenced<'a>(
        &'a self,
        object: &'a Object,
        key: impl AsOptionName<'a>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let name = key.resolve(self);
        let from = self.effective_from(object, name) as u32;
        let vars = self.vars(self.section(object.section));
        self.objects
            .references(object)
            .iter()
            .filter(move |reference| {
                reference.var >= from && name.names(vars.at(reference.var as usize))
            })
            .filter_map(|reference| reference.target())
            .map(|id| self.objects.by_id(id))
    }

    /// Every name the object's reference options give, with its line and what it names, in line
    /// order.
    pub fn references<'a>(
        &'a self,
        object: &'a Object,
    ) -> impl Iterator<Item = NamedReference<'a>> {
        let vars = self.vars(self.section(object.section));
        self.objects
            .references(object)
            .chunk_by(|a, b| a.var == b.var)
            .flat_map(move |line| self.named_references(vars, line))
    }

    /// [`Config::references`] as Asterisk ends up with them: of an option where a later line
    /// replaces an earlier one (every reference option of pjsip.conf but phoneprov's
    /// `endpoint`; the schema's `repeat`), only the last line's names. A template's
    /// `aors=phone-aor` overridden by the section's own `aors=6001` names nothing. The one
    /// accessor for what an object's references really are.
    pub fn effective_references<'a>(
        &'a self,
        object: &'a Object,
    ) -> impl Iterator<Item = NamedReference<'a>> {
        let vars = self.vars(self.section(object.section));
        let references = self.objects.references(object);
        // Each reference option the object writes (by its spellings), whether a later line
        // replaces an earlier one, and its last line: a few options, one pass over the lines.
        let mut options: Vec<(&[KeyId], bool, u32)> = Vec::new();
        for line in references.chunk_by(|a, b| a.var == b.var) {
            let var = vars.at(line[0].var as usize);
            let ids = self.key_ids(self.key(var));
            if !options.iter().any(|(known, _, _)| known.contains(&var.key)) {
                options.push((ids, self.replaces_earlier(object, var), line[0].var));
            }
        }
        if options.iter().any(|(_, last_wins, _)| *last_wins) {
            for (index, var) in vars.iter().enumerate() {
                for option in options.iter_mut() {
                    if option.0.contains(&var.key) {
                        option.2 = index as u32;
                    }
                }
            }
        }
        references
            .chunk_by(|a, b| a.var == b.var)
            .filter(move |line| {
                let var = vars.at(line[0].var as usize);
                options
                    .iter()
                    .find(|(ids, _, _)| ids.contains(&var.key))
                    .is_none_or(|&(_, last_wins, last)| !last_wins || last == line[0].var)
            })
            .flat_map(move |line| self.named_references(vars, line))
    }

    /// The names one reference line gives (`aors=a, b`), each with what it names.
    fn named_references<'a>(
        &'a self,
        vars: crate::model::Vars<'a>,
        line: &'a [crate::model::objects::Reference],
    ) -> impl Iterator<Item = NamedReference<'a>> {
        let var = vars.at(line[0].var as usize);
        list_items(self.value(var))
            .zip(line)
            .map(move |(name, reference)| NamedReference {
                var,
                name,
                target_type: &reference.target_type().name,
                target: reference.target().map(|id| self.objects.by_id(id)),
            })
    }

    /// The transports an endpoint (or registration) can use: the one its `transport=` names,
    /// or, when it names none, every transport (pjsip picks one by the destination).
    pub fn transports_of<'a>(&'a self, object: &'a Object) -> Transports<'a> {
        self.transports_by_line(object, self.option_var(object, "transport"))
    }

    /// [`Config::transports_of`], for a caller that found the object's last `transport=` line.
    pub fn transports_by_line<'a>(
        &'a self,
        object: &'a Object,
        line: Option<&'a Var>,
    ) -> Transports<'a> {
        let Some(line) = line.filter(|line| !self.value(line).is_empty()) else {
            return Transports::Any(self.objects.of_type("transport"));
        };
        // The object the last `transport=` line names (the one Asterisk keeps).
        let vars = self.vars(self.section(object.section));
        let named = self
            .objects
            .references(object)
            .iter()
            .find(|reference| std::ptr::eq(vars.at(reference.var as usize), line))
            .and_then(|reference| reference.target())
            .map(|id| self.objects.by_id(id));
        Transports::Named(named)
    }
}

/// A name in a reference option and the object it names.
#[derive(Debug, Clone, Copy)]
pub struct NamedReference<'a> {
    pub var: &'a Var,
    pub name: &'a str,
    /// The type of object the option names.
    pub target_type: &'static str,
    /// The first object of that type and name, if there is one.
    pub target: Option<&'a Object>,
}

/// What [`Config::transports_of`] gives: no vector per endpoint.
pub enum Transports<'a> {
    Named(Option<&'a Object>),
    Any(crate::model::objects::OfType<'a>),
}

impl<'a> Iterator for Transports<'a> {
    type Item = &'a Object;

    fn next(&mut self) -> Option<&'a Object> {
        match self {
            Transports::Named(transport) => transport.take(),
            Transports::Any(all) => all.next(),
        }
    }
}
