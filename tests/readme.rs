//! The README stays true: its rule table is generated from the rule registry.

#[test]
fn readme_rule_table_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = "<!-- rules:start -->\n";
    let end = "<!-- rules:end -->";
    let from = readme.find(start).expect("README has <!-- rules:start -->") + start.len();
    let to = readme[from..]
        .find(end)
        .expect("README has <!-- rules:end -->")
        + from;
    let table = pjsiplint::rules::markdown_table();
    assert!(
        readme[from..to] == table,
        "README's rule table is stale; replace it with:\n{table}"
    );
}

#[test]
fn readme_starts_with_the_two_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let head: String = readme.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(head.contains("cargo run --release -- corpus/demo/pjsip.conf"));
    assert!(head.contains("cargo test"));
    assert!(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/demo/pjsip.conf"
    ))
    .is_file());
}
