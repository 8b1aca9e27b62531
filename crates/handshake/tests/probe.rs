//! The probes' TLS wire code against server flights captured from real servers, and
//! property tests: arbitrary bytes, and real flights mutated, split and truncated, never make
//! the parser panic.

use cicsx_handshake::probe::suites::{self, Rating};
use cicsx_handshake::probe::wire::{
    Alert, ClientHelloSpec, FlightParser, ServerMessage, TlsVersion, client_hello,
    parse_certificate, parse_certificate_request, parse_server_hello,
};
use proptest::prelude::*;

/// `openssl s_server -no_tls1_3 -cipher 'AES128-SHA:@SECLEVEL=0'` (RSA certificate) answering a
/// TLS 1.2 probe: ServerHello (TLS_RSA_WITH_AES_128_CBC_SHA), Certificate, ServerHelloDone.
const OPENSSL_TLS12_AES128_SHA: &[&str] = &[
    "160303005502000051030333fb7995635540d5730408bf5d5eb785418a549c7299eaac03ecbab27603fff620bc1bb1a6",
    "4888e0c758c13966198450a1b1df9bdf80dd94a8c54904d80b8ff1cd002f000009ff010001000017000016030302eb0b",
    "0002e70002e40002e1308202dd30820283a0030201020214057a480aa5573821eb0a0521c87b793979cdd1ab300a0608",
    "2a8648ce3d040302303e31173015060355040a0c0e6369637378207465737420504b493123302106035504030c1a6369",
    "637378205465737420496e7465726d656469617465204341301e170d3236313132333030303030305a170d3436313132",
    "343030303030305a302d31173015060355040a0c0e6369637378207465737420504b493112301006035504030c096c6f",
    "63616c686f737430820122300d06092a864886f70d01010105000382010f003082010a0282010100a55e0ccb5048dbd2",
    "f9f4c53a27cb87eee311f02df7a597c27955c54c490e9202d07a55e8ea2cb466609634d5c919651fb47c4dd691814e3b",
    "ba27ea954d229af71b0193afb5ea88cb6a0418ee34b2f250aa89cae578c0090f2bde98816e69b38dcaf8636469b8651f",
    "68cf35cdb1794605e9c970442022cb4f07fede1f4f816a0fe1a6f10019cf80db4b47f1cb10e619e7aa2c074699934d6e",
    "0f5a5594e3adb56c1abd3da4b25264ff107ecad16d02a56a6963085fb88224d926a7b9c6645432cbff44ba565ecf79d8",
    "76d88d61ebaafe726c4813ae261795f86b5ac78d3be8bbd728cd66f488af4ff2ad4cde91bee8625923e46555e9a9332f",
    "555b366c08c33fdd0203010001a381a43081a1301f0603551d23041830168014142bffc4ed7ed2298bdc6aa62649a4d2",
    "830bb2fc302c0603551d110425302382096c6f63616c686f737487047f00000187100000000000000000000000000000",
    "0001300e0603551d0f0101ff0404030205a030130603551d25040c300a06082b06010505070301301d0603551d0e0416",
    "041476ab05c10c070b0033f47680142fe6e23751e566300c0603551d130101ff04023000300a06082a8648ce3d040302",
    "034800304502206f97266757cf256dae0ec06f27565f4b951123a991c3541349b93fcac94e6b2d022100f7d3d87141f1",
    "11677f466b5dd7e94f840b08316cab92c169f199d99970f6df5316030300040e000000",
];

