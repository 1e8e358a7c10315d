//! The objects sorcery creates: which types fail as a whole (a duplicate id, a second `global`),
//! the references resolved once for the rules, and the bases each section names.

use std::path::Path;

use pjsiplint::model::{load, load_bytes, Config, LoadOptions, NotLoaded, Section};

fn config(text: &str) -> Config {
    load_bytes(
        Path::new("/nonexistent/pjsip.conf"),
        "pjsip.conf".to_owned(),
        text.as_bytes().to_vec(),
        &LoadOptions::default(),
    )
}

/// The first section of that name.
fn section<'a>(config: &'a Config, name: &str) -> &'a Section {
    config
        .sections
        .iter()
        .find(|s| config.section_name(s) == name)
        .unwrap()
}

/// The lines of the first section named `name`, as `key=value`.
fn lines_of(config: &Config, name: &str) -> Vec<String> {
    config
        .vars(section(config, name))
        .iter()
        .map(|var| format!("{}={}", config.key(var), config.value(var)))
        .collect()
}

/// Each object as `type/id`, with why it does not load.
fn loading(config: &Config) -> Vec<String> {
    config
        .objects
        .list
        .iter()
        .map(|object| {
            let why: Vec<String> = config
                .objects
                .not_loaded(object)
                .iter()
                .map(|why| why.describe(object.kind_name()))
                .collect();
            format!(
                "{}/{}: {}",
                object.kind_name(),
                config.object_id(object),
                why.join("; ")
            )
        })
        .collect()
}

#[test]
fn a_duplicate_id_fails_its_whole_type_and_names_the_first_duplicate() {
    let config = config(
        "[a]\ntype=aor\n[x]\ntype=aor\n[b]\ntype=aor\n[x]\ntype=endpoint\n\
         [b]\ntype=aor\n[x]\ntype=aor\n",
    );
    let aor_failure = NotLoaded::DuplicateInType { id: "x".to_owned() };
    for object in &config.objects.list {
        let failed = config.objects.not_loaded(object).contains(&aor_failure);
        assert_eq!(
            failed,
            object.kind_name() == "aor",
            "{}",
            loading(&config).join("\n")
        );
    }
    let endpoint = config.object("endpoint", "x").unwrap();
    assert!(endpoint.loads());
}

#[test]
fn a_second_global_fails_every_global() {
    let config = config("[global]\ntype=global\n[g2]\ntype=global\n[a]\ntype=aor\n");
    let loads: Vec<bool> = config.objects.list.iter().map(|o| o.loads()).collect();
    assert_eq!(
        loads,
        [false, false, true],
        "{}",
        loading(&config).join("\n")
    );
    assert!(config
        .objects
        .not_loaded(&config.objects.list[0])
        .contains(&NotLoaded::MoreThanOne));
}

#[test]
fn a_twin_in_a_part_asterisk_did_not_read_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    // The broken header makes Asterisk stop reading the included file: its `[x]` is not loaded,
    // so the root's `[x]` is the only aor `x` Asterisk reads.
    std::fs::write(
        dir.path().join("broken.conf"),
        "[ok]\ntype=aor\n[bad\n[x]\ntype=aor\n[x]\ntype=aor\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pjsip.conf"),
        "#include broken.conf\n[x]\ntype=aor\n",
    )
    .unwrap();
    let config = load(&dir.path().join("pjsip.conf"), &LoadOptions::default()).unwrap();
    let shown = loading(&config).join("\n");
    let ok = config.object("aor", "ok").unwrap();
    assert!(ok.loads(), "{shown}");
    let read_x: Vec<_> = config
        .objects
        .of_type("aor")
        .filter(|o| {
            config.object_id(o) == "x"
                && !config.objects.not_loaded(o).contains(&NotLoaded::Dropped)
        })
        .collect();
    assert_eq!(read_x.len(), 1, "{shown}");
    assert!(read_x[0].loads(), "{shown}");
    // A second `[x]` after the include is read too: now the type fails.
    std::fs::write(
        dir.path().join("pjsip.conf"),
        "#include broken.conf\n[x]\ntype=aor\n[x]\ntype=aor\n",
    )
    .unwrap();
    let config = load(&dir.path().join("pjsip.conf"), &LoadOptions::default()).unwrap();
    assert!(
        config.objects.of_type("aor").all(|o| !o.loads()),
        "{}",
        loading(&config).join("\n")
    );
}

