//! Capture layers, built here from a hand-written exchange (corpus/trace-credentials-rejected):
//! pcap and pcapng, Ethernet, Linux SLL and SLL2, raw IP, loopback, IPv6, IP fragments, TCP
//! segments split and joined: all give the diagnosis the logger text gives. Hostile captures
//! (cut short, garbage, a huge Content-Length) neither panic nor hang.

use std::path::Path;

use pjsiplint::trace::analyse;
use pjsiplint::{lint_path, Linted, Settings};

const PBX: [u8; 4] = [192, 0, 2, 10];
const PROVIDER: [u8; 4] = [198, 51, 100, 7];

fn case(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/trace-credentials-rejected")
        .join(file)
        .display()
        .to_string()
}

/// Linted once: the hostile tests analyse hundreds of captures against it.
fn linted() -> &'static Linted {
    static LINTED: std::sync::OnceLock<Linted> = std::sync::OnceLock::new();
    LINTED.get_or_init(|| lint_path(Path::new(&case("bad.conf")), &Settings::default()).unwrap())
}

/// The exchange of the logger text: (sent by Asterisk, raw message).
fn exchange() -> Vec<(bool, Vec<u8>)> {
    let text = std::fs::read_to_string(case("bad.log")).unwrap();
    let mut out = Vec::new();
    for block in text.split("<--- ").skip(1) {
        let (marker, message) = block.split_once("--->\n").unwrap();
        // Each message is followed by an empty line, then the next log line's prefix.
        let message = match message.rsplit_once("\n[") {
            Some((message, _)) => message,
            None => message.strip_suffix('\n').unwrap_or(message),
        };
        out.push((
            marker.starts_with("Transmitting"),
            message.as_bytes().to_vec(),
        ));
    }
    out
}

fn diagnose(bytes: Vec<u8>) -> Result<(Vec<&'static str>, usize), String> {
    analyse(
        std::io::Cursor::new(bytes),
        "test",
        linted(),
        &Settings::default(),
    )
    .map(|report| {
        (
            report.diagnostics.iter().map(|d| d.rule).collect(),
            report.messages,
        )
    })
}

fn expect_rejected(bytes: Vec<u8>, what: &str) {
    let (rules, messages) = diagnose(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(messages, 4, "{what}: messages");
    assert_eq!(rules, ["trace-credentials-rejected"], "{what}");
}

// ---------------------------------------------------------------- packet building

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(sport.to_be_bytes());
    out.extend(dport.to_be_bytes());
    out.extend(((payload.len() + 8) as u16).to_be_bytes());
    // A checksum that is not valid, as `pjsip set logger pcap` leaves it.
    out.extend([0xde, 0xad]);
    out.extend(payload);
    out
}

fn tcp(sport: u16, dport: u16, seq: u32, syn: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(sport.to_be_bytes());
    out.extend(dport.to_be_bytes());
    out.extend(seq.to_be_bytes());
    out.extend(0u32.to_be_bytes());
    out.push(5 << 4);
    out.push(if syn { 0x02 } else { 0x18 });
    out.extend(65535u16.to_be_bytes());
    out.extend([0, 0, 0, 0]);
    out.extend(payload);
    out
}

fn ipv4(
    src: [u8; 4],
    dst: [u8; 4],
    protocol: u8,
    id: u16,
    fragment: (u16, bool),
    payload: &[u8],
) -> Vec<u8> {
    let mut out = vec![0x45, 0];
    out.extend(((payload.len() + 20) as u16).to_be_bytes());
    out.extend(id.to_be_bytes());
    let flags = (fragment.0 / 8) | if fragment.1 { 0x2000 } else { 0 };
    out.extend(flags.to_be_bytes());
    out.extend([64, protocol, 0, 0]);
    out.extend(src);
    out.extend(dst);
    out.extend(payload);
    out
}

fn ipv6(src: [u8; 4], dst: [u8; 4], protocol: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x60, 0, 0, 0];
    out.extend((payload.len() as u16).to_be_bytes());
    out.extend([protocol, 64]);
    for v4 in [src, dst] {
        let mut address = [0u8; 16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = 0xb8;
        address[12..].copy_from_slice(&v4);
        out.extend(address);
    }
    out.extend(payload);
    out
}

fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 12];
    out.extend(ethertype.to_be_bytes());
    out.extend(payload);
    out
}

fn sll(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
    out.extend(ethertype.to_be_bytes());
    out.extend(payload);
    out
}

fn sll2(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(ethertype.to_be_bytes());
    out.extend([0, 0, 0, 0, 0, 2, 0, 1, 0, 6]);
    out.extend([0u8; 8]);
    out.extend(payload);
    out
}