/// `openssl s_server -no_tls1_3 -Verify 1 -CAfile fixtures/ca/root.pem` answering a TLS 1.2
/// probe: ServerHello, Certificate, CertificateRequest naming the fixture root, ServerHelloDone.
const OPENSSL_TLS12_VERIFY: &[&str] = &[
    "1603030055020000510303365ed16d2cd251693ae2565a999976f5e0f7d06088607105aa64a59f6a02464f20a43d898b",
    "7783cf449eade65be46a2ef3515f7bb5cfc5f81fc8b6690b80ad70b2002f000009ff010001000017000016030302eb0b",
    "0002e70002e40002e1308202dd30820283a0030201020214057a480aa5573821eb0a0521c87b793979cdd1ab300a0608",
    "2a8648ce3d040302303e31173015060355040a0c0e6369637378207465737420504b493123302106035504030c1a6369",
    "637378205465737420496e7465726d656469617465204341301e170d3236313132333030303030305a170d3436313132",
    "343030303030305a302d31173015060355040a0c0e6369637378207465737420504b493112301006035504030c096c6f",
    "63616c686f737430820122300d06092a864886f70d01010105000382010f003082010a0282010100a55e0ccb5048dbd2",
    "f9f4c53a27cb87eee311f02df7a597c27955c54c490e9202d07a55e8ea2cb466609634d5c919651fb47c4dd691814e3b",
    "ba27ea954d229af71b0193afb5ea88cb6a0418ee34b2f250aa89cae578c0090f2bde98816e69b38dcaf8636469b8651f",
    "68cf35cdb1794605e9c970442022cb4f07fede1f4f816a0fe1a6f10019cf80db4b47f1cb10e619e7aa2c074699934d6e",
    "0f5a5594e3adb56c1abd3da4b25264ff107ecad16d02a56a6963085fb88224d926a7b9c6645432cbff44ba565ecf79d8",
    "76d88d61ebaafe726c4813ae261795f86b5ac78d3be8bbd728cd66f488af4ff2ad4cde91bee8625923e46555e9a9332f",
    "555b366c08c33fdd0203010001a381a43081a1301f0603551d23041830168014142bffc4ed7ed2298bdc6aa62649a4d2",
    "830bb2fc302c0603551d110425302382096c6f63616c686f737487047f00000187100000000000000000000000000000",
    "0001300e0603551d0f0101ff0404030205a030130603551d25040c300a06082b06010505070301301d0603551d0e0416",
    "041476ab05c10c070b0033f47680142fe6e23751e566300c0603551d130101ff04023000300a06082a8648ce3d040302",
    "034800304502206f97266757cf256dae0ec06f27565f4b951123a991c3541349b93fcac94e6b2d022100f7d3d87141f1",
    "11677f466b5dd7e94f840b08316cab92c169f199d99970f6df53160303006e0d00006a03010240002804030503060308",
    "0708080809080a080b080408050806040105010601030303010302040205020602003a0038303631173015060355040a",
    "0c0e6369637378207465737420504b49311b301906035504030c126369637378205465737420526f6f74204341160303",
    "00040e000000",
];