#[test]
fn references_name_the_first_object_of_the_target_type() {
    let config = config(
        "[tpl](!)\ntype=endpoint\naors=shared\n\
         [shared]\ntype=auth\n[shared]\ntype=aor\n\
         [6001](tpl)\naors=6001, ,missing\nauth=6001\ntransport=udp\ncontext=internal\n\
         [6001]\ntype=aor\n[6001]\ntype=auth\n",
    );
    let endpoint = config.object("endpoint", "6001").unwrap();
    let named: Vec<String> = config
        .references(endpoint)
        .map(|r| {
            let target = r.target.map_or("none".to_owned(), |t| {
                format!("{}/{}", t.kind_name(), config.object_id(t))
            });
            format!(
                "{}={} -> {} {target}",
                config.key(r.var),
                r.name,
                r.target_type
            )
        })
        .collect();
    // `context` names a context of extensions.conf, not an object: no reference.
    assert_eq!(
        named,
        [
            "aors=shared -> aor aor/shared",
            "aors=6001 -> aor aor/6001",
            "aors=missing -> aor none",
            "auth=6001 -> auth auth/6001",
            "transport=udp -> transport none",
        ]
    );
    let aors: Vec<&str> = config
        .referenced(endpoint, "AORS")
        .map(|aor| config.object_id(aor))
        .collect();
    // `aors` is last-value-wins: the section's own line replaces the template's `aors=shared`.
    assert_eq!(aors, ["6001"]);
}

/// An aor written just after its endpoint is found there only while ids are unique: with a twin
/// of it there, the reference still names the first aor of that id, written far before.
#[test]
fn a_reference_to_a_twin_written_beside_names_the_first() {
    let far = "[6001]\ntype=aor\n[f1]\ntype=aor\n[f2]\ntype=aor\n[f3]\ntype=aor\n[f4]\ntype=aor\n\
               [6001]\ntype=endpoint\naors=6001\n";
    for (text, target_section) in [
        (far.to_owned(), 0),
        (format!("{far}[6001]\ntype=aor\n"), 0),
        (format!("{far}[6001]\ntype=auth\n"), 0),
        // Unique ids, the aor beside: found there.
        (
            "[6001]\ntype=endpoint\naors=6001\n[6001]\ntype=aor\n".to_owned(),
            1,
        ),
    ] {
        let config = config(&text);
        let endpoint = config.object("endpoint", "6001").unwrap();
        let targets: Vec<u32> = config
            .references(endpoint)
            .filter_map(|r| r.target)
            .map(|aor| aor.section.0)
            .collect();
        assert_eq!(targets, [target_section], "{text:?}");
    }
}

#[test]
fn a_later_addition_header_adds_bases_after_those_of_the_first_header() {
    // `[s](+,b)` names a base for a section whose bases are not the last ones stored.
    let config = config("[a](!)\nx=1\n[b](!)\ny=2\n[s](a)\n[other](b)\n[s](+,b,missing)\n");
    let bases = |name: &str| -> Vec<String> {
        let section = section(&config, name);
        config
            .bases(section)
            .iter()
            .map(|base| {
                let resolved = base
                    .resolved()
                    .map(|id| config.section_name(config.section(id)));
                format!(
                    "{}={}",
                    config.text(base.file, &base.name),
                    resolved.unwrap_or("none")
                )
            })
            .collect()
    };
    assert_eq!(bases("s"), ["a=a", "b=b", "missing=none"]);
    assert_eq!(bases("other"), ["b=b"]);
    assert_eq!(bases("a"), Vec::<String>::new());
}

#[test]
fn each_inherited_line_names_the_base_it_was_copied_from() {
    // `[s](+,b)` copies b's lines after s's own; `y+=` extends an inherited line in s only.
    let config = config("[a](!)\nx=1\n[b](!)\ny=2\n[s](a)\nz=3\n[s](+,b)\ny+=4\n[t](b)\n");
    let origins = |name: &str| -> Vec<String> {
        let section = section(&config, name);
        config
            .vars(section)
            .iter()
            .map(|var| {
                let base = config.inherited_from(section, var);
                let base = base.map_or("own", |id| config.section_name(config.section(id)));
                format!("{}={} {base}", config.key(var), config.value(var))
            })
            .collect()
    };
    assert_eq!(origins("s"), ["x=1 a", "z=3 own", "y=24 b"]);
    assert_eq!(origins("t"), ["y=2 b"]);
    let s = section(&config, "s");
    let appended: Vec<bool> = config.vars(s).iter().map(|var| var.is_appended()).collect();
    assert_eq!(appended, [false, false, true]);
    let t = section(&config, "t");
    // A var of another section is not one of this section's lines.
    assert_eq!(config.inherited_from(t, config.vars(s).at(2)), None);
}

