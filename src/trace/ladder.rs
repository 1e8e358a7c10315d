//! The human format's picture of a capture: a compact ladder per registration or call
//! (Call-ID), one line per message, retransmissions counted, never a secret.

use super::flows::{Flows, Message};

/// Ladders longer than this are cut (a long capture would flood the terminal).
const MAX_LINES_PER_DIALOG: usize = 24;
const MAX_DIALOGS: usize = 30;

pub fn render(flows: &Flows) -> String {
    let start = flows.start_time();
    let mut out = String::new();
    for dialog in flows.dialogs.iter().take(MAX_DIALOGS) {
        let mut lines: Vec<(&Message, u32)> = Vec::new();
        for transaction in &dialog.transactions {
            if let Some(request) = flows.request(transaction) {
                lines.push((request, transaction.copies));
            }
            for &response in &transaction.responses {
                lines.push((&flows.messages[response], 1));
            }
        }
        lines.sort_by_key(|(message, _)| message.number);
        let call_id: String = dialog.call_id.chars().take(24).collect();
        out.push_str(&format!("Call-ID {call_id}\n"));
        for (message, copies) in lines.iter().take(MAX_LINES_PER_DIALOG) {
            out.push_str(&line(message, *copies, start));
        }
        if lines.len() > MAX_LINES_PER_DIALOG {
            out.push_str(&format!(
                "  ... {} more messages\n",
                lines.len() - MAX_LINES_PER_DIALOG
            ));
        }
    }
    if flows.dialogs.len() > MAX_DIALOGS {
        out.push_str(&format!(
            "... {} more Call-IDs\n",
            flows.dialogs.len() - MAX_DIALOGS
        ));
    }
    out
}

fn line(message: &Message, copies: u32, start: Option<f64>) -> String {
    let time = message
        .time
        .zip(start)
        .map_or_else(String::new, |(t, s)| format!("{:8.3}", t - s));
    let mut text: String = message.title().chars().take(48).collect();
    if message.method().is_some() {
        text.push_str(&format!("  CSeq {}", message.cseq));
    }
    if let Some(credentials) = &message.credentials {
        text.push_str(&format!(
            "  + Authorization username=\"{}\" realm=\"{}\"",
            credentials.username, credentials.realm
        ));
    }
    if let Some(challenge) = message.challenges.first() {
        text.push_str(&format!(
            "  realm=\"{}\" {}",
            challenge.realm,
            challenge.algorithm.as_deref().unwrap_or("MD5")
        ));
        if challenge.stale {
            text.push_str(" stale=true");
        }
    }
    if copies > 1 {
        text.push_str(&format!("  (sent {copies} times)"));
    }
    format!(
        "  {:>5} {time} {:>21} -> {:<21} {text}\n",
        message.number,
        peer(message.from),
        peer(message.to)
    )
}

/// Asterisk's own side in logger text and logger pcap files is unknown (0.0.0.0:0).
fn peer(addr: super::Addr) -> String {
    if addr.is_unspecified() {
        "asterisk".to_owned()
    } else {
        addr.to_string()
    }
}
