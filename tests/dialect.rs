//! The config language as main/config.c reads it (../shared/asterisk/dialect.md), line by line.

use pjsiplint::syntax::{self, IgnoredBecause, LineErrorKind, LineKind, Operator};

/// Each line of `input` in a short form: `[name](opts)`, `key=value`, `key+=value`, `#word arg`,
/// `empty`, `ignored:...`, `error:...`.
fn lines(input: &str) -> Vec<String> {
    let tree = syntax::parse(input.as_bytes());
    let text = |text: &syntax::Text| tree.text(input.as_bytes(), text).to_owned();
    tree.lines()
        .map(|line| match &line.kind {
            LineKind::Empty => "empty".to_owned(),
            LineKind::Ignored(why) => format!("ignored:{why:?}"),
            LineKind::Section(header) => {
                let header = tree.section_header(*header);
                let mut out = format!("[{}]", text(&header.name));
                if let Some(options) = tree.header_items(header) {
                    let items: Vec<String> = options.iter().map(text).collect();
                    out.push_str(&format!("({})", items.join(",")));
                }
                if let Some(garbage) = tree.header_garbage(header) {
                    out.push_str(&format!(" garbage:{}", text(garbage)));
                }
                out
            }
            LineKind::Assignment(a) => {
                let op = if a.operator() == Operator::Append {
                    "+="
                } else {
                    "="
                };
                format!("{}{op}{}", text(&a.key), text(&a.value))
            }
            LineKind::Directive(d) => {
                let d = tree.directive(*d);
                format!("#{} {}", text(&d.name), text(&d.argument))
            }
            LineKind::Error(e) => format!("error:{:?}", e.kind),
        })
        .collect()
}

#[test]
fn line_comments_and_escapes() {
    assert_eq!(lines("a=b ; comment"), ["a=b"]);
    assert_eq!(lines("a=b\\;c"), ["a=b;c"]);
    // Only one backslash is consumed, and the `;` is still literal.
    assert_eq!(lines("a=b\\\\;c"), ["a=b\\;c"]);
    // Other backslashes stay as written.
    assert_eq!(lines("a=b\\nc"), ["a=b\\nc"]);
    assert_eq!(lines("; only a comment"), ["empty"]);
    assert_eq!(lines("   \t  "), ["empty"]);
}

#[test]
fn block_comments_nest_and_join() {
    assert_eq!(lines("w=1;-- x --;2"), ["w=12"]);
    assert_eq!(lines(";-- a ;-- b --; c --; d=1"), ["d=1"]);
    assert_eq!(
        lines("a=1\n;--\n[hidden]\nb=2\n--;\nc=3"),
        [
            "a=1",
            "empty",
            "ignored:BlockComment",
            "ignored:BlockComment",
            "empty",
            "c=3"
        ]
    );
    // `;---` banners are line comments, `;--;` opens a block.
    assert_eq!(lines(";-----------\na=1"), ["empty", "a=1"]);
    assert_eq!(
        lines(";--;\na=1\n--;"),
        ["empty", "ignored:BlockComment", "empty"]
    );
    let tree = syntax::parse(b"a=1\n;-- never closed\nb=2\n");
    assert!(tree.unterminated_block.is_some());
}

#[test]
fn stray_block_end_hides_the_rest_of_the_file() {
    let input = "[s]\nfoo=bar--;note\nx=1\ny=2 ;-- back\nz=3";
    assert_eq!(
        lines(input),
        [
            "[s]",
            "foo=bar--;note",
            "ignored:AfterStrayBlockEnd",
            "ignored:AfterStrayBlockEnd",
            "z=3"
        ]
    );
    let tree = syntax::parse(input.as_bytes());
    assert!(tree.stray_block_end(1).is_some());
}

