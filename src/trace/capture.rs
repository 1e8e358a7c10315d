//! Reads pcap and pcapng captures as a stream (Ethernet, Linux cooked SLL/SLL2, raw IP,
//! loopback; IPv4/IPv6 with fragments; UDP and TCP) and hands on each SIP message found.

use std::collections::HashMap;
use std::io::Read;
use std::net::IpAddr;

use etherparse::{defrag::IpDefragPool, EtherType, NetSlice, SlicedPacket, TransportSlice};
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::{Linktype, PcapBlockOwned, PcapError};

use super::sip::{self, SipMessage, MAX_BODY, MAX_HEADERS};
use super::{Addr, Captured, Seen, Transport};

/// The reader's buffer, and the most it grows to: one packet (or pcapng block) must fit, and
/// libpcap's largest snapshot length is 256 KiB; a record claiming more is damage.
const BUFFER: usize = 256 * 1024;
const MAX_BUFFER: usize = 1024 * 1024;

/// A TCP stream keeps at most this many bytes waiting for the rest of a message.
const MAX_STREAM: usize = MAX_HEADERS + MAX_BODY + 4096;

/// Fragments older than this many packets are given up.
const FRAGMENT_WINDOW: u64 = 10_000;

/// Whether `head` (the first bytes of a file) is a pcap or pcapng capture.
pub fn is_capture(head: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 5] = [
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0x4d, 0x3c, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
        [0x0a, 0x0d, 0x0d, 0x0a],
    ];
    head.len() >= 4 && MAGICS.iter().any(|magic| head[..4] == magic[..])
}

/// One interface of a capture: how to read its packets and its timestamps.
#[derive(Clone, Copy)]
struct Interface {
    linktype: Linktype,
    resolution: u64,
    offset: i64,
}

