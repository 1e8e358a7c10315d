//! The human format's picture of a capture: a compact ladder per registration or call
//! (Call-ID), one line per message, retransmissions counted, never a secret.

use super::flows::{Dialog, Message};

/// Ladders longer than this are cut (a long capture would flood the terminal).
const MAX_LINES_PER_DIALOG: usize = 24;
const MAX_DIALOGS: usize = 30;

/// The ladders drawn so far: the first dialogs in full, the others counted.
#[derive(Default)]
pub struct Ladder {
    text: String,
    drawn: usize,
    skipped: usize,
    start: Option<f64>,
}

impl Ladder {
    /// Each message as it is read: the first one's time is where the clock starts.
    pub fn observe(&mut self, message: &Message) {
        self.start = self.start.or(message.seen.time);
    }

    pub fn add(&mut self, dialog: &Dialog) {
        if self.drawn == MAX_DIALOGS {
            self.skipped += 1;
            return;
        }
        self.drawn += 1;
        let mut lines: Vec<(&Message, u32)> = Vec::new();
        for transaction in &dialog.transactions {
            if let Some(request) = dialog.request(transaction) {
                lines.push((request, transaction.copies));
            }
            for &response in &transaction.responses {
                lines.push((&dialog.messages[response], 1));
            }
        }
        lines.sort_by_key(|(message, _)| message.seen.number);
        let call_id: String = dialog.call_id.chars().take(40).collect();
        // What the dialog is: its first request's method and To (the account or the callee).
        let what = lines
            .iter()
            .find_map(|(message, _)| {
                let method = message.method()?;
                Some(format!(
                    "  {method} to {}",
                    super::sip::addr_uri(&message.to_header)
                ))
            })
            .unwrap_or_default();
        self.text.push_str(&format!("Call-ID {call_id}{what}\n"));
        for (message, copies) in lines.iter().take(MAX_LINES_PER_DIALOG) {
            self.text.push_str(&line(message, *copies, self.start));
        }
        if lines.len() > MAX_LINES_PER_DIALOG {
            self.text.push_str(&format!(
                "  ... {} more messages\n",
                lines.len() - MAX_LINES_PER_DIALOG
            ));
        }
    }

    pub fn finish(mut self) -> String {
        if self.skipped > 0 {
            self.text
                .push_str(&format!("... {} more Call-IDs\n", self.skipped));
        }
        self.text
    }
}

fn line(message: &Message, copies: u32, start: Option<f64>) -> String {
    let time = message
        .seen
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
        message.seen.number,
        message.seen.from.to_string(),
        message.seen.to.to_string()
    )
}
