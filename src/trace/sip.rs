//! A forgiving SIP message parser: start line, folded and compact headers, quoted or bare
//! parameters, a body cut by Content-Length; damaged messages still parse as far as they go.

/// The largest body kept from one message: a huge Content-Length must not make us hold (or wait
/// for) more than this.
pub const MAX_BODY: usize = 64 * 1024;

/// The largest header block looked at: a stream of garbage without a blank line is dropped past
/// this.
pub const MAX_HEADERS: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request { method: String, uri: String },
    Response { code: u16, reason: String },
}

#[derive(Debug, Clone)]
pub struct SipMessage {
    pub start: StartLine,
    /// Header names in lower case, compact forms expanded; values unfolded and trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SipMessage {
    /// The first value of a header (by its long lower-case name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn call_id(&self) -> &str {
        self.header("call-id").unwrap_or("")
    }

    /// CSeq number and method.
    pub fn cseq(&self) -> (u32, String) {
        let value = self.header("cseq").unwrap_or("");
        let mut parts = value.split_whitespace();
        let number = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let method = parts.next().unwrap_or("").to_ascii_uppercase();
        (number, method)
    }

    /// The top Via's `branch` parameter (a Via header can hold several comma-separated vias).
    pub fn branch(&self) -> Option<String> {
        let via = self.header("via")?;
        let top = via.split(',').next().unwrap_or(via);
        header_param(top, "branch").map(str::to_owned)
    }
}

/// Header names' compact forms (RFC 3261 section 7.3.3 and later RFCs).
fn long_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let long = match lower.as_str() {
        "i" => "call-id",
        "f" => "from",
        "t" => "to",
        "v" => "via",
        "m" => "contact",
        "l" => "content-length",
        "c" => "content-type",
        "e" => "content-encoding",
        "k" => "supported",
        "s" => "subject",
        "o" => "event",
        "r" => "refer-to",
        "u" => "allow-events",
        _ => return lower,
    };
    long.to_owned()
}

/// Whether a line starts a SIP message: `SIP/2.0 NNN ...` or `METHOD uri SIP/2.0`.
pub fn is_start_line(line: &[u8]) -> bool {
    let line = trim_end(line);
    if line.starts_with(b"SIP/2.0 ") {
        return true;
    }
    line.ends_with(b" SIP/2.0")
        && line
            .iter()
            .take_while(|&&b| b != b' ')
            .all(|b| b.is_ascii_alphabetic())
}

fn trim_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &line[..end]
}

fn parse_start(line: &str) -> Option<StartLine> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        return Some(StartLine::Response {
            code: code.trim().parse().ok()?,
            reason: reason.trim().to_owned(),
        });
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let uri = parts.next()?;
    if !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Some(StartLine::Request {
        method: method.to_ascii_uppercase(),
        uri: uri.to_owned(),
    })
}

/// Where a message's header block ends in `bytes`: the offset of the body.
fn headers_end(bytes: &[u8]) -> Option<usize> {
    let limit = bytes.len().min(MAX_HEADERS);
    let window = &bytes[..limit];
    let crlf = memchr::memmem::find(window, b"\r\n\r\n").map(|i| i + 4);
    let lf = memchr::memmem::find(window, b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses the header block (start line included).
fn parse_head(head: &[u8]) -> Option<SipMessage> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    let start = parse_start(lines.next()?)?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            break;
        }
        // A folded line continues the previous header's value.
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((long_name(name), value.trim().to_owned()));
        }
    }
    Some(SipMessage {
        start,
        headers,
        body: Vec::new(),
    })
}

fn content_length(message: &SipMessage) -> Option<usize> {
    message
        .header("content-length")
        .and_then(|v| v.trim().parse().ok())
}

/// Parses one datagram (UDP, or a message from the logger text): the body is what follows the
/// headers, cut to Content-Length when that is shorter.
pub fn parse_datagram(bytes: &[u8]) -> Option<SipMessage> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let bytes = &bytes[start..];
    let end = headers_end(bytes).unwrap_or(bytes.len().min(MAX_HEADERS));
    let mut message = parse_head(&bytes[..end])?;
    let rest = &bytes[end.min(bytes.len())..];
    let length = content_length(&message)
        .unwrap_or(rest.len())
        .min(rest.len())
        .min(MAX_BODY);
    message.body = rest[..length].to_vec();
    Some(message)
}

/// Splits a stream (TCP) into messages by Content-Length. Returns the messages complete in
/// `buffer` and how many bytes they (and any garbage before them) used.
pub fn split_stream(buffer: &[u8]) -> (Vec<SipMessage>, usize) {
    let mut messages = Vec::new();
    let mut at = 0;
    loop {
        let rest = &buffer[at..];
        // Skip keep-alive CRLFs and anything up to a line that starts a message.
        let Some(skip) = next_start(rest) else {
            // Keep the last partial line: it may be the start of a message.
            let keep = rest.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            at += keep;
            break;
        };
        let rest = &rest[skip..];
        let Some(end) = headers_end(rest) else {
            at += skip;
            if rest.len() >= MAX_HEADERS {
                // No end of headers within the limit: not a message; drop the line.
                at += rest
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(rest.len(), |i| i + 1);
                continue;
            }
            break;
        };
        let Some(mut message) = parse_head(&rest[..end]) else {
            at += skip + end;
            continue;
        };
        let length = content_length(&message).unwrap_or(0);
        if length > MAX_BODY {
            // A length we will not wait for: keep what is there and resynchronise on the next
            // start line.
            message.body = rest[end..].iter().take(MAX_BODY).copied().collect();
            messages.push(message);
            at += skip + end;
            continue;
        }
        if rest.len() < end + length {
            at += skip;
            break;
        }
        message.body = rest[end..end + length].to_vec();
        messages.push(message);
        at += skip + end + length;
    }
    (messages, at)
}

