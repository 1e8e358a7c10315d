//! Secrets never leave pjsiplint: values of `password`, `md5_cred` and the like are replaced
//! before any source text is shown.

use crate::source::SourceFile;
use crate::syntax::LineKind;

/// Keys whose values are secrets, in any object type, plus chan_sip's `secret` that people paste.
const SECRET_KEYS: &[&str] = &[
    "password",
    "md5_cred",
    "password_digest",
    "oauth_secret",
    "refresh_token",
    "secret",
];

pub const MASK: &str = "********";

pub fn is_secret_key(key: &str) -> bool {
    // pjsip_wizard.conf passes `inbound_auth/password` and the like through to the objects.
    let key = crate::wizard::option_of_key(key);
    // Misspelt or pasted password keys (`pasword`, `passwd`, `pwd`) hold the password all the
    // same.
    let lower = key.to_ascii_lowercase();
    if ["pass", "pasw", "pwd"]
        .iter()
        .any(|part| lower.contains(part))
    {
        return true;
    }
    SECRET_KEYS
        .iter()
        .any(|secret| key.eq_ignore_ascii_case(secret))
}

/// Keys that hold a user name (`username`, `from_user`, `contact_user`, the wizard's
/// `outbound_auth/username`): never masked.
pub fn is_username_key(key: &str) -> bool {
    let key = crate::wizard::option_of_key(key);
    let lower = key.to_ascii_lowercase();
    !is_secret_key(key) && (lower.ends_with("user") || lower.ends_with("username"))
}

/// The file's text for display, same length in bytes as the file: secret values become `*`,
/// invalid UTF-8 bytes become `?`. Secrets are found in assignments and also in lines Asterisk
/// ignores (comments), where a `password = x` may still be a real password.
pub fn masked_text(file: &SourceFile) -> String {
    let bytes = masked_bytes(file);
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    text
}

/// The file's bytes with secret values as `*` (blanks kept), everything else as it is: same
/// length and same line breaks as the file (`--diff` shows these).
pub fn masked_bytes(file: &SourceFile) -> Vec<u8> {
    let mut bytes = file.bytes.to_vec();
    // A secret written again as another option's value would show it all the same: such values
    // are masked too, except usernames. A username is not a secret (it travels in clear text in
    // every SIP request) and is shown even when the password equals it.
    let secrets: rustc_hash::FxHashSet<&str> = file
        .syntax
        .lines()
        .filter_map(|line| match line.kind {
            LineKind::Assignment(a) if is_secret_key(file.text(&a.key)) => {
                Some(file.text(&a.value).trim())
            }
            _ => None,
        })
        .filter(|value| !value.is_empty())
        .collect();
    for line in file.syntax.lines() {
        let range = match &line.kind {
            LineKind::Assignment(assignment)
                if is_secret_key(file.text(&assignment.key))
                    || (secrets.contains(file.text(&assignment.value).trim())
                        && !is_username_key(file.text(&assignment.key))) =>
            {
                assignment.value.span.start as usize..assignment.value.span.end as usize
            }
            _ => match secret_in_text(&file.bytes[line.start as usize..line.end as usize]) {
                Some(range) => line.start as usize + range.start..line.start as usize + range.end,
                None => continue,
            },
        };
        for byte in &mut bytes[range] {
            if *byte > b' ' {
                *byte = b'*';
            }
        }
    }
    bytes
}

/// In a line's raw bytes, what follows `=` after a secret key anywhere on the line (for lines that
/// are not plain assignments: comments, ignored lines).
fn secret_in_text(line: &[u8]) -> Option<std::ops::Range<usize>> {
    let lower = line.to_ascii_lowercase();
    for key in SECRET_KEYS {
        let mut from = 0;
        while let Some(found) = find(&lower[from..], key.as_bytes()) {
            let after = from + found + key.len();
            let rest = &lower[after..];
            let blanks = rest
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            if rest.get(blanks) == Some(&b'=') {
                return Some(after + blanks + 1..line.len());
            }
            from = after;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        let file = SourceFile::new(
            std::path::PathBuf::new(),
            String::new(),
            text.as_bytes().to_vec(),
        );
        String::from_utf8(masked_bytes(&file)).unwrap()
    }

    #[test]
    fn usernames_are_shown_even_when_the_password_equals_them() {
        let text = "[a]\ntype=auth\nusername=alice7\npassword=alice7\nfrom_user=alice7\n";
        assert_eq!(
            shown(text),
            "[a]\ntype=auth\nusername=alice7\npassword=******\nfrom_user=alice7\n"
        );
    }

    #[test]
    fn other_values_equal_to_a_password_are_masked() {
        let text = "[a]\ntype=auth\npassword=Hunter-22\n[e]\ntype=endpoint\ncallerid=Hunter-22\n";
        assert!(!shown(text).contains("Hunter-22"), "{}", shown(text));
    }

    #[test]
    fn username_keys() {
        for key in [
            "username",
            "from_user",
            "contact_user",
            "outbound_auth/username",
        ] {
            assert!(is_username_key(key), "{key}");
        }
        for key in ["password", "md5_cred", "auth", "user_pass"] {
            assert!(!is_username_key(key), "{key}");
        }
    }
}