#[test]
fn an_endpoint_uses_the_transport_its_last_transport_line_names() {
    let config = config(
        "[udp]\ntype=transport\nprotocol=udp\n[tcp]\ntype=transport\nprotocol=tcp\n\
         [tpl](!)\ntype=endpoint\ntransport=udp\n\
         [a](tpl)\ntransport=tcp\n[b](tpl)\ntransport=missing\n[c](tpl)\n\
         [d]\ntype=endpoint\n",
    );
    let transports = |id: &str| -> Vec<String> {
        let endpoint = config.object("endpoint", id).unwrap();
        config
            .transports_of(endpoint)
            .map(|t| config.object_id(t).to_owned())
            .collect()
    };
    assert_eq!(transports("a"), ["tcp"]);
    assert!(transports("b").is_empty());
    assert_eq!(transports("c"), ["udp"]);
    // No `transport=`: pjsip picks any transport by the destination.
    assert_eq!(transports("d"), ["udp", "tcp"]);
}

#[test]
fn an_append_to_an_inherited_line_changes_only_its_own_section() {
    // t's `+=` entry is copied into s and u (inheriting from a section, not a template, so that
    // `[t](+)` can reopen it); later `+=` lines on t, s and u each extend their own.
    let config = config("[t]\na=1\na+=2\n[s](t)\na+=3\n[u](t)\n[t](+)\na+=4\n[s](+)\na+=5\n");
    let value = |name: &str| {
        let section = section(&config, name);
        config.value(config.vars(section).at(0)).to_owned()
    };
    assert_eq!(value("t"), "124");
    assert_eq!(value("s"), "1235");
    assert_eq!(value("u"), "12");
}

#[test]
fn sections_share_the_lines_of_an_unchanged_template() {
    // Sections inheriting a section refer to one copy of its lines (100k phones on a template
    // would otherwise hold a copy each); once it changes, sections inheriting it later get its
    // new lines, and a `+=` on a shared line changes only the section it is in.
    let config = config("[t]\na=1\n[s](t)\n[u](t)\n[t](+)\nb=2\n[v](t)\nb+=3\n[w](t)\n");
    let lines = |name: &str| lines_of(&config, name);
    assert_eq!(lines("t"), ["a=1", "b=2"]);
    assert_eq!(lines("s"), ["a=1"]);
    assert_eq!(lines("u"), ["a=1"]);
    assert_eq!(lines("v"), ["a=1", "b=23"]);
    assert_eq!(lines("w"), ["a=1", "b=2"]);
    // s holds nothing but t's shared lines.
    assert!(!config.vars(section(&config, "s")).is_empty());
    assert_eq!(config.vars(section(&config, "s")).len(), 1);
    let first_line = |name: &str| config.vars(section(&config, name)).at(0);
    assert!(std::ptr::eq(first_line("s"), first_line("u")));
    assert!(!std::ptr::eq(first_line("s"), first_line("w")));
    // v's `+=` made v's piece its own; w (inheriting after it) still shares t's new lines.
    let shared = |name: &str| config.vars(section(&config, name)).at(1);
    assert!(!std::ptr::eq(shared("v"), shared("w")));
}

#[test]
fn sections_reopened_in_turn_keep_their_lines_in_order() {
    // `(+)` additions to two sections in turn, and inheritance into a reopened section: each
    // section's lines move to the end of the shared vector with room to grow (the room must
    // never show).
    let mut text = String::from("[t](!)\nz=0\n[a]\n[b]\n");
    for i in 0..1000 {
        text.push_str(&format!("[a](+)\na{i}={i}\n[b](+)\nb{i}={i}\n"));
    }
    text.push_str("[a](+,t)\nlast=1\n");
    let config = config(&text);
    let lines = |name: &str| lines_of(&config, name);
    let mut expected_a: Vec<String> = (0..1000).map(|i| format!("a{i}={i}")).collect();
    expected_a.extend(["z=0".to_owned(), "last=1".to_owned()]);
    assert_eq!(lines("a"), expected_a);
    let expected_b: Vec<String> = (0..1000).map(|i| format!("b{i}={i}")).collect();
    assert_eq!(lines("b"), expected_b);
    let a = section(&config, "a");
    let z = config.vars(a).at(1000);
    assert_eq!(
        config
            .inherited_from(a, z)
            .map(|t| config.section_name(config.section(t))),
        Some("t")
    );
}