/// `openssl s_server` (defaults) answering a TLS 1.3 probe: ServerHello, ChangeCipherSpec and
/// encrypted records.
const OPENSSL_TLS13: &[&str] = &[
    "160303007a0200007603037bbb3f599d6269dae8c47ac505c79a6178fd326c780d41fca1e5b89d1b641c522003030303",
    "03030303030303030303030303030303030303030303030303030303130100002e002b0002030400330024001d00209a",
    "88d42da78d236b6fd3b2a4a45cc93491cb2ef360b47960c3b2c53972ebc95a140303000101170303001724c9c975d825",
    "d05731f717e175514a5bf22e6ffe039be517030302ffc23720e08e535759c6040e7fa2f4b690e27fa57fcfe7778a2b19",
    "cc426deb300e3799265763ee2456974fc042679f91ab8c5a48cf3857c7e19ffed849354432c1a04e2c474c539de28357",
    "440c6d004987146e1268f4cfa14f95d6ac1cc05f27ede793f61617c6e4373f53910a067d1158a38fec6d695eae782644",
    "34b8db5b9db658e9b776777fc9b0896f277fd163654295839384f2610067ab06c9faa22a809320472c04dcba4bfb5a86",
    "3b47d04d50cdc362eb3893afbdbfd09c9ef3acd6c190ee27acbc128f1ab8dde230b4a2b80b717466f60a8ef9f1c1ac6a",
    "93f15bd97e499642dffe44033d1313f0df3cdcfb9d8e0c3cb86152d973e5e0b8d7ff15c023ec9f14ad876e2bff889c3a",
    "4450a649428367cb8083d8017207f564663f88ace2b09b76f6b4644eb599265bdb4645b3f0f8789b312816613ae92707",
    "5a73c91aaf7b832941455aaede3cf20a7e285354b1938a7b5045962a351a6530988bce4d8ac0f503cdb51899d8e8741a",
    "93186c16839056b8ac0fa13b8b59a900c881fb2f72b3cb5597cc18622bfd5c3dce3aa1078f69c1fc525fcbcbfbe6e2bd",
    "6b648c823cbffee0c07e055e3e2bcb396355b95cd12d394d0f2f33fbd6195d7eb2312acc1e3f43fa70d69a1aa627a43d",
    "d68224f9b77dde48cec7239f04baaac26b7c41d942df9f8ff6f8a15e26d9cfbf09d78255b52b13b455259cdd3e474792",
    "4cae2015fb8cc1b9924cdd0f9b45a5514e0d2450e03bcbc956cf4f7724f24a6b451e70a5d367ab4b2d8256394903fd52",
    "cef92601410b8ebc36c5179674de242dc598b65b9fbdaf6ad5632d34bd8fa5cec2837228b83bb0c986723810da78aedd",
    "68841ce253d1000ffa478e4c150b83c62653e85a933f4079f09880e123c878cabb37bee332fbf7a8d1cde96a706b626f",
    "286ee48a9304388aee37ae9ea5c2e92e062b748b7e95abd2221728a93a6f7e5db4ba4357209bf0e41ac9a24768df6dd7",
    "fd312a72bdd3f464d6d68730051c0be73374987a2ca968242a760164c47276e0348b92ab723cd1fd318a9af9d1f46734",
    "77124701572eeed360d53e17deaf8a06ad7d70b0c4170303011985265f3e6f6177aff1e70ff2173cab65e89160f92d69",
    "15d2faeb32711ec640d0eb4a467247411e02b8f7334004db11bb8e0646893fe2cd6f7ca36a84a616f3cbfcebb1580d36",
    "828c7c2c1b484d97dd127d94db4866948f7b902639be98a09ca217be07d5d3d9783a35099b91e48f15fb34b56fb8e2c4",
    "d6dc8c35ec41222695bc9e9d524bc577a811c50bb9db0e099539f3799dbea5ce2751a818997b0412e690cba64b4f411e",
    "cf0222482688e82070045f57193db0020ee38c5bf2dc9667a28489edf82046d3228afed2680159b3c8c464d4f0ee3594",
    "5e863e82a2c089f6c4abb525e66d642121c27608536ad71d3a40dc700746056e59f7369e1ddccbca48719532567f8fb4",
    "94e61c45f52db7ceb5d505806ebcd8c142262a170303003548794d08a7ee517279eb4720162c6b4b526220412730d0e9",
    "5ca76739b9318a996191be260d004fa74516dbd25bfd6b6c5ff9e7d8d0",
];

