//! `--effective`: the objects Asterisk will create, after includes, templates and additions, with
//! where each line came from. Secrets are shown as `********`.

use serde::Serialize;

use super::secrets::{is_secret_key, MASK};
use crate::model::{Config, Object, ObjectId, Var};
use crate::trunks::{TrunkReason, Trunks};
use crate::validate::{describe_rejection, ProblemKind, Validation};

#[derive(Serialize)]
pub struct Effective<'a> {
    pub file_loads: bool,
    pub objects: Vec<EffectiveObject<'a>>,
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

pub fn build<'a>(config: &'a Config, validation: &Validation, trunks: &Trunks) -> Effective<'a> {
    let mut depends_on: Vec<Vec<String>> = vec![Vec::new(); config.objects.list.len()];
    for problem in &validation.problems {
        if matches!(
            problem.kind,
            ProblemKind::NeedsFile { .. } | ProblemKind::NeedsDns { .. }
        ) {
            depends_on[problem.object.0 as usize].push(describe_rejection(config, problem));
        }
    }
    Effective {
        file_loads: config.file_loads(),
        objects: config
            .objects
            .list
            .iter()
            .enumerate()
            .map(|(index, object)| {
                let trunk =
                    trunks
                        .of_endpoint(ObjectId(index as u32))
                        .map(|trunk| EffectiveTrunk {
                            registration: trunk
                                .registration
                                .map(|r| config.object_id(config.objects.by_id(r))),
                            reason: trunk.reason,
                        });
                let mut shown = effective_object(config, object, trunk);
                shown.depends_on = std::mem::take(&mut depends_on[index]);
                shown
            })
            .collect(),
    }
}

fn effective_object<'a>(
    config: &'a Config,
    object: &'a Object,
    trunk: Option<EffectiveTrunk<'a>>,
) -> EffectiveObject<'a> {
    let section = config.section(object.section);
    let file = config.file(section.name_span.file);
    EffectiveObject {
        kind: object.kind_name(),
        id: config.object_id(object),
        file: &file.name,
        line: file.line_col(section.name_span.start).line,
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
pub fn render_text(config: &Config, validation: &Validation, trunks: &Trunks, out: &mut String) {
    let effective = build(config, validation, trunks);
    if !effective.file_loads {
        out.push_str(
            "; Asterisk rejects this configuration as a whole: no object below is loaded.\n\n",
        );
    }
    for (object, shown) in config.objects.list.iter().zip(&effective.objects) {
        let status = if shown.loads {
            "loads".to_owned()
        } else {
            format!("NOT LOADED: {}", shown.not_loaded.join("; "))
        };
        out.push_str(&format!(
            "[{}] ; {} from {}:{} ({status})\n",
            shown.id, shown.kind, shown.file, shown.line
        ));
        for dependency in &shown.depends_on {
            out.push_str(&format!("; {dependency}\n"));
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
                Some(registration) => out.push_str(&format!(
                    "; provider trunk with registration '{registration}' ({reason})\n"
                )),
                None => out.push_str(&format!("; provider trunk ({reason})\n")),
            }
        }
        let section = config.section(object.section);
        for (var, (key, value)) in config.vars(section).iter().zip(&shown.options) {
            let file = config.file(var.origin.file);
            let mut origin = format!("{}:{}", file.name, var.origin.line + 1);
            if let Some(base) = config.inherited_from(section, var) {
                origin.push_str(&format!(
                    ", from [{}]",
                    config.section_name(config.section(base))
                ));
            }
            if let Some(appended) = config.appended(var) {
                origin.push_str(&format!(", += on {} line(s)", appended.lines.len()));
            }
            out.push_str(&format!("{key} = {value} ; {origin}\n"));
        }
        out.push('\n');
    }
}
