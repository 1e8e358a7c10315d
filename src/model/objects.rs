//! The objects sorcery creates from the sections (res/res_sorcery_config.c; dialect.md section 7)
//! and, for each, whether Asterisk really loads it.

use rustc_hash::FxHashMap as HashMap;

use super::{Config, SectionId};
use crate::schema::{schema, ObjectType};

/// Index of an object in [`Objects::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectId(pub u32);

#[derive(Debug)]
pub struct Object {
    /// Its object type, as the schema describes it.
    pub ty: &'static ObjectType,
    /// The type's name (`ty.name`): the `type=` value, compared case-sensitively.
    pub kind: String,
    /// The section name: the object's id (case-sensitive).
    pub id: String,
    pub section: SectionId,
    /// Why Asterisk does not load it; empty when it does.
    pub not_loaded: Vec<NotLoaded>,
}

impl Object {
    /// [`Object::kind`], borrowed from the schema rather than from the object.
    pub fn kind_name(&self) -> &'static str {
        &self.ty.name
    }

    pub fn loads(&self) -> bool {
        self.not_loaded.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotLoaded {
    /// A mistake in the root file makes Asterisk load nothing at all.
    FileInvalid,
    /// Its section comes after a mistake that made Asterisk stop reading an included file.
    Dropped,
    /// Two objects of its type share an id: Asterisk loads no object of this type.
    DuplicateInType { id: String },
    /// A single-object type (`global`, `system`) defined more than once: none of them loads.
    MoreThanOne,
    /// Asterisk rejects this object (unknown option, bad value, missing required option).
    Rejected { reason: String },
}

impl NotLoaded {
    pub fn describe(&self, kind: &str) -> String {
        match self {
            NotLoaded::FileInvalid => {
                "the configuration is invalid, so Asterisk loads nothing from it".to_owned()
            }
            NotLoaded::Dropped => {
                "Asterisk stopped reading the included file before this section".to_owned()
            }
            NotLoaded::DuplicateInType { id } => {
                format!("two {kind} sections are named '{id}', so Asterisk loads no {kind} at all")
            }
            NotLoaded::MoreThanOne => {
                format!("more than one {kind} section exists, so Asterisk loads none")
            }
            NotLoaded::Rejected { reason } => reason.clone(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Objects {
    pub list: Vec<Object>,
    /// The first object of each (type, id), by a hash of the pair: no key is copied, and a lookup
    /// checks the object it finds (two pairs with one hash fall back to a scan of the type).
    index: HashMap<u64, ObjectId>,
    /// The object of each section, by section index.
    by_section: Vec<Option<ObjectId>>,
    /// Objects of each type, in load order: rules ask for "every transport" per endpoint, which
    /// must not be a scan of every object.
    by_kind: HashMap<&'static str, Vec<ObjectId>>,
}

impl Objects {
    /// The first object of that type and id.
    pub fn get(&self, kind: &str, id: &str) -> Option<&Object> {
        let found = self
            .index
            .get(&pair_hash(kind, id))
            .map(|&ObjectId(index)| &self.list[index as usize]);
        match found {
            Some(object) if object.kind == kind && object.id == id => Some(object),
            // Nothing with that hash, so no such object.
            None => None,
            // Another pair has the same hash: look at every object of the type.
            Some(_) => self.of_type(kind).find(|object| object.id == id),
        }
    }

    pub fn of_section(&self, section: SectionId) -> Option<&Object> {
        self.by_section
            .get(section.0 as usize)
            .copied()
            .flatten()
            .map(|ObjectId(index)| &self.list[index as usize])
    }

    pub fn of_type<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&ObjectId(index)| &self.list[index as usize])
    }

    pub fn by_id(&self, id: ObjectId) -> &Object {
        &self.list[id.0 as usize]
    }

    pub fn get_mut(&mut self, id: ObjectId) -> &mut Object {
        &mut self.list[id.0 as usize]
    }

    pub fn ids(&self) -> impl Iterator<Item = ObjectId> {
        (0..self.list.len() as u32).map(ObjectId)
    }
}

/// The object type of a section, as sorcery decides it: the first `type` line's value if it names
/// an object type of pjsip.conf; otherwise a section named exactly `global` or `system` whose
/// keys all belong to that type (the `explicit_name` mapping).
pub fn section_kind(config: &Config, section: SectionId) -> Option<&'static ObjectType> {
    let section = config.section(section);
    if section.template {
        return None;
    }
    match config.type_var(section) {
        Some(var) => {
            let value = config.value(var);
            schema().object_type(value).filter(|ty| ty.in_pjsip_conf)
        }
        None => {
            let ty = schema()
                .object_types()
                .find(|ty| ty.explicit_name.as_deref() == Some(section.name.as_str()))?;
            let all_known = section.vars.iter().all(|var| {
                let key = config.key(var);
                ty.option(key).is_some() || ty.matches_pattern(key)
            });
            all_known.then_some(ty)
        }
    }
}

pub(super) fn build(config: &Config) -> Objects {
    let mut objects = Objects {
        by_section: vec![None; config.sections.len()],
        ..Objects::default()
    };
    let file_loads = config.file_loads();
    for (index, section) in config.sections.iter().enumerate() {
        let section_id = SectionId(index as u32);
        let Some(ty) = section_kind(config, section_id) else {
            continue;
        };
        let mut not_loaded = Vec::new();
        if !file_loads {
            not_loaded.push(NotLoaded::FileInvalid);
        }
        if section.dropped {
            not_loaded.push(NotLoaded::Dropped);
        }
        let id = ObjectId(objects.list.len() as u32);
        let kind = ty.name.as_str();
        objects
            .index
            .entry(pair_hash(kind, &section.name))
            .or_insert(id);
        objects.by_section[index] = Some(id);
        objects.by_kind.entry(kind).or_default().push(id);
        objects.list.push(Object {
            ty,
            kind: kind.to_owned(),
            id: section.name.clone(),
            section: section_id,
            not_loaded,
        });
    }
    mark_type_failures(&mut objects);
    objects
}

/// A duplicate id within a type, or a second object of a single-object type, makes the whole type
/// fail (res_sorcery_config.c l.371 and l.403-410).
fn mark_type_failures(objects: &mut Objects) {
    let mut counts: HashMap<(&str, &str), usize> =
        HashMap::with_capacity_and_hasher(objects.list.len(), Default::default());
    let mut per_type: HashMap<&'static str, usize> = HashMap::default();
    for object in objects
        .list
        .iter()
        .filter(|o| !o.not_loaded.contains(&NotLoaded::Dropped))
    {
        *counts.entry((object.kind_name(), &object.id)).or_default() += 1;
        *per_type.entry(object.kind_name()).or_default() += 1;
    }
    let mut failures: HashMap<&'static str, NotLoaded> = HashMap::default();
    // In section order, so the id named is always the first duplicate.
    for object in &objects.list {
        if counts.get(&(object.kind_name(), object.id.as_str())) > Some(&1) {
            failures
                .entry(object.kind_name())
                .or_insert_with(|| NotLoaded::DuplicateInType {
                    id: object.id.clone(),
                });
        }
    }
    for (kind, count) in per_type {
        let single = schema()
            .object_type(kind)
            .is_some_and(|ty| ty.single_object);
        if single && count > 1 {
            failures.insert(kind, NotLoaded::MoreThanOne);
        }
    }
    if failures.is_empty() {
        return;
    }
    for object in &mut objects.list {
        if let Some(why) = failures.get(object.kind.as_str()) {
            object.not_loaded.push(why.clone());
        }
    }
}

/// The hash [`Objects`] indexes a (type, id) pair by.
fn pair_hash(kind: &str, id: &str) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    kind.hash(&mut hasher);
    id.hash(&mut hasher);
    hasher.finish()
}