fn bytes(hex: &[&str]) -> Vec<u8> {
    let hex: String = hex.concat();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// Parses `flight` fed in pieces of `step` bytes.
fn parse_in_steps(flight: &[u8], step: usize) -> Vec<ServerMessage> {
    let mut parser = FlightParser::new();
    let mut out = Vec::new();
    for piece in flight.chunks(step) {
        out.extend(parser.push(piece).unwrap());
    }
    out
}

/// The root CA's subject as the CertificateRequest carries it: `O=cicsx test PKI,
/// CN=cicsx Test Root CA`, DER.
fn fixture_root_name() -> Vec<u8> {
    let o = b"cicsx test PKI";
    let cn = b"cicsx Test Root CA";
    let atv = |oid: u8, v: &[u8]| {
        let mut a = vec![0x06, 0x03, 0x55, 0x04, oid, 0x0C, v.len() as u8];
        a.extend_from_slice(v);
        let mut seq = vec![0x30, a.len() as u8];
        seq.extend(a);
        let mut set = vec![0x31, seq.len() as u8];
        set.extend(seq);
        set
    };
    let mut rdns = atv(10, o);
    rdns.extend(atv(3, cn));
    let mut name = vec![0x30, rdns.len() as u8];
    name.extend(rdns);
    name
}

#[test]
fn openssl_tls12_flight_in_any_split() {
    let flight = bytes(OPENSSL_TLS12_AES128_SHA);
    for step in [1, 2, 5, 7, 100, flight.len()] {
        let msgs = parse_in_steps(&flight, step);
        assert_eq!(msgs.len(), 3, "step {step}: {msgs:?}");
        let ServerMessage::ServerHello(hello) = &msgs[0] else {
            panic!("{msgs:?}")
        };
        assert_eq!(hello.version(), 0x0303);
        assert_eq!(hello.cipher_suite, 0x002F);
        assert!(!hello.hello_retry);
        let ServerMessage::Certificate(chain) = &msgs[1] else {
            panic!("{msgs:?}")
        };
        assert_eq!(chain.len(), 1);
        // A DER SEQUENCE with a two-byte length that covers the whole certificate.
        let cert = &chain[0];
        assert_eq!(&cert[..2], &[0x30, 0x82]);
        assert_eq!(
            usize::from(u16::from_be_bytes([cert[2], cert[3]])) + 4,
            cert.len()
        );
        assert_eq!(msgs[2], ServerMessage::ServerHelloDone);
    }
    let info = suites::lookup(0x002F).unwrap();
    assert_eq!(info.name, "TLS_RSA_WITH_AES_128_CBC_SHA");
    assert_eq!(
        info.rating(),
        (Rating::Medium, vec!["no forward secrecy", "CBC"])
    );
    assert!(!suites::usable_by_cicsx(0x002F, TlsVersion::Tls12));
}

#[test]
fn openssl_certificate_request_names_the_fixture_root() {
    let msgs = parse_in_steps(&bytes(OPENSSL_TLS12_VERIFY), 3);
    let request = msgs
        .iter()
        .find_map(|m| match m {
            ServerMessage::CertificateRequest(r) => Some(r),
            _ => None,
        })
        .expect("a CertificateRequest");
    assert_eq!(request.certificate_authorities, vec![fixture_root_name()]);
    assert!(request.certificate_types.contains(&1), "rsa_sign");
    assert!(
        request.signature_schemes.contains(&0x0804),
        "rsa_pss_rsae_sha256"
    );
    assert_eq!(msgs.last(), Some(&ServerMessage::ServerHelloDone));
}

#[test]
fn openssl_tls13_server_hello_then_encrypted_records() {
    let msgs = parse_in_steps(&bytes(OPENSSL_TLS13), 64);
    let ServerMessage::ServerHello(hello) = &msgs[0] else {
        panic!("{msgs:?}")
    };
    assert_eq!(hello.legacy_version, 0x0303);
    assert_eq!(hello.version(), 0x0304);
    assert_eq!(hello.cipher_suite, 0x1301);
    assert_eq!(hello.key_share_group, Some(0x001D));
    assert_eq!(msgs[1], ServerMessage::ChangeCipherSpec);
    assert!(msgs[2..].iter().all(|m| *m == ServerMessage::Encrypted));
}

#[test]
fn protocol_version_alerts_from_openssl() {
    // TLS 1.3 hello to `-no_tls1_3`; TLS 1.0 hello to `-tls1_2` (record version 1.0).
    for flight in [
        &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46],
        &[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46],
    ] {
        let msgs = FlightParser::new().push(flight).unwrap();
        assert_eq!(
            msgs,
            vec![ServerMessage::Alert(Alert {
                level: 2,
                description: 70
            })]
        );
        assert_eq!(
            Alert {
                level: 2,
                description: 70
            }
            .to_string(),
            "fatal alert protocol_version (70)"
        );
    }
}

