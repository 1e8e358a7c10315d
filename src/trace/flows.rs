//! Transactions and dialogs: each message kept as a small summary (no body unless an auth-int
//! answer needs it), requests and responses joined by Call-ID and CSeq, retransmissions counted.

use std::collections::HashMap;

use super::sip::{self, StartLine};
use super::{Captured, Seen};

/// A challenge (`WWW-Authenticate` or `Proxy-Authenticate`).
#[derive(Debug, Clone, Default)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub algorithm: Option<String>,
    pub qop: Option<String>,
    pub stale: bool,
}

/// An answer (`Authorization` or `Proxy-Authorization`). Its `response` is kept only to be
/// compared: it is never shown.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Option<String>,
    pub qop: Option<String>,
    pub nc: String,
    pub cnonce: String,
}

/// What is kept of one message.
#[derive(Debug, Clone)]
pub struct Message {
    pub seen: Seen,
    pub start: StartLine,
    pub call_id: String,
    pub cseq: u32,
    pub cseq_method: String,
    pub from_header: String,
    pub to_header: String,
    pub contact: Option<String>,
    /// The top Via's sent-by host and its `received` parameter.
    pub via_host: Option<String>,
    pub via_received: Option<String>,
    pub challenges: Vec<Challenge>,
    pub credentials: Option<Credentials>,
    /// The body, only for an answer with qop=auth-int (its hash is part of the digest).
    pub body: Vec<u8>,
}

impl Message {
    pub fn method(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    pub fn code(&self) -> Option<u16> {
        match &self.start {
            StartLine::Response { code, .. } => Some(*code),
            StartLine::Request { .. } => None,
        }
    }

    pub fn request_uri(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { uri, .. } => Some(uri),
            StartLine::Response { .. } => None,
        }
    }

    /// `REGISTER sip:host` or `401 Unauthorized`.
    pub fn title(&self) -> String {
        match &self.start {
            StartLine::Request { method, uri } => format!("{method} {uri}"),
            StartLine::Response { code, reason } => format!("{code} {reason}"),
        }
    }

    pub fn stale(&self) -> bool {
        self.challenges.iter().any(|c| c.stale)
    }