/// A configuration large enough that the index is made in two halves on two cores: each twin
/// still names the first object of its type and id, in load order, and every object is found.
#[test]
fn twins_of_a_large_configuration_name_their_first_in_load_order() {
    let mut text = String::new();
    for i in 0..6000 {
        text.push_str(&format!("[a{i}]\ntype=aor\n"));
    }
    let twins: Vec<usize> = (0..6000).step_by(499).collect();
    for &i in twins.iter().rev() {
        text.push_str(&format!("[a{i}]\ntype=aor\nmax_contacts=2\n"));
    }
    let config = config(&text);
    let found: Vec<(String, u32, u32)> = config
        .objects
        .twins()
        .iter()
        .map(|&(first, twin)| {
            let object = config.objects.by_id(first);
            (config.object_id(object).to_owned(), first.0, twin.0)
        })
        .collect();
    let expected: Vec<(String, u32, u32)> = twins
        .iter()
        .rev()
        .enumerate()
        .map(|(at, &i)| (format!("a{i}"), i as u32, (6000 + at) as u32))
        .collect();
    assert_eq!(found, expected);
    for i in [0, 1, 2999, 5999] {
        let object = config.object("aor", &format!("a{i}")).expect("found");
        assert_eq!(object.section.0, i, "a{i}");
    }
}

/// A configuration large enough that the objects are made in two halves on two cores: every
/// section finds its own object (or none), the list keeps the sections' order, and each type's
/// list is the list's objects of that type, across the cut between the halves; each endpoint's
/// reference finds its aor, in whichever half of the objects it was resolved.
#[test]
fn objects_made_in_two_halves_are_those_of_their_sections() {
    use pjsiplint::model::SectionId;
    let mut text = String::from("[tpl](!)\ntype=endpoint\n");
    // 5,400 objects: made and resolved in two halves (4,096 and up are cut).
    for n in 0..9000 {
        text += &match n % 5 {
            0 => format!("[e{n}]\ntype=endpoint\naors=a{}\n", n + 1),
            1 => format!("[a{n}]\ntype=aor\n"),
            2 => format!("[p{n}](tpl)\n"),
            3 => format!("[x{n}]\ncontext=none\n"),
            _ => format!("[t{n}](!)\ntype=auth\n"),
        };
    }
    let config = config(&text);
    let expected = |name: &str| match &name[..1] {
        "e" | "p" => Some("endpoint"),
        "a" => Some("aor"),
        _ => None,
    };
    let mut objects = 0;
    for (index, section) in config.sections.iter().enumerate() {
        let name = config.section_name(section);
        let object = config.objects.of_section(SectionId(index as u32));
        assert_eq!(
            object.map(|o| (o.section.0 as usize, o.kind_name())),
            expected(name).map(|kind| (index, kind)),
            "section {name}"
        );
        objects += usize::from(object.is_some());
    }
    assert_eq!(config.objects.list.len(), objects);
    assert!(config
        .objects
        .list
        .windows(2)
        .all(|pair| pair[0].section.0 < pair[1].section.0));
    for kind in ["endpoint", "aor", "auth"] {
        let of_type: Vec<u32> = config.objects.of_type(kind).map(|o| o.section.0).collect();
        let in_list: Vec<u32> = config
            .objects
            .list
            .iter()
            .filter(|o| o.kind_name() == kind)
            .map(|o| o.section.0)
            .collect();
        assert_eq!(of_type, in_list, "{kind}");
    }
    assert_eq!(config.objects.of_type("endpoint").count(), 3600);
    // Each endpoint's reference, found in whichever half of the objects it fell in.
    for endpoint in config.objects.of_type("endpoint") {
        let id = config.object_id(endpoint);
        let targets: Vec<&str> = config
            .objects
            .references(endpoint)
            .iter()
            .filter_map(|reference| reference.target())
            .map(|target| config.object_id(config.objects.by_id(target)))
            .collect();
        let expected = match id.strip_prefix('e') {
            Some(n) => vec![format!("a{}", n.parse::<u32>().unwrap() + 1)],
            None => Vec::new(),
        };
        assert_eq!(targets, expected, "{id}");
    }
}

