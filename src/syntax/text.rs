//! [`TextStr`]: the string type of [`super::Text::text`].

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use compact_str::CompactString;

/// A string that keeps up to 24 bytes inline (almost every key, value and name of a config), so
/// that a parsed line costs no allocation. It reads like a `String`: it derefs to `str` (so
/// `str`'s methods apply, with their usual return types), compares with `str`, `&str` and
/// `String`, and prints (`Display` and `Debug`) exactly as the same `String` would. Use
/// `to_string()` for an owned `String`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextStr(CompactString);

impl TextStr {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for TextStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for TextStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for TextStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for TextStr {
    fn from(text: &str) -> Self {
        TextStr(CompactString::from(text))
    }
}

impl From<String> for TextStr {
    fn from(text: String) -> Self {
        TextStr(CompactString::from(text))
    }
}

impl From<TextStr> for String {
    fn from(text: TextStr) -> Self {
        text.0.into_string()
    }
}

impl fmt::Display for TextStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for TextStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for TextStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for TextStr {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<TextStr> for $other {
            fn eq(&self, other: &TextStr) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with!(str, &str, String);

#[cfg(test)]
mod tests {
    use super::TextStr;

    #[test]
    fn reads_like_a_string() {
        let long = "a text longer than twenty-four bytes, so on the heap";
        for text in ["", "endpoint", long, "n\u{e9}\u{fffd}"] {
            let t = TextStr::from(text);
            assert_eq!(t, text);
            assert_eq!(t, *text);
            assert_eq!(t, text.to_owned());
            assert_eq!(text, t);
            assert_eq!(format!("{t}|{t:?}"), format!("{text}|{text:?}"));
            assert_eq!(t.to_ascii_lowercase(), text.to_ascii_lowercase());
            assert_eq!(String::from(t.clone()), text);
            assert_eq!(t.len(), text.len());
        }
    }
}
