//! The diagnose probes' TLS record and handshake parser (`cicsx_handshake::probe::wire`) and
//! HTTP answer reader, on arbitrary server bytes: they must never panic.
//!
//! The first input byte sets how the rest is split into reads (records then arrive split
//! across reads, as they do on a real socket); the rest is what the server sent.
#![no_main]

use cicsx_handshake::probe::http::{answer_complete, parse_answer};
use cicsx_handshake::probe::wire::{
    FlightParser, ServerMessage, parse_certificate, parse_certificate_request, parse_handshake,
    parse_server_hello,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&step, bytes)) = data.split_first() else {
        return;
    };
    let step = usize::from(step).max(1);
    let mut parser = FlightParser::new();
    let mut total = 0usize;
    let mut not_tls = false;
    for piece in bytes.chunks(step) {
        match parser.push(piece) {
            Ok(messages) => {
                if not_tls {
                    assert!(messages.is_empty(), "nothing is parsed after NotTls");
                }
                for m in messages {
                    match m {
                        ServerMessage::Certificate(chain) => {
                            total += chain.iter().map(Vec::len).sum::<usize>();
                        }
                        ServerMessage::NotTls(prefix) => {
                            assert!(prefix.len() <= bytes.len());
                            not_tls = true;
                        }
                        _ => {}
                    }
                }
            }
            Err(_) => {
                // After an error the parser stays quiet.
                assert!(parser.push(piece).map(|m| m.is_empty()).unwrap_or(false));
                break;
            }
        }
    }
    assert!(
        total <= bytes.len(),
        "never more certificate bytes than input"
    );

    let _ = parse_server_hello(bytes);
    let _ = parse_certificate(bytes, false);
    let _ = parse_certificate(bytes, true);
    for version in [0x0301, 0x0302, 0x0303, 0x0304] {
        let _ = parse_certificate_request(bytes, version);
        let _ = parse_handshake(step as u8, bytes, version);
    }
    let _ = parse_answer(bytes);
    let _ = answer_complete(bytes);
});