/// FreePBX's split files: every aor, then every endpoint naming one, in about the same order
/// (an aor the endpoint before did not name, two swapped, one missing). Each reference names the
/// aor of its name, with the objects cut in two halves (heavy endpoints after light aors); and
/// the first of that name when a twin written before the others makes ids not unique, though
/// the one in the order is the second.
#[test]
fn references_across_files_written_in_the_same_order_name_the_object_of_their_name() {
    const PHONES: usize = 6000;
    let aor_order = |n: usize| match n {
        10 => 11,
        11 => 10,
        _ => n,
    };
    let mut aors = String::new();
    for n in (0..PHONES).map(aor_order).filter(|&n| n != 20) {
        aors += &format!("[{n}]\ntype=aor\n");
        if n == 30 {
            aors += "[unnamed]\ntype=aor\n";
        }
    }
    let mut endpoints = String::new();
    for n in 0..PHONES {
        endpoints += &format!("[{n}]\ntype=endpoint\naors={n}\ncontext=internal\nallow=ulaw\n");
    }
    for twin in ["", "[40]\ntype=aor\n"] {
        let config = config(&format!("{twin}{aors}{endpoints}"));
        for endpoint in config.objects.of_type("endpoint") {
            let id = config.object_id(endpoint);
            let targets: Vec<(&str, u32)> = config
                .references(endpoint)
                .filter_map(|r| r.target)
                .map(|aor| (config.object_id(aor), aor.section.0))
                .collect();
            let first_of_id = config.object("aor", id).map(|aor| (id, aor.section.0));
            assert_eq!(
                targets,
                Vec::from_iter(first_of_id),
                "endpoint {id}, twin {twin:?}"
            );
            assert_eq!(first_of_id.is_none(), id == "20");
            if id == "40" && !twin.is_empty() {
                assert_eq!(first_of_id, Some(("40", 0)));
            }
        }
    }
}

/// A walk that asks memory for the lines ahead (`Config::of_type_warm`) gives the objects and
/// ids `of_type` gives, in the same order, whatever their lines: own or a template's, added by
/// `(+)`, none at all, the last line of a file without its line end; in a small configuration
/// (nothing asked for) and in one of more than 4 MB (asked for).
#[test]
fn a_warm_walk_gives_the_objects_of_the_type_in_order() {
    for phones in [40, 100_000] {
        a_warm_walk_gives_the_objects_of_the_type_in_order_with(phones);
    }
}

fn a_warm_walk_gives_the_objects_of_the_type_in_order_with(phones: usize) {
    let mut text = String::from("[tpl](!)\ntype=endpoint\ncontext=internal\nallow=ulaw\n");
    for n in 0..phones {
        text += &match n % 4 {
            0 => format!("[e{n}](tpl)\ncallerid=\"{n}\" <{n}>\n"),
            1 => format!("[e{n}]\ntype=endpoint\ncontext=c\nallow=alaw\ndirect_media=no\n"),
            2 => format!("[e{n}]\ntype=endpoint\n[a{n}]\ntype=aor\n[e{n}](+)\nallow=g722\n"),
            _ => format!("[x{n}]\ntype=auth\n\n[e{n}](tpl)\n"),
        };
    }
    text += "[last]\ntype=endpoint\ncontext=end";
    let config = config(&text);
    for kind in ["endpoint", "aor", "auth", "transport"] {
        let cold: Vec<u32> = config.objects.of_type(kind).map(|o| o.section.0).collect();
        let warm = config.of_type_warm(kind);
        assert_eq!(warm.len(), cold.len(), "{kind}");
        let warm: Vec<u32> = warm.map(|o| o.section.0).collect();
        assert_eq!(warm, cold, "{kind}");
        let cold_ids: Vec<_> = config.objects.of_type(kind).with_ids().collect();
        let warm_ids: Vec<_> = config.of_type_warm(kind).with_ids().collect();
        assert_eq!(warm_ids.len(), cold_ids.len(), "{kind}");
        for ((warm_id, warm), (cold_id, cold)) in warm_ids.iter().zip(&cold_ids) {
            assert_eq!((warm_id, warm.section), (cold_id, cold.section), "{kind}");
        }
    }
    assert_eq!(config.of_type_warm("endpoint").count(), phones + 1);
    if phones > 40 {
        assert!(text.len() > 4 << 20, "{} bytes", text.len());
    }
}
