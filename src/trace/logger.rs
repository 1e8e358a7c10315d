//! Reads `pjsip set logger on` output (a log file, or console text pasted): each
//! `<--- Transmitting/Received SIP ... --->` line and the message after it
//! (res/res_pjsip_logger.c, `logging_on_tx_msg`/`logging_on_rx_msg`, read for the format).

use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr};

use super::sip;
use super::{Addr, Captured, Seen, Transport};

/// The longest line kept whole: a longer one (garbage) is cut.
const MAX_LINE: usize = 64 * 1024;

/// A marker line: which way the message went, the peer, the transport, and the log time.
struct Marker {
    sent: bool,
    peer: Addr,
    transport: Transport,
    time: Option<f64>,
}

/// Reads logger text and calls `found` with each message. Asterisk's own side is written
/// nowhere in the text: it is 0.0.0.0 port 0 here, as in `pjsip set logger pcap` files.
pub fn read(mut input: impl BufRead, found: &mut dyn FnMut(Captured)) -> Result<(), String> {
    let mut line = Vec::new();
    let mut line_number: u64 = 0;
    let mut number: u64 = 0;
    let mut current: Option<Pending> = None;
    loop {
        line.clear();
        let read = std::io::Read::take(&mut input, MAX_LINE as u64)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read the log: {e}"))?;
        if read == 0 {
            break;
        }
        if line.last() != Some(&b'\n') && read == MAX_LINE {
            // Skip the rest of an over-long line.
            let mut rest = Vec::new();
            let _ = input.read_until(b'\n', &mut rest);
        }
        line_number += 1;
        if let Some(marker) = marker(&line) {
            if let Some(done) = current.take() {
                emit(done, &mut number, found);
            }
            current = Some(Pending {
                marker,
                line: line_number + 1,
                text: Vec::new(),
                body_from: 0,
                body_length: None,
            });
            continue;
        }
        let Some(pending) = current.as_mut() else {
            continue;
        };
        let blank = line.iter().all(u8::is_ascii_whitespace);
        if pending.text.is_empty() && blank {
            continue;
        }
        pending.text.extend_from_slice(&line);
        if blank && pending.body_length.is_none() {
            // The end of the headers: the body is Content-Length bytes long.
            pending.body_from = pending.text.len();
            pending.body_length = Some(
                sip::parse_datagram(&pending.text)
                    .and_then(|m| m.header("content-length")?.trim().parse().ok())
                    .unwrap_or(0usize)
                    .min(sip::MAX_BODY),
            );
        }
        let complete = pending
            .body_length
            .is_some_and(|length| pending.text.len() - pending.body_from >= length);
        if complete {
            if let Some(done) = current.take() {
                emit(done, &mut number, found);
            }
        } else if pending.text.len() > sip::MAX_HEADERS + sip::MAX_BODY {
            current = None;
        }
    }
    if let Some(done) = current.take() {
        emit(done, &mut number, found);
    }
    Ok(())
}

/// A message being read: its marker, the line it starts on, its text so far, and once its
/// headers ended, where its body starts and how long it is.
struct Pending {
    marker: Marker,
    line: u64,
    text: Vec<u8>,
    body_from: usize,
    body_length: Option<usize>,
}

fn emit(
    Pending {
        marker, line, text, ..
    }: Pending,
    number: &mut u64,
    found: &mut dyn FnMut(Captured),
) {
    let Some(message) = sip::parse_datagram(&text) else {
        return;
    };
    *number += 1;
    let local = Addr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);
    let (from, to) = if marker.sent {
        (local, marker.peer)
    } else {
        (marker.peer, local)
    };
    found(Captured {
        seen: Seen {
            number: *number,
            line: Some(line),
            time: marker.time,
            from,
            to,
            transport: marker.transport,
        },
        message,
    });
}

/// Reads `<--- Transmitting SIP request (564 bytes) to UDP:192.0.2.20:5060 --->`, with or
/// without a log prefix `[date] VERBOSE[tid] res_pjsip_logger.c: `.
fn marker(line: &[u8]) -> Option<Marker> {
    let text = std::str::from_utf8(line).ok()?.trim_end();
    let at = text.find("<--- ")?;
    let rest = text[at + 5..].strip_suffix("--->")?.trim();
    let sent = if rest.starts_with("Transmitting SIP ") {
        true
    } else if rest.starts_with("Received SIP ") {
        false
    } else {
        return None;
    };
    let peer = rest
        .rsplit_once(if sent { " to " } else { " from " })?
        .1
        .trim();
    let (transport, address) = peer.split_once(':')?;
    let transport = match transport.to_ascii_uppercase().as_str() {
        "UDP" => Transport::Udp,
        "TCP" => Transport::Tcp,
        "TLS" => Transport::Tls,
        "WS" | "WSS" => Transport::Ws,
        _ => return None,
    };
    let peer = parse_addr(address)?;
    Some(Marker {
        sent,
        peer,
        transport,
        time: log_time(&text[..at]),
    })
}

/// `1.2.3.4:5060` or `[2001:db8::1]:5060`.
fn parse_addr(text: &str) -> Option<Addr> {
    let (host, port) = match text.strip_prefix('[') {
        Some(v6) => {
            let (host, rest) = v6.split_once(']')?;
            (host, rest.strip_prefix(':').unwrap_or("5060"))
        }
        None => text.rsplit_once(':').unwrap_or((text, "5060")),
    };
    Some(Addr::new(host.parse().ok()?, port.parse().ok()?))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The time in a log prefix: `[2026-12-04 22:26:43]`, `[2026-12-04 22:26:43.123]` or the
/// default `[Dec  4 22:25:35]` (no year: counted from 1970, which only relative times use).
fn log_time(prefix: &str) -> Option<f64> {
    let inner = prefix.trim_start().strip_prefix('[')?;
    let inner = &inner[..inner.find(']')?];
    let mut parts = inner.split_whitespace();
    let first = parts.next()?;
    let (year, month, day, clock) = if let Some(index) = MONTHS.iter().position(|m| *m == first) {
        let day: i64 = parts.next()?.parse().ok()?;
        (1970, index as i64 + 1, day, parts.next()?)
    } else {
        let mut date = first.split('-');
        let year = date.next()?.parse().ok()?;
        let month = date.next()?.parse().ok()?;
        let day = date.next()?.parse().ok()?;
        (year, month, day, parts.next()?)
    };
    let mut hms = clock.split(':');
    let hours: i64 = hms.next()?.parse().ok()?;
    let minutes: i64 = hms.next()?.parse().ok()?;
    let seconds: f64 = hms.next()?.parse().ok()?;
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hours * 3600 + minutes * 60) as f64 + seconds)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_markers_with_and_without_prefix() {
        let m = marker(b"[2026-12-04 22:26:48] VERBOSE[17421] res_pjsip_logger.c: <--- Transmitting SIP request (564 bytes) to UDP:192.0.2.20:5060 --->\n").unwrap();
        assert!(m.sent);
        assert_eq!(m.peer.to_string(), "192.0.2.20:5060");
        assert_eq!(m.time, Some(1_796_423_208.0));
        let m = marker(b"<--- Received SIP response (1 bytes) from TCP:[2001:db8::1]:5061 --->")
            .unwrap();
        assert!(!m.sent);
        assert_eq!(m.transport, Transport::Tcp);
        assert_eq!(m.peer.to_string(), "[2001:db8::1]:5061");
        assert!(log_time("[Dec  4 22:25:35] VERBOSE").is_some());
    }
}