/// Reads a capture and calls `found` with each SIP message, in capture order. Returns an error
/// text when the file is not a capture or is cut short (the messages before are handed on).
pub fn read<R: Read + Send>(input: R, found: &mut dyn FnMut(Captured)) -> Result<(), String> {
    let mut reader = pcap_parser::create_reader(BUFFER, input)
        .map_err(|e| format!("not a pcap or pcapng capture ({e:?})"))?;
    let mut decoder = Decoder::default();
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut legacy = Interface {
        linktype: Linktype::ETHERNET,
        resolution: 1_000_000,
        offset: 0,
    };
    let mut size = BUFFER;
    loop {
        match reader.next() {
            Ok((used, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(header) => {
                        legacy.linktype = header.network;
                        legacy.resolution = if header.is_nanosecond_precision() {
                            1_000_000_000
                        } else {
                            1_000_000
                        };
                    }
                    PcapBlockOwned::Legacy(packet) => {
                        let time = f64::from(packet.ts_sec)
                            + f64::from(packet.ts_usec) / legacy.resolution as f64;
                        decoder.packet(legacy.linktype, time, packet.data, found);
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => interfaces.clear(),
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        interfaces.push(Interface {
                            linktype: idb.linktype,
                            resolution: idb.ts_resolution().unwrap_or(1_000_000).max(1),
                            offset: idb.ts_offset(),
                        });
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        if let Some(interface) = interfaces.get(epb.if_id as usize).copied() {
                            let time = epb.decode_ts_f64(
                                u64::try_from(interface.offset).unwrap_or(0),
                                interface.resolution,
                            );
                            decoder.packet(interface.linktype, time, epb.packet_data(), found);
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        if let Some(interface) = interfaces.first().copied() {
                            decoder.packet(interface.linktype, 0.0, spb.packet_data(), found);
                        }
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                reader.consume(used);
            }
            Err(PcapError::Eof) => return Ok(()),
            Err(PcapError::Incomplete(_)) => {
                reader
                    .refill()
                    .map_err(|e| format!("cannot read the capture ({e:?})"))?;
            }
            Err(PcapError::BufferTooSmall) if size < MAX_BUFFER => {
                size *= 4;
                if !reader.grow(size) {
                    return Err("a packet too large to read".to_owned());
                }
                reader
                    .refill()
                    .map_err(|e| format!("cannot read the capture ({e:?})"))?;
            }
            Err(PcapError::UnexpectedEof) => {
                return Err("the capture is cut short (its last packet is incomplete)".to_owned())
            }
            Err(e) => return Err(format!("the capture is damaged ({e:?})")),
        }
    }
}

/// A TCP direction's bytes waiting to become messages.
#[derive(Default)]
struct Stream {
    bytes: Vec<u8>,
    next_seq: Option<u32>,
}

#[derive(Default)]
struct Decoder {
    number: u64,
    fragments: IpDefragPool<u64, ()>,
    streams: HashMap<(Addr, Addr), Stream>,
}

impl Decoder {
    fn packet(
        &mut self,
        linktype: Linktype,
        time: f64,
        data: &[u8],
        found: &mut dyn FnMut(Captured),
    ) {
        self.number += 1;
        let sliced = match linktype {
            Linktype::ETHERNET => SlicedPacket::from_ethernet(data),
            Linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data),
            // SLL2: protocol type (2 bytes), reserved, interface index, ARPHRD, packet type,
            // address length, address (8): 20 bytes.
            Linktype::LINUX_SLL2 if data.len() >= 20 => SlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([data[0], data[1]])),
                &data[20..],
            ),
            // BSD loopback: a 4-byte address family in the host's (NULL) or network (LOOP)
            // order, then the IP packet.
            Linktype::NULL | Linktype::LOOP if data.len() >= 4 => SlicedPacket::from_ip(&data[4..]),
            Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 | Linktype(12) | Linktype(14) => {
                SlicedPacket::from_ip(data)
            }
            _ => return,
        };
        let Ok(sliced) = sliced else {
            return;
        };
        let Some((source, destination)) = addresses(&sliced) else {
            return;
        };
        let number = self.number;
        match self.fragments.process_sliced_packet(&sliced, number, ()) {
            Ok(Some(whole)) => {
                self.transport_bytes(
                    whole.ip_number,
                    &whole.payload,
                    (source, destination),
                    time,
                    found,
                );
                return;
            }
            Ok(None) if is_fragment(&sliced) => {
                if number % 1000 == 0 {
                    self.fragments
                        .retain(|started| number.saturating_sub(*started) < FRAGMENT_WINDOW);
                }
                return;
            }
            Err(_) => return,
            Ok(None) => {}
        }
        match &sliced.transport {
            Some(TransportSlice::Udp(udp)) => {
                let from = Addr::new(source, udp.source_port());
                let to = Addr::new(destination, udp.destination_port());
                self.datagram(udp.payload(), from, to, time, found);
            }
            Some(TransportSlice::Tcp(tcp)) => {
                let from = Addr::new(source, tcp.source_port());
                let to = Addr::new(destination, tcp.destination_port());
                self.segment(
                    tcp.sequence_number(),
                    tcp.syn(),
                    tcp.payload(),
                    (from, to),
                    time,
                    found,
                );
            }
            _ => {}
        }
    }

    /// A reassembled IP payload: its UDP or TCP header read by hand.
    fn transport_bytes(
        &mut self,
        protocol: etherparse::IpNumber,
        bytes: &[u8],
        (source, destination): (IpAddr, IpAddr),
        time: f64,
        found: &mut dyn FnMut(Captured),
    ) {
        if bytes.len() < 8 {
            return;
        }
        let port = |at: usize| u16::from_be_bytes([bytes[at], bytes[at + 1]]);
        let from = Addr::new(source, port(0));
        let to = Addr::new(destination, port(2));
        if protocol == etherparse::IpNumber::UDP {
            self.datagram(&bytes[8..], from, to, time, found);
        } else if protocol == etherparse::IpNumber::TCP && bytes.len() >= 20 {
            let header = usize::from(bytes[12] >> 4) * 4;
            let seq = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
            let syn = bytes[13] & 0x02 != 0;
            if let Some(payload) = bytes.get(header..) {
                self.segment(seq, syn, payload, (from, to), time, found);
            }
        }
    }

    fn datagram(
        &mut self,
        payload: &[u8],
        from: Addr,
        to: Addr,
        time: f64,
        found: &mut dyn FnMut(Captured),
    ) {
        if let Some(message) = sip::parse_datagram(payload) {
            found(self.captured(message, from, to, time, Transport::Udp));
        }
    }

    fn segment(
        &mut self,
        seq: u32,
        syn: bool,
        payload: &[u8],
        (from, to): (Addr, Addr),
        time: f64,
        found: &mut dyn FnMut(Captured),
    ) {
        let stream = self.streams.entry((from, to)).or_default();
        if syn {
            *stream = Stream {
                bytes: Vec::new(),
                next_seq: Some(seq.wrapping_add(1)),
            };
            return;
        }
        if payload.is_empty() {
            return;
        }
        let end = seq.wrapping_add(u32::try_from(payload.len()).unwrap_or(u32::MAX));
        let mut payload = payload;
        if let Some(expected) = stream.next_seq {
            let ahead = seq.wrapping_sub(expected) as i32;
            if ahead < 0 {
                // A retransmission: only what goes past what we have counts.
                let seen = ahead.unsigned_abs() as usize;
                if seen >= payload.len() {
                    return;
                }
                payload = &payload[seen..];
            } else if ahead > 0 {
                // A gap (a segment not captured): what waited cannot be completed.
                stream.bytes.clear();
            }
        }
        stream.next_seq = Some(end);
        stream.bytes.extend_from_slice(payload);
        let (messages, used) = sip::split_stream(&stream.bytes);
        stream.bytes.drain(..used);
        if stream.bytes.len() > MAX_STREAM {
            let cut = stream.bytes.len() - MAX_STREAM;
            stream.bytes.drain(..cut);
        }
        for message in messages {
            found(self.captured(message, from, to, time, Transport::Tcp));
        }
    }

    fn captured(
        &self,
        message: SipMessage,
        from: Addr,
        to: Addr,
        time: f64,
        transport: Transport,
    ) -> Captured {
        Captured {
            seen: Seen {
                number: self.number,
                line: None,
                time: Some(time),
                from,
                to,
                transport,
            },
            message,
        }
    }
}

fn is_fragment(sliced: &SlicedPacket<'_>) -> bool {
    match &sliced.net {
        Some(NetSlice::Ipv4(ip)) => ip.header().is_fragmenting_payload(),
        Some(NetSlice::Ipv6(ip)) => ip.is_payload_fragmented(),
        _ => false,
    }
}

fn addresses(sliced: &SlicedPacket<'_>) -> Option<(IpAddr, IpAddr)> {
    match &sliced.net {
        Some(NetSlice::Ipv4(ip)) => Some((
            IpAddr::V4(ip.header().source_addr()),
            IpAddr::V4(ip.header().destination_addr()),
        )),
        Some(NetSlice::Ipv6(ip)) => Some((
            IpAddr::V6(ip.header().source_addr()),
            IpAddr::V6(ip.header().destination_addr()),
        )),
        _ => None,
    }
}
