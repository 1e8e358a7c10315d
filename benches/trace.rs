//! `--trace` on a large generated capture: a pcap of N MB (default 100) of registrations, each
//! REGISTER, 401, REGISTER with Authorization, then 200 or (one in four) 401 again, so that
//! answers are recomputed. Prints the time (best of 3), the throughput and the peak memory of
//! the process against the capture's size (issue 18: 100 MB in seconds, memory flat).
//! Run: `cargo bench --bench trace` (optionally `-- 300` for the size in MB).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use etherparse::PacketBuilder;
use pjsiplint::{lint_path, Settings};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn message(lines: &[String]) -> Vec<u8> {
    let mut text = lines.join("\r\n");
    text.push_str("\r\nContent-Length: 0\r\n\r\n");
    text.into_bytes()
}

fn headers(call: u64, cseq: u64, auth: Option<&str>) -> Vec<String> {
    let mut lines = vec![
        "REGISTER sip:198.51.100.7:5060 SIP/2.0".to_owned(),
        format!("Via: SIP/2.0/UDP 192.0.2.10:5060;rport;branch=z9hG4bKPj{call}-{cseq}"),
        format!("From: <sip:4420@sip.carrier.example>;tag={call}"),
        "To: <sip:4420@sip.carrier.example>".to_owned(),
        format!("Call-ID: bench-{call}"),
        format!("CSeq: {cseq} REGISTER"),
        "Contact: <sip:4420@192.0.2.10:5060>".to_owned(),
        "Expires: 60".to_owned(),
        "Max-Forwards: 70".to_owned(),
        "User-Agent: Asterisk PBX 22.10.1".to_owned(),
    ];
    lines.extend(auth.map(str::to_owned));
    lines
}

fn response(call: u64, cseq: u64, status: &str, challenge: bool) -> Vec<u8> {
    let mut lines = vec![
        format!("SIP/2.0 {status}"),
        format!(
            "Via: SIP/2.0/UDP 192.0.2.10:5060;rport=5060;received=192.0.2.10;branch=z9hG4bKPj{call}-{cseq}"
        ),
        format!("Call-ID: bench-{call}"),
        format!("From: <sip:4420@sip.carrier.example>;tag={call}"),
        "To: <sip:4420@sip.carrier.example>;tag=x".to_owned(),
        format!("CSeq: {cseq} REGISTER"),
    ];
    if challenge {
        lines.push(format!(
            "WWW-Authenticate: Digest realm=\"sip.carrier.example\",nonce=\"{}/0f1e2d3c4b5a69788796a5b4c3d2e1f0\",opaque=\"7eeb\",algorithm=MD5,qop=\"auth\"",
            1_796_500_000 + call / 100
        ));
    }
    message(&lines)
}

/// Writes the capture; returns its size.
fn generate(path: &Path, megabytes: usize) -> usize {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut header = Vec::new();
    header.extend(0xa1b2_c3d4u32.to_le_bytes());
    header.extend(2u16.to_le_bytes());
    header.extend(4u16.to_le_bytes());
    header.extend([0u8; 8]);
    header.extend(65535u32.to_le_bytes());
    header.extend(1u32.to_le_bytes());
    out.write_all(&header).unwrap();
    let mut size = header.len();
    let mut micros: u64 = 0;
    let mut call = 0u64;
    while size < megabytes * 1_000_000 {
        call += 1;
        let nonce = format!(
            "{}/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            1_796_500_000 + call / 100
        );
        let auth = format!(
            "Authorization: Digest username=\"4420\", realm=\"sip.carrier.example\", nonce=\"{nonce}\", uri=\"sip:198.51.100.7:5060\", response=\"00112233445566778899aabbccddeeff\", algorithm=MD5, cnonce=\"c0ffee\", qop=auth, nc=00000001"
        );
        let last = if call % 4 == 0 {
            "401 Unauthorized"
        } else {
            "200 OK"
        };
        let packets = [
            (true, message(&headers(call, 1, None))),
            (false, response(call, 1, "401 Unauthorized", true)),
            (true, message(&headers(call, 2, Some(&auth)))),
            (false, response(call, 2, last, last.starts_with("401"))),
        ];
        for (sent, payload) in packets {
            let (src, dst) = if sent {
                ([192, 0, 2, 10], [198, 51, 100, 7])
            } else {
                ([198, 51, 100, 7], [192, 0, 2, 10])
            };
            let builder = PacketBuilder::ethernet2([0; 6], [0; 6])
                .ipv4(src, dst, 64)
                .udp(5060, 5060);
            let mut packet = Vec::with_capacity(builder.size(payload.len()));
            builder.write(&mut packet, &payload).unwrap();
            micros += 2_000;
            let mut record = Vec::new();
            record.extend(((micros / 1_000_000) as u32).to_le_bytes());
            record.extend(((micros % 1_000_000) as u32).to_le_bytes());
            record.extend((packet.len() as u32).to_le_bytes());
            record.extend((packet.len() as u32).to_le_bytes());
            out.write_all(&record).unwrap();
            out.write_all(&packet).unwrap();
            size += record.len() + packet.len();
        }
    }
    out.flush().unwrap();
    size
}

/// The process's peak resident memory (Linux), in MB.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let megabytes: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(100);
    let config =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/trace-credentials-rejected/clean.conf");
    let linted = lint_path(&config, &Settings::default()).unwrap();
    let path =
        std::env::temp_dir().join(format!("pjsiplint-trace-bench-{}.pcap", std::process::id()));
    let size = generate(&path, megabytes);
    let before = peak_mb();
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let file = std::fs::File::open(&path).unwrap();
        let report =
            pjsiplint::trace::analyse(file, "bench.pcap", &linted, &Settings::default()).unwrap();
        best = best.min(start.elapsed().as_secs_f64());
        findings = report.diagnostics.len();
    }
    let _ = std::fs::remove_file(&path);
    println!(
        "{:.1} MB capture: best {best:.2} s ({:.0} MB/s), {findings} finding(s)",
        size as f64 / 1e6,
        size as f64 / 1e6 / best
    );
    if let (Some(before), Some(after)) = (before, peak_mb()) {
        println!("peak memory: {before:.1} MB before reading, {after:.1} MB after");
    }
}