/// The offset of the first line in `bytes` that starts a SIP message.
fn next_start(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at < bytes.len() {
        let end = bytes[at..].iter().position(|&b| b == b'\n')?;
        if is_start_line(&bytes[at..at + end]) {
            return Some(at);
        }
        at += end + 1;
    }
    None
}

/// A parameter of a header value (`;name=value`), quotes removed.
pub fn header_param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').skip(1).find_map(|part| {
        let (key, v) = part.split_once('=').unwrap_or((part, ""));
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"'))
    })
}

/// The parameters of a `Digest` challenge or answer (`WWW-Authenticate`, `Authorization`):
/// names in lower case, values unquoted. Commas inside quotes are kept.
pub fn digest_params(value: &str) -> Option<Vec<(String, String)>> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let mut params = Vec::new();
    let mut chars = rest.char_indices().peekable();
    let bytes = rest;
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| *c == ',' || c.is_whitespace())
        {
            chars.next();
        }
        let Some(&(name_start, _)) = chars.peek() else {
            break;
        };
        let mut name_end = name_start;
        while let Some(&(i, c)) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            name_end = i + c.len_utf8();
            chars.next();
        }
        let name = bytes[name_start..name_end].trim().to_ascii_lowercase();
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek().is_some_and(|(_, c)| *c == '"') {
                chars.next();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next().map(|(_, c)| c)),
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&(_, c)) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                value = value.trim().to_owned();
            }
        }
        if !name.is_empty() {
            params.push((name, value));
        }
    }
    Some(params)
}

/// The user part of a name-addr or URI (`"Bob" <sip:6001@host>;tag=x` gives `6001`).
pub fn uri_user(value: &str) -> Option<&str> {
    let uri = addr_uri(value);
    let rest = uri.split_once(':').map_or(uri, |(_, r)| r);
    let (user, _) = rest.split_once('@')?;
    Some(user.split(';').next().unwrap_or(user))
}

/// The host part of a name-addr or URI, without port or brackets.
pub fn uri_host(value: &str) -> Option<&str> {
    let uri = addr_uri(value);
    let rest = uri.split_once(':').map_or(uri, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let rest = rest.split([';', '?', '>']).next().unwrap_or(rest);
    if let Some(v6) = rest.strip_prefix('[') {
        return v6.split(']').next();
    }
    rest.split(':').next().filter(|h| !h.is_empty())
}

/// The URI inside `<...>`, or the value up to its parameters.
pub fn addr_uri(value: &str) -> &str {
    let value = value.trim();
    if let Some(start) = value.find('<') {
        let rest = &value[start + 1..];
        return rest.split('>').next().unwrap_or(rest);
    }
    value.split(';').next().unwrap_or(value).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_folded_and_compact_headers() {
        let text = b"REGISTER sip:a SIP/2.0\r\ni: abc\r\nv: SIP/2.0/UDP h;branch=z9\r\nSubject: one\r\n two\r\nl: 3\r\n\r\nxyzEXTRA";
        let message = parse_datagram(text).unwrap();
        assert_eq!(message.call_id(), "abc");
        assert_eq!(message.branch().as_deref(), Some("z9"));
        assert_eq!(message.header("subject"), Some("one two"));
        assert_eq!(message.body, b"xyz");
    }

    #[test]
    fn splits_a_stream_by_content_length() {
        let one = b"SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nab";
        let mut stream = Vec::new();
        stream.extend_from_slice(b"\r\n\r\n");
        stream.extend_from_slice(one);
        stream.extend_from_slice(one);
        stream.extend_from_slice(&one[..20]);
        let (messages, used) = split_stream(&stream);
        assert_eq!(messages.len(), 2);
        assert_eq!(&stream[used..], &one[..20]);
    }

    #[test]
    fn reads_quoted_and_bare_digest_parameters() {
        let params =
            digest_params(r#"Digest realm="a,b", nonce=xyz ,qop="auth,auth-int", algorithm=MD5"#)
                .unwrap();
        assert_eq!(params[0], ("realm".to_owned(), "a,b".to_owned()));
        assert_eq!(params[1], ("nonce".to_owned(), "xyz".to_owned()));
        assert_eq!(params[2].1, "auth,auth-int");
        assert_eq!(params[3].1, "MD5");
    }

    #[test]
    fn reads_users_and_hosts() {
        assert_eq!(uri_user("\"B\" <sip:6001@h:5060>;tag=1"), Some("6001"));
        assert_eq!(uri_host("<sip:6001@[::1]:5060>"), Some("::1"));
        assert_eq!(uri_host("sip:192.0.2.20:5060"), Some("192.0.2.20"));
    }
}
