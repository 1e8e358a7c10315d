//! `--effective`: the objects Asterisk will create, after includes, templates and additions, with
//! where each line came from. Secrets are shown as `********`.

use std::io::{self, Write};

use rustc_hash::FxHashMap as HashMap;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::secrets::{is_secret_key, MASK};
use crate::model::{Config, Object, ObjectId, Var};
use crate::trunks::{TrunkReason, Trunks};
use crate::validate::{describe_rejection, ProblemKind, Validation};

/// The objects of one configuration as `--effective` shows them, each made as it is written:
/// 100k phones make 130 MB of text, which need not be held in memory, nor every object's lines
/// at once. Serializes as `{"file_loads": ..., "objects": [...]}`.
pub struct Effective<'a> {
    config: &'a Config,
    trunks: &'a Trunks,
    /// What the loading of the few objects that have such a thing depends on, by object index.
    depends_on: HashMap<usize, Vec<String>>,
}

#[derive(Serialize)]
pub struct EffectiveObject<'a> {
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub id: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub loads: bool,
    /// Why Asterisk does not load it (empty when it does).
    pub not_loaded: Vec<String>,
    pub options: Vec<(&'a str, &'a str)>,
    /// What the object's loading depends on that pjsiplint cannot see from here: a file an
    /// option names (on the PBX), a host name Asterisk resolves when it loads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// For a provider trunk's endpoint: its registration and why it counts as a trunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk: Option<EffectiveTrunk<'a>>,
}

#[derive(Serialize)]
pub struct EffectiveTrunk<'a> {
    pub registration: Option<&'a str>,
    pub reason: TrunkReason,
}

impl<'a> Effective<'a> {
    pub fn new(config: &'a Config, validation: &Validation, trunks: &'a Trunks) -> Self {
        let mut depends_on: HashMap<usize, Vec<String>> = HashMap::default();
        for problem in &validation.problems {
            if matches!(
                problem.kind,
                ProblemKind::NeedsFile { .. }
                    | ProblemKind::NeedsDns { .. }
                    | ProblemKind::NeedsAddress { .. }
            ) {
                depends_on
                    .entry(problem.object.0 as usize)
                    .or_default()
                    .push(describe_rejection(config, problem));
            }
        }
        Effective {
            config,
            trunks,
            depends_on,
        }
    }

    /// Whether Asterisk loads anything from the configuration.
    pub fn file_loads(&self) -> bool {
        self.config.file_loads()
    }

    /// Each object, in load order.
    pub fn objects(&self) -> impl Iterator<Item = EffectiveObject<'a>> + '_ {
        let config = self.config;
        config
            .objects
            .list
            .iter()
            .enumerate()
            .map(move |(index, object)| {
                let trunk = self
                    .trunks
                    .of_endpoint(ObjectId(index as u32))
                    .map(|trunk| EffectiveTrunk {
                        registration: trunk
                            .registration
                            .map(|r| config.object_id(config.objects.by_id(r))),
                        reason: trunk.reason,
                    });
                let mut shown = effective_object(config, object, trunk);
                shown.depends_on = self.depends_on.get(&index).cloned().unwrap_or_default();
                shown
            })
    }
}

impl Serialize for Effective<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The objects, serialized as they are made.
        struct Objects<'e, 'a>(&'e Effective<'a>);
        impl Serialize for Objects<'_, '_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.objects())
            }
        }
        let mut effective = serializer.serialize_struct("Effective", 2)?;
        effective.serialize_field("file_loads", &self.file_loads())?;
        effective.serialize_field("objects", &Objects(self))?;
        effective.end()
    }
}

fn effective_object<'a>(
    config: &'a Config,
    object: &'a Object,
    trunk: Option<EffectiveTrunk<'a>>,
) -> EffectiveObject<'a> {
    let section = config.section(object.section);
    let place = config.written_at(section.name_span);
    let file = config.file(place.file);
    EffectiveObject {
        kind: object.kind_name(),
        id: config.object_id(object),
        file: &file.name,
        line: file.line_col(place.start).line,
        loads: object.loads(),
        not_loaded: config
            .objects
            .not_loaded(object)
            .iter()
            .map(|why| why.describe(object.kind_name()))
            .collect(),
        options: config
            .vars(section)
            .iter()
            .map(|var| (config.key(var), shown_value(config, var)))
            .collect(),
        depends_on: Vec::new(),
        trunk,
    }
}

fn shown_value<'a>(config: &'a Config, var: &'a Var) -> &'a str {
    if is_secret_key(config.key(var)) {
        MASK
    } else {
        config.value(var)
    }
}

/// The INI-like listing: each object as a section, each line with the place it was written.
pub fn render_text(effective: &Effective, out: &mut impl Write) -> io::Result<()> {
    let config = effective.config;
    if !effective.file_loads() {
        out.write_all(
            b"; Asterisk rejects this configuration as a whole: no object below is loaded.\n\n",
        )?;
    }
    for (object, shown) in config.objects.list.iter().zip(effective.objects()) {
        let status = if shown.loads {
            "loads".to_owned()
        } else {
            format!("NOT LOADED: {}", shown.not_loaded.join("; "))
        };
        writeln!(
            out,
            "[{}] ; {} from {}:{} ({status})",
            shown.id, shown.kind, shown.file, shown.line
        )?;
        for dependency in &shown.depends_on {
            writeln!(out, "; {dependency}")?;
        }
        if let Some(trunk) = &shown.trunk {
            let reason = match trunk.reason {
                TrunkReason::RegistrationLine => "a registration names it with line=yes",
                TrunkReason::ContactMatchesRegistration => {
                    "its aor contact is the registration's server"
                }
                TrunkReason::PublicContact => "its aor contact is a public host",
            };
            match trunk.registration {
                Some(registration) => writeln!(
                    out,
                    "; provider trunk with registration '{registration}' ({reason})"
                )?,
                None => writeln!(out, "; provider trunk ({reason})")?,
            }
        }
        let section = config.section(object.section);
        for (var, (key, value)) in config.vars(section).iter().zip(&shown.options) {
            let place = config.written_at(config.var_span(var));
            let file = config.file(place.file);
            write!(
                out,
                "{key} = {value} ; {}:{}",
                file.name,
                file.line_col(place.start).line
            )?;
            if let Some(base) = config.inherited_from(section, var) {
                let base = config.section_name(config.section(base));
                write!(out, ", from [{base}]")?;
            }
            if let Some(appended) = config.appended(var) {
                write!(out, ", += on {} line(s)", appended.lines.len())?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
    }
    Ok(())
}