    fn of(captured: Captured) -> Message {
        let message = &captured.message;
        let (cseq, cseq_method) = message.cseq();
        let via = message.header("via").unwrap_or("");
        let top_via = via.split(',').next().unwrap_or("");
        let via_host = top_via
            .split_whitespace()
            .nth(1)
            .map(|sent_by| sent_by.split(';').next().unwrap_or(sent_by))
            .map(|host| host_of(host).to_owned());
        let challenges = message
            .headers("www-authenticate")
            .chain(message.headers("proxy-authenticate"))
            .filter_map(sip::digest_params)
            .map(|params| {
                let get = |name: &str| param(&params, name);
                Challenge {
                    realm: get("realm").unwrap_or_default(),
                    nonce: get("nonce").unwrap_or_default(),
                    algorithm: get("algorithm"),
                    qop: get("qop"),
                    stale: get("stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
                }
            })
            .collect();
        let credentials = message
            .header("authorization")
            .or_else(|| message.header("proxy-authorization"))
            .and_then(sip::digest_params)
            .map(|params| {
                let get = |name: &str| param(&params, name);
                Credentials {
                    username: get("username").unwrap_or_default(),
                    realm: get("realm").unwrap_or_default(),
                    nonce: get("nonce").unwrap_or_default(),
                    uri: get("uri").unwrap_or_default(),
                    response: get("response").unwrap_or_default(),
                    algorithm: get("algorithm"),
                    qop: get("qop"),
                    nc: get("nc").unwrap_or_default(),
                    cnonce: get("cnonce").unwrap_or_default(),
                }
            });
        let auth_int = credentials
            .as_ref()
            .and_then(|c| c.qop.as_deref())
            .is_some_and(|qop| qop.eq_ignore_ascii_case("auth-int"));
        Message {
            seen: captured.seen,
            call_id: message.call_id().to_owned(),
            cseq,
            cseq_method,
            from_header: message.header("from").unwrap_or("").to_owned(),
            to_header: message.header("to").unwrap_or("").to_owned(),
            contact: message.header("contact").map(str::to_owned),
            via_received: sip::header_param(top_via, "received").map(str::to_owned),
            via_host,
            challenges,
            credentials,
            body: if auth_int {
                message.body.clone()
            } else {
                Vec::new()
            },
            start: captured.message.start,
        }
    }
}

/// `host:port` or `[v6]:port` without the port.
fn host_of(sent_by: &str) -> &str {
    if let Some(v6) = sent_by.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    sent_by.split(':').next().unwrap_or(sent_by)
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// A request and what answered it (indices into its dialog's messages).
#[derive(Debug, Clone)]
pub struct Transaction {
    /// The first copy of the request, if it was captured.
    pub request: Option<usize>,
    /// How many copies of the request were seen (retransmissions + 1).
    pub copies: u32,
    /// Each response, first copy of each status code, in order.
    pub responses: Vec<usize>,
}

/// Every message and transaction of one Call-ID, transactions in the order their requests
/// appeared.
#[derive(Debug, Clone, Default)]
pub struct Dialog {
    pub call_id: String,
    pub messages: Vec<Message>,
    pub transactions: Vec<Transaction>,
    /// (CSeq number, CSeq method) to the transaction's index.
    keys: HashMap<(u32, String), usize>,
    /// When its last message was seen: capture time, and the count of messages read by then.
    last_time: Option<f64>,
    last_count: u64,
}

impl Dialog {
    pub fn request(&self, transaction: &Transaction) -> Option<&Message> {
        transaction.request.map(|i| &self.messages[i])
    }

    /// The final response (the last non-1xx), if any.
    pub fn final_response(&self, transaction: &Transaction) -> Option<&Message> {
        transaction
            .responses
            .iter()
            .rev()
            .map(|&i| &self.messages[i])
            .find(|m| m.code().is_some_and(|c| c >= 200))
    }

    pub fn first_number(&self) -> u64 {
        self.messages.first().map_or(0, |m| m.seen.number)
    }
}

/// What the builder hands on: each message kept (not retransmissions), and each dialog once it
/// is over, with all its messages.
pub enum Event<'a> {
    Message(&'a Message),
    Closed(Dialog),
}

/// A dialog is over when no message of it came for this long (longer than any SIP transaction
/// timer, 32 s; a registration refresh keeps its Call-ID but comes later and starts anew)...
const IDLE_SECONDS: f64 = 64.0;
/// ...or, in text without times, for this many messages.
const IDLE_MESSAGES: u64 = 20_000;
/// How often (in messages) the open dialogs are looked over.
const SWEEP_EVERY: u64 = 4096;

/// Builds dialogs message by message, handing each on when it is over: memory holds only the
/// dialogs still going on, whatever the capture's size.
#[derive(Default)]
pub struct Builder {
    open: HashMap<String, Dialog>,
    count: u64,
    kept: usize,
    now: Option<f64>,
}

impl Builder {
    /// How many messages were kept (retransmissions not counted).
    pub fn messages(&self) -> usize {
        self.kept
    }

    pub fn add(&mut self, captured: Captured, sink: &mut dyn FnMut(Event<'_>)) {
        self.count += 1;
        let message = Message::of(captured);
        self.now = message.seen.time.or(self.now);
        let dialog = self
            .open
            .entry(message.call_id.clone())
            .or_insert_with(|| Dialog {
                call_id: message.call_id.clone(),
                ..Dialog::default()
            });
        dialog.last_time = message.seen.time.or(dialog.last_time);
        dialog.last_count = self.count;
        let key = (message.cseq, message.cseq_method.clone());
        let transactions = &mut dialog.transactions;
        let index = *dialog.keys.entry(key).or_insert_with(|| {
            transactions.push(Transaction {
                request: None,
                copies: 0,
                responses: Vec::new(),
            });
            transactions.len() - 1
        });
        let transaction = &mut dialog.transactions[index];
        let at = dialog.messages.len();
        match message.code() {
            None => {
                transaction.copies += 1;
                if transaction.request.is_some() {
                    // A retransmission: counted, not kept.
                    return;
                }
                transaction.request = Some(at);
            }
            Some(code) => {
                let messages = &dialog.messages;
                if transaction
                    .responses
                    .iter()
                    .any(|&i| messages[i].code() == Some(code))
                {
                    return;
                }
                transaction.responses.push(at);
            }
        }
        dialog.messages.push(message);
        self.kept += 1;
        sink(Event::Message(&dialog.messages[at]));
        if self.count % SWEEP_EVERY == 0 {
            self.sweep(sink);
        }
    }

    /// Hands on the dialogs that are over, in the order they started.
    fn sweep(&mut self, sink: &mut dyn FnMut(Event<'_>)) {
        let (now, count) = (self.now, self.count);
        let over: Vec<String> = self
            .open
            .iter()
            .filter(|(_, dialog)| match (now, dialog.last_time) {
                (Some(now), Some(last)) => now - last > IDLE_SECONDS,
                _ => count - dialog.last_count > IDLE_MESSAGES,
            })
            .map(|(call_id, _)| call_id.clone())
            .collect();
        let mut closed: Vec<Dialog> = over
            .iter()
            .filter_map(|call_id| self.open.remove(call_id))
            .collect();
        closed.sort_by_key(Dialog::first_number);
        for dialog in closed {
            sink(Event::Closed(dialog));
        }
    }

    /// Hands on every dialog still open.
    pub fn finish(mut self, sink: &mut dyn FnMut(Event<'_>)) {
        let mut closed: Vec<Dialog> = self.open.drain().map(|(_, dialog)| dialog).collect();
        closed.sort_by_key(Dialog::first_number);
        for dialog in closed {
            sink(Event::Closed(dialog));
        }
    }
}