#[test]
fn an_http_answer_is_not_tls() {
    let mut parser = FlightParser::new();
    let msgs = parser
        .push(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n")
        .unwrap();
    assert!(
        matches!(&msgs[..], [ServerMessage::NotTls(b)] if b.starts_with(b"HTTP/1.1 400 Bad Request")),
        "{msgs:?}"
    );
}

#[test]
fn hellos_for_every_version_and_suite_list_are_well_formed() {
    for version in TlsVersion::ALL {
        let suites: Vec<u16> = suites::suites_for(version).iter().map(|s| s.code).collect();
        let hello = client_hello(&ClientHelloSpec {
            version,
            suites: &suites,
            server_name: Some("cics.example.com"),
            random: [1; 32],
            key_share: [2; 32],
            session_id: [3; 32],
        });
        // One handshake record holding one ClientHello whose lengths add up.
        assert_eq!(hello[0], 0x16);
        assert_eq!(
            usize::from(u16::from_be_bytes([hello[3], hello[4]])),
            hello.len() - 5
        );
        assert_eq!(hello[5], 0x01);
        let body = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(body, hello.len() - 9);
        assert!(
            hello.len() - 5 >= 512 || hello.len() - 5 < 256,
            "{version}: padded"
        );
    }
}

#[test]
fn parsers_reject_truncated_messages() {
    let flight = bytes(OPENSSL_TLS12_VERIFY);
    // The ServerHello body starts after the record header (5) and handshake header (4).
    let sh_len = u32::from_be_bytes([0, flight[6], flight[7], flight[8]]) as usize;
    let body = &flight[9..9 + sh_len];
    assert!(parse_server_hello(body).is_ok());
    // The extensions block is optional: cutting exactly before it is still a hello.
    let before_extensions = 2 + 32 + 1 + usize::from(body[34]) + 3;
    for n in 0..body.len() {
        if n != before_extensions {
            assert!(parse_server_hello(&body[..n]).is_err(), "prefix {n}");
        }
    }
    assert!(parse_certificate(&[0, 0, 5, 0, 0, 1], false).is_err());
    assert!(parse_certificate(&[0, 0, 0], false).unwrap().is_empty());
    assert!(parse_certificate_request(&[1, 1, 0, 0], 0x0303).is_err());
    assert_eq!(
        parse_certificate_request(&[1, 1, 0, 0], 0x0302)
            .unwrap()
            .certificate_types,
        vec![1]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048), step in 1usize..64) {
        let mut parser = FlightParser::new();
        for piece in data.chunks(step) {
            let _ = parser.push(piece);
        }
        let _ = parse_server_hello(&data);
        let _ = parse_certificate(&data, false);
        let _ = parse_certificate(&data, true);
        for version in [0x0301, 0x0303, 0x0304] {
            let _ = parse_certificate_request(&data, version);
        }
    }

    #[test]
    fn mutated_real_flights_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
        step in 1usize..300,
    ) {
        let mut flight = bytes([OPENSSL_TLS12_AES128_SHA, OPENSSL_TLS12_VERIFY, OPENSSL_TLS13][which]);
        for (at, value) in edits {
            let at = at % flight.len();
            flight[at] = value;
        }
        flight.truncate(cut % (flight.len() + 1));
        let mut parser = FlightParser::new();
        let mut total_certs = 0;
        for piece in flight.chunks(step) {
            if let Ok(msgs) = parser.push(piece) {
                for m in msgs {
                    if let ServerMessage::Certificate(c) = m {
                        total_certs += c.iter().map(Vec::len).sum::<usize>();
                    }
                }
            }
        }
        // Nothing parsed can be larger than what came in.
        prop_assert!(total_certs <= flight.len());
    }
}