fn pcap(linktype: u32, nanos: bool, packets: &[Vec<u8>]) -> Vec<u8> {
    let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    let mut out = Vec::new();
    out.extend(magic.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(linktype.to_le_bytes());
    for (index, packet) in packets.iter().enumerate() {
        out.extend((1_796_500_000u32 + index as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((packet.len() as u32).to_le_bytes());
        out.extend((packet.len() as u32).to_le_bytes());
        out.extend(packet);
    }
    out
}

fn pcapng(linktype: u16, packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    let block = |out: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let padded = body.len().div_ceil(4) * 4;
        let length = (12 + padded) as u32;
        out.extend(kind.to_le_bytes());
        out.extend(length.to_le_bytes());
        out.extend(body);
        out.extend(std::iter::repeat_n(0u8, padded - body.len()));
        out.extend(length.to_le_bytes());
    };
    let mut shb = Vec::new();
    shb.extend(0x1a2b_3c4du32.to_le_bytes());
    shb.extend(1u16.to_le_bytes());
    shb.extend(0u16.to_le_bytes());
    shb.extend((-1i64).to_le_bytes());
    block(&mut out, 0x0a0d_0d0a, &shb);
    let mut idb = Vec::new();
    idb.extend(linktype.to_le_bytes());
    idb.extend(0u16.to_le_bytes());
    idb.extend(65535u32.to_le_bytes());
    block(&mut out, 1, &idb);
    for (index, packet) in packets.iter().enumerate() {
        let micros = (1_796_500_000u64 + index as u64) * 1_000_000;
        let mut epb = Vec::new();
        epb.extend(0u32.to_le_bytes());
        epb.extend(((micros >> 32) as u32).to_le_bytes());
        epb.extend((micros as u32).to_le_bytes());
        epb.extend((packet.len() as u32).to_le_bytes());
        epb.extend((packet.len() as u32).to_le_bytes());
        epb.extend(packet);
        block(&mut out, 6, &epb);
    }
    out
}

/// Each message as one UDP/IPv4 packet, wrapped by `link`.
fn udp_packets(link: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<Vec<u8>> {
    exchange()
        .into_iter()
        .enumerate()
        .map(|(index, (sent, message))| {
            let (src, dst) = if sent {
                (PBX, PROVIDER)
            } else {
                (PROVIDER, PBX)
            };
            link(ipv4(
                src,
                dst,
                17,
                index as u16,
                (0, false),
                &udp(5060, 5060, &message),
            ))
        })
        .collect()
}

// ---------------------------------------------------------------- the layers

#[test]
fn link_layers_give_the_same_diagnosis() {
    expect_rejected(
        pcap(1, false, &udp_packets(|ip| ethernet(0x0800, &ip))),
        "ethernet",
    );
    expect_rejected(
        pcap(1, true, &udp_packets(|ip| ethernet(0x0800, &ip))),
        "nanoseconds",
    );
    expect_rejected(pcap(113, false, &udp_packets(|ip| sll(0x0800, &ip))), "sll");
    expect_rejected(
        pcap(276, false, &udp_packets(|ip| sll2(0x0800, &ip))),
        "sll2",
    );
    expect_rejected(pcap(101, false, &udp_packets(|ip| ip)), "raw");
    expect_rejected(
        pcap(
            0,
            false,
            &udp_packets(|ip| [2u32.to_le_bytes().to_vec(), ip].concat()),
        ),
        "loopback",
    );
    expect_rejected(
        pcapng(1, &udp_packets(|ip| ethernet(0x0800, &ip))),
        "pcapng",
    );
}

#[test]
fn ipv6_and_ip_fragments() {
    let v6: Vec<Vec<u8>> = exchange()
        .into_iter()
        .map(|(sent, message)| {
            let (src, dst) = if sent {
                (PBX, PROVIDER)
            } else {
                (PROVIDER, PBX)
            };
            ethernet(0x86dd, &ipv6(src, dst, 17, &udp(5060, 5060, &message)))
        })
        .collect();
    expect_rejected(pcap(1, false, &v6), "ipv6");
    let mut fragments = Vec::new();
    for (index, (sent, message)) in exchange().into_iter().enumerate() {
        let (src, dst) = if sent {
            (PBX, PROVIDER)
        } else {
            (PROVIDER, PBX)
        };
        let datagram = udp(5060, 5060, &message);
        let pieces: Vec<&[u8]> = datagram.chunks(200).collect();
        // Sent last piece first: reassembly must not depend on order.
        for (number, piece) in pieces.iter().enumerate().rev() {
            let more = number + 1 < pieces.len();
            let offset = (number * 200) as u16;
            fragments.push(ethernet(
                0x0800,
                &ipv4(src, dst, 17, 100 + index as u16, (offset, more), piece),
            ));
        }
    }
    expect_rejected(pcap(1, false, &fragments), "fragments");
}

#[test]
fn tcp_segments_split_and_joined() {
    // Each direction is one stream: the messages cut into 97-byte segments, one of them sent
    // twice (a retransmission); and the two messages of each direction joined where they meet.
    let mut packets = Vec::new();
    let mut seq = [1000u32, 5000u32];
    for (sent, from_peer) in [(true, false), (false, true)] {
        let (src, dst) = if sent {
            (PBX, PROVIDER)
        } else {
            (PROVIDER, PBX)
        };
        let side = usize::from(from_peer);
        packets.push(ethernet(
            0x0800,
            &ipv4(
                src,
                dst,
                6,
                0,
                (0, false),
                &tcp(5060, 40000, seq[side], true, &[]),
            ),
        ));
        seq[side] += 1;
    }
    let messages = exchange();
    for pair in [[0usize, 2], [1, 3]] {
        let sent = messages[pair[0]].0;
        let (src, dst, side) = if sent {
            (PBX, PROVIDER, 0)
        } else {
            (PROVIDER, PBX, 1)
        };
        let mut stream = Vec::new();
        stream.extend(b"\r\n\r\n");
        for &index in &pair {
            stream.extend(&messages[index].1);
        }
        for (number, piece) in stream.chunks(97).enumerate() {
            let segment = ethernet(
                0x0800,
                &ipv4(
                    src,
                    dst,
                    6,
                    0,
                    (0, false),
                    &tcp(5060, 40000, seq[side], false, piece),
                ),
            );
            packets.push(segment.clone());
            if number == 3 {
                packets.push(segment);
            }
            seq[side] += piece.len() as u32;
        }
    }
    expect_rejected(pcap(1, false, &packets), "tcp");
}

// ---------------------------------------------------------------- hostile input

#[test]
fn captures_cut_short_or_damaged_do_not_panic() {
    let whole = pcap(1, false, &udp_packets(|ip| ethernet(0x0800, &ip)));
    for cut in (0..whole.len()).step_by(37) {
        let _ = diagnose(whole[..cut].to_vec());
    }
    let whole = pcapng(1, &udp_packets(|ip| ethernet(0x0800, &ip)));
    for cut in (0..whole.len()).step_by(41) {
        let _ = diagnose(whole[..cut].to_vec());
    }
    // Flipped bytes anywhere.
    let mut state = 0x2545_f491_u32;
    for _ in 0..300 {
        let mut damaged = whole.clone();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let at = state as usize % damaged.len();
            damaged[at] = (state >> 8) as u8;
        }
        let _ = diagnose(damaged);
    }
    assert!(diagnose(b"\x00\x01garbage\xff".to_vec()).is_err());
    assert!(diagnose(Vec::new()).is_err());
}

#[test]
fn a_huge_content_length_is_not_waited_for() {
    let message = b"SIP/2.0 200 OK\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\nContent-Length: 4294967295\r\n\r\nbody";
    let mut packets = Vec::new();
    for seq in 0..50u32 {
        packets.push(ethernet(
            0x0800,
            &ipv4(
                PROVIDER,
                PBX,
                6,
                0,
                (0, false),
                &tcp(5060, 40000, 1 + seq * message.len() as u32, false, message),
            ),
        ));
    }
    let other = b"SIP/2.0 200 OK\r\nCall-ID: y\r\nCSeq: 2 REGISTER\r\nContent-Length: 4294967295\r\n\r\nbody";
    packets.push(ethernet(
        0x0800,
        &ipv4(PROVIDER, PBX, 17, 0, (0, false), &udp(5060, 5060, other)),
    ));
    let (_, messages) = diagnose(pcap(1, false, &packets)).unwrap();
    assert!(messages >= 2);
    // A packet record claiming 4 GB.
    let mut lying = pcap(1, false, &[]);
    lying.extend([0u8; 8]);
    lying.extend(u32::MAX.to_le_bytes());
    lying.extend(u32::MAX.to_le_bytes());
    lying.extend([0u8; 64]);
    let _ = diagnose(lying);
    // Logger text with a marker and endless headers.
    let mut text = b"<--- Received SIP request (1 bytes) from UDP:10.0.0.1:5060 --->\nREGISTER sip:a SIP/2.0\r\n".to_vec();
    for _ in 0..20_000 {
        text.extend(b"X-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    let _ = diagnose(text);
}