#[test]
fn section_headers() {
    assert_eq!(lines("[ 6001 ]"), ["[ 6001 ]"], "names are not trimmed");
    assert_eq!(lines("[tpl](!)"), ["[tpl](!)"]);
    assert_eq!(lines("[x](!, tpl)"), ["[x](!, tpl)"]);
    assert_eq!(lines("[x](+type=^aor$)"), ["[x](+type=^aor$)"]);
    assert_eq!(lines("[x]()"), ["[x]()"]);
    assert_eq!(lines("[foo] (!)"), ["[foo] garbage:(!)"]);
    assert_eq!(lines("[foo]junk ; c"), ["[foo] garbage:junk"]);
    assert_eq!(lines("[foo ; c"), ["error:NoClosingBracket"]);
    assert_eq!(lines("[foo](!"), ["error:NoClosingParenthesis"]);
    assert_eq!(lines("[a\\;b]"), ["[a;b]"]);
    let long = format!("[{}]", "n".repeat(100));
    let tree = syntax::parse(long.as_bytes());
    let Some(header) = tree.header(&tree.line(0)) else {
        panic!("expected a header");
    };
    assert_eq!(tree.text(long.as_bytes(), &header.name).len(), 79);
    let full_name = tree
        .header_full_name(header)
        .map(|name| tree.text(long.as_bytes(), name).len());
    assert_eq!(full_name, Some(100));
    // Items, the garbage and the full name are kept one after another: each is found.
    let both = format!("[{}](a,b) junk\n[c](d)\n", "n".repeat(100));
    let tree = syntax::parse(both.as_bytes());
    let text = |text: &syntax::Text| tree.text(both.as_bytes(), text).to_owned();
    let Some(header) = tree.header(&tree.line(0)) else {
        panic!("expected a header");
    };
    let items: Vec<String> = tree
        .header_items(header)
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(items, ["a", "b"]);
    assert_eq!(
        tree.header_garbage(header).map(text).as_deref(),
        Some("junk")
    );
    assert_eq!(
        tree.header_full_name(header).map(text).map(|n| n.len()),
        Some(100)
    );
    let Some(next) = tree.header(&tree.line(1)) else {
        panic!("expected a header");
    };
    let items: Vec<String> = tree.header_items(next).unwrap().iter().map(text).collect();
    assert_eq!(items, ["d"]);
    assert_eq!(tree.header_garbage(next), None);
    assert_eq!(tree.header_full_name(next), None);
}

#[test]
fn assignments() {
    assert_eq!(lines("protocol => tcp"), ["protocol=tcp"]);
    assert_eq!(lines("key==v"), ["key==v"]);
    assert_eq!(lines("foo bar = 1"), ["foo bar=1"]);
    assert_eq!(lines("allow += g722"), ["allow+= g722"]);
    assert_eq!(lines("\\[x]=1"), ["[x]=1"]);
    assert_eq!(lines("\\ x=1"), ["error:InvalidEscape"]);
    assert_eq!(lines("just words"), ["error:NoEquals"]);
    assert_eq!(lines(" = value"), ["error:NoKey"]);
    assert_eq!(lines("key="), ["key="]);
    assert_eq!(lines("a=\"quoted; not\""), ["a=\"quoted"]);
}

#[test]
fn directives() {
    assert_eq!(lines("#include extra.conf ; c"), ["#include extra.conf"]);
    assert_eq!(
        lines("#INCLUDE \"my file.conf\""),
        ["#INCLUDE \"my file.conf\""]
    );
    assert_eq!(lines("#include\"x\""), ["#include\"x\" "]);
    assert_eq!(lines("# include x"), ["# include x"]);
}

#[test]
fn limits() {
    let long_line = format!("a={}\nb=2", "x".repeat(9000));
    assert_eq!(lines(&long_line), ["ignored:TooLong", "b=2"]);
    assert_eq!(lines("a=b\0c\nd=e"), ["a=b", "d=e"], "C strings end at NUL");
    let nested = ";--".repeat(200);
    let tree = syntax::parse(nested.as_bytes());
    assert!(matches!(
        tree.line(0).kind,
        LineKind::Ignored(IgnoredBecause::NestLimit)
    ));
    assert!(LineErrorKind::NoClosingBracket.invalidates_file());
}
