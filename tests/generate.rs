//! The benchmark's generated shapes (`generate::shaped`) are configurations a site would keep:
//! they lint without findings that grow with their size, so the bench times linting, not
//! reporting.

use pjsiplint::generate::{shaped, Shape};
use pjsiplint::{lint_path, Settings};

fn findings(shape: Shape, phones: usize) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let files = shaped(shape, phones);
    for file in &files {
        std::fs::write(dir.path().join(file.name), &file.text).unwrap();
    }
    let linted = lint_path(&dir.path().join(files[0].name), &Settings::default()).unwrap();
    linted
        .diagnostics
        .iter()
        .map(|diagnostic| format!("{}: {}", diagnostic.rule, diagnostic.message))
        .collect()
}

#[test]
fn no_shape_has_findings_that_grow_with_it() {
    for shape in Shape::ALL {
        let small = findings(shape, 40);
        let large = findings(shape, 400);
        println!("{}: {small:#?}", shape.name());
        assert_eq!(small.len(), large.len(), "{}: {large:#?}", shape.name());
    }
}
