//! `--trace`: a SIP capture (pcap, pcapng, `pjsip set logger` text or pcap) read beside the
//! configuration, to say why digest authentication fails.
//!
//! Data flow: [`capture`] or [`logger`] (detected by content) find SIP messages, parsed by
//! [`sip`]; [`flows`] keeps a summary of each, groups them into transactions per Call-ID and
//! hands on each dialog once it is over (memory holds only the dialogs going on);
//! [`diagnose`] joins each dialog with the configuration (checking answers with [`digest`]) and
//! reports findings of the rules in [`rules`]; [`ladder`] draws the exchanges for people.

pub mod capture;
pub mod diagnose;
pub mod digest;
pub mod flows;
pub mod ladder;
pub mod logger;
pub mod rules;
pub mod sip;

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::{Linted, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Addr {
    pub ip: IpAddr,
    pub port: u16,
}

impl Addr {
    pub fn new(ip: IpAddr, port: u16) -> Addr {
        Addr { ip, port }
    }

    /// Asterisk's own side in logger text and `pjsip set logger pcap` files: 0.0.0.0 port 0.
    pub fn is_unspecified(&self) -> bool {
        self.ip.is_unspecified()
    }
}

/// Asterisk's own side, where the input does not say its address, shows as `Asterisk`.
impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_unspecified() && self.port == 0 {
            return f.write_str("Asterisk");
        }
        match self.ip {
            IpAddr::V6(ip) => write!(f, "[{ip}]:{}", self.port),
            IpAddr::V4(ip) => write!(f, "{ip}:{}", self.port),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
    Ws,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Ws => "WS",
        }
    }
}

/// Where and when a message was seen.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// The packet number in the capture (1-based), or the message's ordinal in logger text.
    pub number: u64,
    /// The line the message starts on, in logger text.
    pub line: Option<u64>,
    /// Seconds (since 1970 in captures; as the log wrote them in logger text).
    pub time: Option<f64>,
    pub from: Addr,
    pub to: Addr,
    pub transport: Transport,
}

/// One SIP message found in the input.
#[derive(Debug, Clone)]
pub struct Captured {
    pub seen: Seen,
    pub message: sip::SipMessage,
}

/// Where in the capture a finding's evidence is: shown by every output format beside the
/// configuration line the finding points at.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Evidence {
    /// The capture's name as given.
    pub capture: String,
    /// The packet number (pcap, pcapng) or the message's ordinal (logger text).
    pub packet: u64,
    /// The line of the log where the message starts (logger text only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Seconds since the first message of the capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// What that message shows (start line, the header involved); never a secret.
    pub summary: String,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} message {} (line {line})", self.capture, self.packet)?,
            None => write!(f, "{} packet {}", self.capture, self.packet)?,
        }
        if let Some(time) = self.time {
            write!(f, " at {time:.3}s")?;
        }
        write!(f, ": {}", self.summary)
    }
}

/// What `--trace` found.
pub struct TraceReport {
    /// Findings, each pointing at the configuration line involved, with its evidence.
    pub diagnostics: Vec<Diagnostic>,
    /// The exchanges drawn as ladders (the human format shows it).
    pub ladder: String,
    /// How many SIP messages were read.
    pub messages: usize,
    /// Why reading stopped early (a capture cut short), if it did.
    pub warning: Option<String>,
}

/// Reads a capture (detected by content) and diagnoses it against the linted configuration.
/// `name` is how the capture is called in the output.
pub fn analyse(
    input: impl Read + Send,
    name: &str,
    linted: &Linted,
    settings: &Settings,
) -> Result<TraceReport, String> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let head = input
        .fill_buf()
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    let is_capture = capture::is_capture(head);
    let mut builder = flows::Builder::default();
    let mut diagnoser = diagnose::Diagnoser::new(name, linted);
    let mut ladder = ladder::Ladder::default();
    let mut sink = |event: flows::Event<'_>| match event {
        flows::Event::Message(message) => {
            diagnoser.observe(message);
            ladder.observe(message);
        }
        flows::Event::Closed(dialog) => {
            diagnoser.dialog(&dialog);
            ladder.add(&dialog);
        }
    };
    let mut add = |captured: Captured| builder.add(captured, &mut sink);
    let read = if is_capture {
        capture::read(input, &mut add)
    } else {
        logger::read(input, &mut add)
    };
    let messages = builder.messages();
    builder.finish(&mut sink);
    let warning = match read {
        Err(message) if messages == 0 => return Err(message),
        Err(message) => Some(message),
        Ok(()) if messages == 0 => {
            return Err(if is_capture {
                "no SIP messages in the capture".to_owned()
            } else {
                "neither a pcap/pcapng capture nor `pjsip set logger` text with SIP messages"
                    .to_owned()
            })
        }
        Ok(()) => None,
    };
    let mut diagnostics = diagnoser.finish();
    // The causes of failed authentication first, in the order of the rule list: a request that
    // matches no endpoint, or an address behind NAT, is worth knowing but seldom the answer.
    diagnostics.sort_by_key(|d| {
        rules::TRACE_RULES
            .iter()
            .position(|meta| meta.name == d.rule)
    });
    diagnostics.retain(|d| rules::find(d.rule).is_some_and(|meta| settings.enabled(meta)));
    settings.apply_severities(&mut diagnostics);
    Ok(TraceReport {
        ladder: ladder.finish(),
        messages,
        diagnostics,
        warning,
    })
}
