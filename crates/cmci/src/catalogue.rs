//! The message catalogue: the long form of every message ID cicsx uses.
//!
//! Every user-facing message of cicsx starts with a stable ID: `CICSX`, four digits and a
//! severity letter (`E` error, `W` warning, `I` information). The crates' errors say what
//! happened this time (`id()`, `Display`, `explanation()`, `action()`); this catalogue is the
//! generic long form of each ID, for a person who has only the ID (from a log, a ticket or a
//! colleague): what it means, what to change in cicsx, and what to change on the CICS region.
//!
//! Every front end shows the same entries: `cicsx explain ID` prints one, and
//! `docs/messages.md` is generated from [`MESSAGES`] by [`markdown`]. Sans-IO: static data and
//! pure functions.
//!
//! ```
//! use cicsx_cmci::catalogue::{self, Severity};
//!
//! // Any case, with or without the severity letter, with or without the prefix.
//! let message = catalogue::lookup("cicsx0407").unwrap();
//! assert_eq!(message.id, "CICSX0407E");
//! assert_eq!(message.severity(), Severity::Error);
//! assert!(message.region.contains("DFHSO0123"));
//! assert_eq!(catalogue::lookup("0407"), Some(message));
//!
//! // A wrong severity letter is another ID: suggest the nearest ones instead.
//! assert!(catalogue::lookup("CICSX0407W").is_none());
//! assert_eq!(catalogue::suggest("CICSX0407W", 3)[0].id, "CICSX0407E");
//! ```

use std::fmt;

/// One entry of the catalogue: the long, generic form of a message ID.
///
/// Texts are plain prose meant to be wrapped by the front end; paragraphs are separated by a
/// blank line (see [`paragraphs`]). Commands, flags and file names are in backticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Message {
    /// The message ID, e.g. `CICSX0407E`.
    pub id: &'static str,
    /// What happened, in one line.
    pub title: &'static str,
    /// What it means, when it happens, and what the wire or the region showed.
    pub explanation: &'static str,
    /// What to change in cicsx: flags, preferences, commands.
    pub client: &'static str,
    /// What to change on the CICS region (or what to look for in its job log); empty when
    /// nothing there is concerned.
    pub region: &'static str,
}

/// How serious a message is: the last letter of its ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// `E`: the operation failed.
    Error,
    /// `W`: the operation went on, but something needs attention.
    Warning,
    /// `I`: for information.
    Information,
}

impl Severity {
    /// The severity in lower-case words: `error`, `warning`, `information`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Message {
    /// The severity, from the ID's last letter.
    pub fn severity(&self) -> Severity {
        match self.id.as_bytes().last() {
            Some(b'W') => Severity::Warning,
            Some(b'I') => Severity::Information,
            _ => Severity::Error,
        }
    }

    /// The four digits of the ID, e.g. `0407`.
    fn number(&self) -> &'static str {
        self.id.get(5..9).unwrap_or("")
    }
}

/// The paragraphs of a catalogue text (separated by blank lines), trimmed, without empty ones.
///
/// ```
/// let text = cicsx_cmci::catalogue::lookup("CICSX0407E").unwrap().region;
/// assert!(cicsx_cmci::catalogue::paragraphs(text).count() >= 2);
/// ```
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

/// The entry for `id`, or `None`.
///
/// Case does not matter, and the `CICSX` prefix and the severity letter may be left out:
/// `CICSX0407E`, `cicsx0407e`, `CICSX0407`, `0407` and `0407E` all find `CICSX0407E`. Without
/// the letter, the digits must name exactly one entry. Surrounding white space is ignored;
/// anything else (a wrong letter, other characters) finds nothing.
pub fn lookup(id: &str) -> Option<&'static Message> {
    let (number, severity) = parse_id(id)?;
    let mut found = MESSAGES.iter().filter(|m| {
        m.number().as_bytes() == number
            && severity.is_none_or(|s| m.id.as_bytes().last() == Some(&s))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Splits `CICSX0407E` (any case, prefix and letter optional) into its digits and letter.
fn parse_id(text: &str) -> Option<([u8; 4], Option<u8>)> {
    let bytes = text.trim().as_bytes();
    let rest = match bytes.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case(b"CICSX") => &bytes[5..],
        _ => bytes,
    };
    let (digits, letter) = match rest {
        [a, b, c, d] => ([*a, *b, *c, *d], None),
        [a, b, c, d, s] => ([*a, *b, *c, *d], Some(s.to_ascii_uppercase())),
        _ => return None,
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match letter {
        None | Some(b'E' | b'W' | b'I') => Some((digits, letter)),
        Some(_) => None,
    }
}

/// Up to `max` entries close to `query`, best first, to suggest when [`lookup`] finds nothing.
///
/// A query with digits is compared with the IDs' digits (edit distance at most 2, then the
/// numerically nearest, then a matching severity letter first); a query without digits is
/// looked for as words in the titles, then in the explanations.
///
/// ```
/// use cicsx_cmci::catalogue::suggest;
///
/// let ids: Vec<&str> = suggest("cicsx0407w", 2).iter().map(|m| m.id).collect();
/// assert_eq!(ids[0], "CICSX0407E");
/// assert!(suggest("handshake", 10).iter().any(|m| m.id == "CICSX0405E"));
/// assert!(suggest("", 5).is_empty());
/// ```
pub fn suggest(query: &str, max: usize) -> Vec<&'static Message> {
    // Bound the work on absurd input; IDs are 10 characters.
    let query: String = query.trim().chars().take(200).collect();
    let upper = query.to_ascii_uppercase();
    let rest = upper.strip_prefix("CICSX").unwrap_or(&upper).trim();
    // ID-like: digits, perhaps followed by one letter. Anything else is words.
    let (digits, letter) = match rest.as_bytes() {
        [head @ .., last] if last.is_ascii_alphabetic() => (head, Some(*last)),
        all => (all, None),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return by_words(&query, max);
    }
    let digits: String = digits.iter().take(8).map(|&b| char::from(b)).collect();
    let wanted: u64 = digits.parse().unwrap_or(0);
    let mut scored: Vec<(usize, bool, u64, &'static Message)> = MESSAGES
        .iter()
        .filter_map(|m| {
            let distance = edit_distance(digits.as_bytes(), m.number().as_bytes());
            let number: u64 = m.number().parse().unwrap_or(0);
            let other_letter = letter.is_some_and(|l| m.id.as_bytes().last() != Some(&l));
            (distance <= 2).then_some((distance, other_letter, number.abs_diff(wanted), m))
        })
        .collect();
    scored.sort_by_key(|&(distance, other_letter, gap, m)| (distance, gap, other_letter, m.id));
    scored.into_iter().take(max).map(|(.., m)| m).collect()
}

/// Entries whose title (else explanation) holds every word of `query`.
fn by_words(query: &str, max: usize) -> Vec<&'static Message> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let matching = |text: fn(&Message) -> &'static str| -> Vec<&'static Message> {
        MESSAGES
            .iter()
            .filter(|m| {
                let text = text(m).to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .take(max)
            .collect()
    };
    let by_title = matching(|m| m.title);
    if by_title.is_empty() {
        matching(|m| m.explanation)
    } else {
        by_title
    }
}

/// Levenshtein distance between two short byte strings.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, &y) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(x != y);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The areas of the catalogue, by the first two digits of the IDs.
const AREAS: &[(&str, &str)] = &[
    ("01", "Keystores"),
    ("02", "Trust: server certificates and truststores"),
    ("03", "Smart cards (PKCS#11)"),
    ("04", "Connecting: TCP, TLS and HTTP"),
    ("05", "Connections, preferences and workspace files"),
    ("06", "CMCI requests and responses"),
    ("07", "The mock CICS region"),
    ("09", "The command line"),
];

/// The whole catalogue as Markdown: the text of `docs/messages.md`.
///
/// ```
/// let md = cicsx_cmci::catalogue::markdown();
/// assert!(md.contains("### CICSX0407E"));
/// ```
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Generated from crates/cmci/src/catalogue.rs (cicsx_cmci::catalogue::markdown).\n\
         Do not edit by hand: change the catalogue, then regenerate this file with\n\
         CICSX_UPDATE_DOCS=1 cargo test -p cicsx-cmci --test catalogue\n\
         Without that variable the same test fails while this file is out of date. -->\n\
         \n\
         # cicsx messages\n\
         \n\
         Every message cicsx prints starts with a stable ID: `CICSX`, four digits and a severity \
         letter (`E` error, `W` warning, `I` information). An ID never changes meaning. The \
         message itself names the specifics (host, port, file, alert, fingerprints); this page \
         is the long form of each ID, for when all you have is the ID. `cicsx explain ID` prints \
         the same text at a terminal (any case, the severity letter may be left out), and \
         `cicsx explain --list` lists every ID.\n\
         \n\
         Each entry says what the message means, what to change on your side (in cicsx), and \
         what to change on the CICS region or look for in its job log. \"(unconfirmed)\" marks \
         CICS facts that have not been checked against IBM's documentation.\n\
         \n\
         | IDs | area | messages |\n\
         |---|---|---|\n",
    );
    for (digits, area) in AREAS {
        let count = in_area(digits).count();
        if count > 0 {
            out.push_str(&format!("| CICSX{digits}xx | {area} | {count} |\n"));
        }
    }
    for (digits, area) in AREAS {
        if in_area(digits).next().is_none() {
            continue;
        }
        out.push_str(&format!("\n## {area} (CICSX{digits}xx)\n"));
        for m in in_area(digits) {
            out.push_str(&format!("\n### {}\n\n**{}**\n", m.id, m.title));
            push_section(&mut out, "Explanation.", m.explanation);
            push_section(&mut out, "On your side.", m.client);
            if m.region.trim().is_empty() {
                out.push_str("\n*On the CICS region.* Nothing to change.\n");
            } else {
                push_section(&mut out, "On the CICS region.", m.region);
            }
        }
    }
    let others: Vec<&Message> = MESSAGES
        .iter()
        .filter(|m| !AREAS.iter().any(|(d, _)| m.id.get(5..7) == Some(d)))
        .collect();
    if !others.is_empty() {
        out.push_str("\n## Other messages\n");
        for m in others {
            out.push_str(&format!("\n### {}\n\n**{}**\n", m.id, m.title));
            push_section(&mut out, "Explanation.", m.explanation);
            push_section(&mut out, "On your side.", m.client);
            push_section(&mut out, "On the CICS region.", m.region);
        }
    }
    out
}

fn in_area(digits: &'static str) -> impl Iterator<Item = &'static Message> {
    MESSAGES
        .iter()
        .filter(move |m| m.id.get(5..7) == Some(digits))
}

fn push_section(out: &mut String, label: &str, text: &str) {
    for (i, paragraph) in paragraphs(text).enumerate() {
        let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        if i == 0 {
            out.push_str(&format!("\n*{label}* {paragraph}\n"));
        } else {
            out.push_str(&format!("\n{paragraph}\n"));
        }
    }
}

// Region-side texts shared by the trust store's, the handshake's and the session's views of the
// same certificate problem.

const REGION_UNKNOWN_CA: &str = "The certificate the CMCI TCPIPSERVICE presents is the one its \
    CERTIFICATE attribute names in the region's key ring (the KEYRING system initialization \
    parameter), or the key ring's default certificate when CERTIFICATE is blank (unconfirmed). \
    Give users the certificate of the CA that issued it (RACDCERT EXPORT writes it to a data \
    set (unconfirmed)), so that each of them trusts it once instead of accepting the server \
    certificate; a central truststore (the central_truststore preference) hands it to everyone \
    at once. Or tell users the server certificate's SHA-256 fingerprint, so that they can check \
    it before accepting it.";

const REGION_EXPIRED: &str = "Renew the certificate of the CMCI TCPIPSERVICE (the label its \
    CERTIFICATE attribute names in the region's key ring) or the expired CA certificate of its \
    chain, connect the new certificate to the key ring, and make the region use it: PERFORM SSL \
    REBUILD refreshes the region's TLS environment from the key ring (unconfirmed). Check also \
    the z/OS clock.";

const REGION_NOT_YET_VALID: &str = "Check the validity dates of the CMCI TCPIPSERVICE's \
    certificate and of its CA certificates (RACDCERT LIST (unconfirmed)) and the z/OS clock; \
    reissue a certificate whose start date lies in the future.";

const REGION_WRONG_HOST: &str = "Issue the region's certificate with a subject alternative \
    name for every host name (and IP address) users connect with (RACDCERT GENCERT with \
    ALTNAME (unconfirmed)), connect it to the key ring, name it in the CMCI TCPIPSERVICE's \
    CERTIFICATE attribute, and refresh the TLS environment (PERFORM SSL REBUILD \
    (unconfirmed)). Tell users which host name to connect with.";

const REGION_CHANGED: &str = "When the certificate of the CMCI TCPIPSERVICE is renewed, tell \
    its users the new certificate's SHA-256 fingerprint, so that they can check it. Better, \
    issue it from a CA the users trust (their truststore, or the central truststore): renewals \
    then need nothing from them. If the certificate was not changed, treat the message as a \
    possible interception and involve your network security team.";

const REGION_CHAIN_INVALID: &str = "Check the certificate of the CMCI TCPIPSERVICE and its \
    chain: an end-entity certificate (not a CA certificate), signed with SHA-256 or stronger \
    (not MD5 or SHA-1), with no extended key usage or one that includes serverAuth, and with \
    every intermediate CA certificate connected to the region's key ring so that the region \
    sends the whole chain (unconfirmed).";

/// Every message ID cicsx uses, sorted by ID.
pub static MESSAGES: &[Message] = &[
    // ----------------------------------------------------------------------------------------
    // 01xx: keystores (cicsx-keystore)
    Message {
        id: "CICSX0101E",
        title: "Wrong pass phrase for a keystore",
        explanation: "The pass phrase given does not open the keystore named in the message. \
            The keystore's integrity check (the MAC of a PKCS#12 file, the keyed digest of a JKS \
            file) failed; in a file without an integrity check its contents could not be \
            decrypted, so a wrong pass phrase cannot be told from a damaged file. The file was \
            not changed. When no pass phrase is given, cicsx uses the default, changeit; the \
            keystore commands then ask at a terminal if changeit does not open the file.",
        client: "Give the keystore's pass phrase in the CICSX_KEYSTORE_PASSWORD environment \
            variable (for connects and every command), with `--storepass-file FILE` (its first \
            line) for keystore commands, or at their prompt. The workspace keystore starts with \
            changeit. To test a pass phrase outside cicsx: \
            `keytool -list -storetype PKCS12 -keystore FILE`. If nobody knows the pass phrase \
            any more, the keys in the file cannot be recovered: create a new keystore and import \
            the certificates again.",
        region: "",
    },
    Message {
        id: "CICSX0102E",
        title: "Keystore is not a readable PKCS#12 file",
        explanation: "The data is not a complete PKCS#12 (.p12, .pfx) keystore: it is truncated \
            (an interrupted copy or download), damaged, or another kind of file, such as an HTML \
            error page saved under a .p12 name. The message gives the parser's complaint. \
            Nothing was changed.",
        client: "Check that the file is the keystore you meant: `openssl pkcs12 -info -in FILE \
            -noout` shows whether it parses. Restore it from a backup, or ask whoever issued it \
            for a new copy.",
        region: "",
    },
    Message {
        id: "CICSX0103E",
        title: "Keystore uses an unsupported algorithm",
        explanation: "The keystore is encrypted or protected with an algorithm cicsx does not \
            read, typically an old or uncommon scheme such as PBES2 with 3DES (DES-EDE3-CBC), \
            which `openssl pkcs12 -export -keypbe DES-EDE3-CBC` and older tools write. The \
            message names the algorithm, with its OID when known.",
        client: "Re-encrypt the keystore with a modern algorithm (AES-256-CBC) and use the new \
            file: `openssl pkcs12 -in OLD.p12 -nodes -legacy | openssl pkcs12 -export -out \
            NEW.p12`, or `keytool -importkeystore -srckeystore OLD.p12 -destkeystore NEW.p12 \
            -deststoretype PKCS12`. Keep the unencrypted intermediate output off disk.",
        region: "",
    },
    Message {
        id: "CICSX0104E",
        title: "Keystore file cannot be read, written or locked",
        explanation: "The operating system refused an operation on a keystore file or its \
            directory. The message names the operation (read, write, lock), the path and the \
            system's reason: no such directory, permission denied, disk full, read-only file \
            system. Keystores are written atomically (a temporary file in the same directory, \
            then a rename) under a lock file beside them, so cicsx must also be able \
            to create files in the keystore's directory. A failed write leaves the keystore as \
            it was.",
        client: "Check the path, that the directory exists, and that your user may read and \
            write both the file and its directory. cicsx creates keystores with mode 0600, \
            readable by their owner only.",
        region: "",
    },
    Message {
        id: "CICSX0105E",
        title: "Alias already used in the keystore",
        explanation: "An entry with this alias already exists. Aliases are unique within a \
            keystore and compared without regard to case, as keytool compares them, so MyKey \
            and mykey are the same alias.",
        client: "Choose another alias (`--alias`), or remove or rename the existing entry first: \
            `cicsx keystore delete ALIAS`, `cicsx keystore rename OLD NEW`. `cicsx keystore \
            list` shows the aliases.",
        region: "",
    },
    Message {
        id: "CICSX0106E",
        title: "No keystore entry with that alias",
        explanation: "No entry of the keystore has the alias named in the message (aliases are \
            compared without regard to case). A connection that signs on with `--keystore-cert \
            ALIAS` fails this way when the entry was deleted or renamed, or when cicsx opens \
            another keystore than the one holding the entry.",
        client: "`cicsx keystore list` shows the aliases of the keystore cicsx uses (the keystore \
            preference, else the workspace's keystore.p12); `--keystore PATH` opens another. \
            Import the entry again if it is gone.",
        region: "",
    },
    Message {
        id: "CICSX0107E",
        title: "Keystore file does not exist",
        explanation: "The keystore file named in the message was not found: the path is \
            mistyped, the file was moved, or the keystore preference points at a drive that is \
            not mounted.",
        client: "Check the path given with `--keystore` or in the keystore preference (`cicsx \
            prefs show`). To start a new keystore: `cicsx keystore create --keystore PATH`. The \
            workspace keystore is created by itself on first use.",
        region: "",
    },
    Message {
        id: "CICSX0108E",
        title: "Keystore file already exists",
        explanation: "A new keystore was to be created where a file already exists. cicsx never \
            overwrites a keystore by creating a new one: the file may hold keys that exist \
            nowhere else.",
        client: "Use the existing keystore, or choose another file name. Move the old file away \
            yourself only when you are sure nothing in it is needed.",
        region: "",
    },
    Message {
        id: "CICSX0109E",
        title: "Alias cannot be used",
        explanation: "Aliases must be non-empty, at most 255 characters long, free of control \
            characters, and made only of characters a PKCS#12 friendly name (a BMPString) can \
            hold. The message says which rule the alias breaks.",
        client: "Choose a shorter or plainer alias, for example of letters, digits, dots, colons \
            and hyphens.",
        region: "",
    },
    Message {
        id: "CICSX0110E",
        title: "Not a valid X.509 certificate for the keystore",
        explanation: "Data to be stored in the keystore as a certificate, under the alias named \
            in the message, could not be parsed as a DER X.509 certificate; the message gives \
            the parser's complaint. Common causes: a certificate request (CSR) or a private key \
            instead of a certificate, or PEM text damaged by copying it through e-mail.",
        client: "`openssl x509 -in FILE -noout -text` shows whether a certificate parses (add \
            `-inform DER` for a binary file). Ask the sender for the certificate again, as PEM \
            or DER.",
        region: "",
    },
    Message {
        id: "CICSX0111E",
        title: "Private key is not usable",
        explanation: "A private key to be stored under the alias named in the message is not a \
            readable PKCS#8, PKCS#1 (RSA) or SEC1 (EC) key, or it came without the certificate \
            it belongs to. Key material is never shown in messages.",
        client: "Supply the key unencrypted as PKCS#8 (`openssl pkcs8 -topk8 -nocrypt -in KEY \
            -out KEY.pk8`) together with its certificate, or import both from a PKCS#12 file \
            with `cicsx keystore import FILE.p12`. Keep unencrypted key files only as long as \
            needed, readable by you only.",
        region: "",
    },
    Message {
        id: "CICSX0112E",
        title: "Private key does not match its certificate",
        explanation: "The first certificate of a key entry's chain must hold the public half of \
            the entry's private key. This pair does not match (the message names the \
            certificate's subject), so it would fail in every TLS handshake: the server would \
            reject the signature.",
        client: "Pair the key with its own certificate. `openssl x509 -in CERT -noout -pubkey` \
            and `openssl pkey -in KEY -pubout` must print the same key. A renewed certificate \
            goes with the key it was requested with.",
        region: "",
    },
    Message {
        id: "CICSX0113E",
        title: "Keystore cannot be encoded as PKCS#12",
        explanation: "Serialising the keystore as PKCS#12 failed, so nothing was written and \
            the file on disk is as it was. This should not happen with valid entries.",
        client: "Report it as a bug, with the message ID and the detail of the message (which \
            never holds key material).",
        region: "",
    },
    Message {
        id: "CICSX0114E",
        title: "JKS or PEM keystore: cicsx reads it but does not change it",
        explanation: "The keystore named in the message is a JKS or PEM file. cicsx reads these, \
            to migrate from Java tools and to import from them, but writes only PKCS#12, so it \
            does not change them. The file was not changed.",
        client: "Import its entries into a PKCS#12 keystore with `cicsx keystore import FILE` \
            (into the workspace keystore, or another with `--keystore`), then use that one, for \
            example with `cicsx prefs set keystore PATH`. keytool converts it too: `keytool \
            -importkeystore -srckeystore OLD.jks -destkeystore NEW.p12 -deststoretype PKCS12`.",
        region: "",
    },
    Message {
        id: "CICSX0115E",
        title: "JKS private key protected by a pass phrase of its own",
        explanation: "In a JKS keystore each private key may have a pass phrase of its own. The \
            keystore's pass phrase is right (its integrity check passed), but it does not \
            unlock the key named in the message.",
        client: "Give the key the keystore's pass phrase first: `keytool -keypasswd -alias \
            ALIAS -keystore FILE -storetype JKS`; or convert the whole keystore to PKCS#12 with \
            `keytool -importkeystore -srckeystore FILE -destkeystore NEW.p12 -deststoretype \
            PKCS12` (keytool asks for the key's pass phrase) and use the new file.",
        region: "",
    },
    Message {
        id: "CICSX0116E",
        title: "Unknown keystore type",
        explanation: "The name given as a keystore type is not one cicsx knows. The types are \
            p12 (PKCS#12), jks (Java KeyStore) and pem.",
        client: "Use p12, jks or pem.",
        region: "",
    },
    Message {
        id: "CICSX0117E",
        title: "Not a readable JKS or PEM file",
        explanation: "The data, read as the JKS or PEM file the message names, is truncated, \
            damaged or another kind of file; the message gives the complaint. (A damaged \
            PKCS#12 file is CICSX0102E.)",
        client: "For JKS: `keytool -list -storetype JKS -keystore FILE`. For PEM: `openssl x509 \
            -in FILE -noout -text` (certificates) or `openssl pkey -in FILE -noout` (keys). If \
            the type is wrong, give the right one with `--storetype` or `--srcstoretype`.",
        region: "",
    },
    Message {
        id: "CICSX0118E",
        title: "Encrypted private key in a PEM file",
        explanation: "The PEM data holds an encrypted private key: an ENCRYPTED PRIVATE KEY \
            block (PKCS#8), or a traditional OpenSSL key with a Proc-Type: 4,ENCRYPTED header. \
            cicsx reads private keys from PEM only when they are not encrypted.",
        client: "Put key and certificate into a PKCS#12 file, which keeps the key encrypted, \
            and import that: `openssl pkcs12 -export -in CERT.pem -inkey KEY.pem -out ME.p12`, \
            then `cicsx keystore import ME.p12`. Or decrypt the key into a file only you can \
            read (`openssl pkey -in ENCRYPTED.key -out PLAIN.key`), import it, and delete the \
            plain file.",
        region: "",
    },
    Message {
        id: "CICSX0150W",
        title: "Keystore still has the default pass phrase changeit",
        explanation: "The keystore named in the warning opens with changeit, the default pass \
            phrase of CICS Explorer's and Java's keystores, and of the workspace keystore when \
            cicsx creates it. Anyone who can read the file can read its private keys and change \
            what it trusts. The warning comes on every use until the pass phrase is changed.",
        client: "Change it: `cicsx keystore passwd` (the new pass phrase is asked for twice, or \
            read from `--new-storepass-file` or CICSX_KEYSTORE_NEW_PASSWORD). From then on give \
            it with CICSX_KEYSTORE_PASSWORD or `--storepass-file`. Other tools that share the \
            file, such as CICS Explorer or keytool, need the new pass phrase too.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 02xx: trust (cicsx-truststore)
    Message {
        id: "CICSX0201E",
        title: "Server certificate issued by an unknown certificate authority",
        explanation: "The trust store checked the certificate chain the server at host:port \
            presented and found no path to a trusted certificate authority: the issuer is in \
            none of the keystore, the truststore, the central truststore or (when system_roots \
            is on) the operating system's roots, and the certificate was not accepted for that \
            host and port before. CICS regions often present a self-signed certificate or one \
            from the organisation's own CA. This ID comes from checking a chain on its own; a \
            connect reports the same as CICSX0607E and offers a certificate alert.",
        client: "Check the certificate's SHA-256 fingerprint with the region's administrator \
            over another channel, then accept it on first use (`cicsx connect NAME`, or \
            `--accept-certificate SHA256` in scripts). Better, trust the CA that issued it: \
            `cicsx keystore trust CA.pem --alias NAME`, or the truststore or central_truststore \
            preference.",
        region: REGION_UNKNOWN_CA,
    },
    Message {
        id: "CICSX0202E",
        title: "Server certificate has expired",
        explanation: "A certificate of the chain presented by host:port is past its end date \
            (the message gives it when known). Until it is renewed nobody can tell this server \
            from an impostor holding an old key. If the date looks wrong, this computer's clock \
            may be wrong.",
        client: "Check this computer's date and time. Do not turn trust verification off to get \
            around it: ask the region's administrator to renew the certificate.",
        region: REGION_EXPIRED,
    },
    Message {
        id: "CICSX0203E",
        title: "Server certificate is not valid yet",
        explanation: "A certificate of the chain presented by host:port has a start date in the \
            future: it was issued with a wrong date, or the clock of this computer or of the \
            system that issued it is wrong.",
        client: "Check this computer's date, time and time zone.",
        region: REGION_NOT_YET_VALID,
    },
    Message {
        id: "CICSX0204E",
        title: "Server certificate does not name this host",
        explanation: "The certificate of host:port is valid, but for other host names: the \
            message lists the DNS names and IP addresses it names. Either the connection names \
            the host differently from the certificate (a short name, an alias, an IP address), \
            or it reaches another server than intended.",
        client: "Connect with a host name the certificate names: remove the connection and add \
            it again with that `--host` (`cicsx connection remove NAME`, `cicsx connection \
            add`).",
        region: REGION_WRONG_HOST,
    },
    Message {
        id: "CICSX0205E",
        title: "Server certificate changed since it was accepted",
        explanation: "host:port presented another certificate than the one accepted for it on \
            first use; the message shows both SHA-256 fingerprints. This happens when the \
            region's certificate is renewed, but it is also exactly what someone intercepting \
            the connection would show. cicsx never offers to accept a changed certificate.",
        client: "Confirm the new fingerprint with the region's administrator over another \
            channel (phone, ticket). Only then remove the old entry, whose alias is host:port: \
            `cicsx keystore delete host:port`, and connect again to accept the new certificate. \
            Trusting the CA that issues the region's certificates (`cicsx keystore trust`) \
            avoids this at renewals, once the host:port entry is deleted: an acceptance comes \
            before CA trust.",
        region: REGION_CHANGED,
    },
    Message {
        id: "CICSX0206E",
        title: "Server certificate chain is not valid",
        explanation: "The certificate chain presented by host:port failed validation for another \
            reason than its issuer, dates or host names; the message names it: a bad signature, \
            an unsupported algorithm, a CA certificate used as a server certificate, a \
            certificate not meant for TLS servers, or a malformed certificate.",
        client: "Nothing in cicsx makes this chain valid; do not turn trust verification off. \
            Send the message to the region's administrator.",
        region: REGION_CHAIN_INVALID,
    },
    Message {
        id: "CICSX0207E",
        title: "Not a valid X.509 certificate",
        explanation: "Data that should be a certificate (from a file, a keystore entry or a \
            server) could not be parsed as a DER X.509 certificate; the message gives the \
            parser's complaint.",
        client: "Check the file: `openssl x509 -in FILE -noout -text` (add `-inform DER` for a \
            binary file). A certificate request (CSR) or a private key is not a certificate.",
        region: "",
    },
    Message {
        id: "CICSX0208E",
        title: "Cannot read PEM certificates",
        explanation: "A PEM bundle (a truststore file, the central truststore, a certificate \
            file) is damaged or holds no certificates: BEGIN and END lines that do not match, \
            damaged base64 text, or only keys.",
        client: "Check the file: `openssl x509 -in FILE -noout -text` shows its first \
            certificate. Get a fresh copy from its source.",
        region: "",
    },
    Message {
        id: "CICSX0209E",
        title: "Not a SHA-256 fingerprint",
        explanation: "A SHA-256 fingerprint is 32 bytes written as 64 hexadecimal digits, \
            optionally in pairs separated by colons. The text given has another length or other \
            characters; a SHA-1 fingerprint, for example, has only 40 digits.",
        client: "Copy the fingerprint again, from the certificate alert or from `openssl x509 \
            -in CERT -noout -fingerprint -sha256`.",
        region: "",
    },
    Message {
        id: "CICSX0210E",
        title: "The operating system's trusted certificates cannot be read",
        explanation: "The system_roots preference is on, so cicsx also trusts the operating \
            system's root certificates, but none could be read: the system's certificate store \
            is missing, empty or unreadable. The message lists what was tried.",
        client: "Install the system's CA certificates (Debian and Ubuntu: `apt-get install \
            ca-certificates`), point the SSL_CERT_FILE environment variable at a PEM bundle, or \
            turn the preference off: `cicsx prefs set system_roots false`. A CICS region's \
            certificate rarely comes from a public CA; a truststore with your organisation's CA \
            is usually what is needed.",
        region: "",
    },
    Message {
        id: "CICSX0211E",
        title: "Not a valid location for the central truststore",
        explanation: "The central truststore decides which servers all its users trust, so it \
            is read only from a file path or over https://, where the server proves who it is. \
            The location given is empty, uses http:// or another scheme, has no host, holds a \
            user name or password, or has control characters; the message says which.",
        client: "Give a file path or an https:// URL: `cicsx prefs set central_truststore \
            https://pki.example.com/cics/trust.pem`, or `none` to unset it.",
        region: "",
    },
    Message {
        id: "CICSX0212E",
        title: "Central truststore unavailable, and no usable cached copy",
        explanation: "The central truststore is read (an https:// URL fetched) on every start, \
            and a good copy is kept in the workspace for when it cannot be reached. This time \
            it could not be read, or what came back was not a truststore (a proxy's HTML page, \
            for example), and there was no cached copy or the copy was unusable; the message \
            says why for both. Its certificates are not trusted now, so connections that rely \
            on them fail.",
        client: "Check that the location (`cicsx prefs show`) can be reached from this computer \
            (VPN, proxy) and holds a PEM bundle or a PKCS#12 or JKS truststore (opened with the \
            pass phrase changeit); ask its administrator if it moved.",
        region: "",
    },
    Message {
        id: "CICSX0213W",
        title: "Central truststore unavailable: the cached copy is used",
        explanation: "The central truststore could not be read now, or what came back was not \
            a truststore, so cicsx trusts the copy it saved at the last good read. The warning \
            gives the reason, the copy's age and how many certificates it holds. Changes made \
            to the central truststore since then are not seen.",
        client: "Nothing, while the copy is recent. If the warning persists, check that the \
            location (`cicsx prefs show`) can be reached, and ask its administrator.",
        region: "",
    },
    Message {
        id: "CICSX0214W",
        title: "A trusted or client certificate expires soon",
        explanation: "A trusted certificate, a server certificate accepted on first use, or your \
            own client certificate expires within 30 days; the warning names it, where it comes \
            from and the date. cicsx checks on every connect. Once it has expired, connections \
            that depend on it fail: a server certificate with CICSX0412E, a client certificate \
            is refused by the region (CICSX0410E).",
        client: "For your client certificate: request a new one in time and import it (`cicsx \
            keystore import`). For a CA or server certificate: get the renewed one from the \
            region's administrator. `cicsx keystore list` and `cicsx truststore list` show the \
            expiry dates.",
        region: "If the certificate is the region's or its CA's, renew it before the date and \
            tell users. A renewed client certificate may also need to be mapped to the user ID \
            again in RACF (unconfirmed).",
    },
    Message {
        id: "CICSX0215W",
        title: "A trusted or client certificate has expired",
        explanation: "A trusted certificate, a server certificate accepted on first use, or your \
            own client certificate is past its end date; the warning names it and where it \
            comes from. An expired CA certificate no longer vouches for anything, and a region \
            refuses an expired client certificate.",
        client: "Replace it: import a new client certificate, or trust the renewed CA or server \
            certificate; then remove the expired entry with `cicsx keystore delete ALIAS`.",
        region: "Renew the region's certificate or its CA certificate and connect it to the key \
            ring (PERFORM SSL REBUILD makes the region use it (unconfirmed)); for users' client \
            certificates, the issuing CA must issue new ones.",
    },
    Message {
        id: "CICSX0216E",
        title: "Server certificate has a weak key",
        explanation: "The certificate of host:port has a key too weak to protect a connection: \
            RSA under 2048 bits, DSA, or an elliptic curve other than P-256, P-384 and P-521; \
            the message names the key, for example RSA 1024. Such keys can be broken or forged, \
            so cicsx refuses the certificate before any other check, whoever issued it, and \
            never offers to accept it. During a connect the TLS layer may report this as \
            CICSX0416E, naming the weak key.",
        client: "Nothing in cicsx makes such a certificate acceptable. Send the message to the \
            region's administrator.",
        region: "Give the CMCI TCPIPSERVICE a certificate with an RSA key of at least 2048 bits \
            or an ECDSA P-256 or P-384 key: generate the key in RACF (RACDCERT GENCERT with \
            SIZE(2048) or NISTECC (unconfirmed)), have the certificate signed by your CA, \
            connect it to the region's key ring, name it in the TCPIPSERVICE's CERTIFICATE \
            attribute, and refresh the TLS environment (PERFORM SSL REBUILD (unconfirmed)).",
    },
    Message {
        id: "CICSX0217E",
        title: "An alias would change how a certificate is trusted",
        explanation: "A keystore entry's alias says how its certificate is trusted: an alias of \
            the form host:port (mvs1.example.com:1490) is a server certificate accepted on \
            first use, trusted for that host and port only and refused as CHANGED when the \
            server presents another one; any other alias of a trusted certificate is a trust \
            anchor for every server. cicsx refuses a trust, import or rename that would change \
            the role: a rename of an accepted certificate would make it trusted for every \
            server, and a CA given a host:port alias would be taken for an accepted server \
            certificate.",
        client: "For a new entry, choose an alias that is not host:port (cics-root). To accept \
            a server's certificate for its host and port, connect to it and accept the \
            certificate alert. To change how an existing entry is trusted, delete it and trust \
            or accept the certificate again.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 03xx: smart cards (cicsx-smartcard)
    Message {
        id: "CICSX0301E",
        title: "Smart card driver (PKCS#11 module) not found",
        explanation: "The smartcard_module preference (or `--module`) names a PKCS#11 library, \
            the smart card's driver, that does not exist: the driver is not installed, or the \
            path is mistyped.",
        client: "Install the card's driver (for many cards OpenSC: `apt-get install opensc`), \
            then set its full path: `cicsx prefs set smartcard_module \
            /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so`. `cicsx smartcard list` checks it.",
        region: "",
    },
    Message {
        id: "CICSX0302E",
        title: "Not a PKCS#11 module",
        explanation: "The file exists but cannot be loaded as a PKCS#11 library: another kind of \
            file, a library for another architecture, or a library without the PKCS#11 entry \
            point C_GetFunctionList. The message gives the loader's error.",
        client: "Point the preference at the PKCS#11 library itself (a .so, .dylib or .dll file \
            from the card's vendor or OpenSC), not at a configuration file or a tool. `file \
            PATH` shows a library's architecture.",
        region: "",
    },
    Message {
        id: "CICSX0303E",
        title: "PKCS#11 module did not initialise",
        explanation: "The driver loaded, but its C_Initialize call failed; the message gives the \
            PKCS#11 return value. Its own configuration may be missing or unreadable (for \
            SoftHSM, the file SOFTHSM2_CONF names), or a service it needs, such as the reader \
            service pcscd, is not running.",
        client: "Check the driver's configuration and that its service runs (`systemctl status \
            pcscd`), then try again. `pkcs11-tool --module PATH --list-slots` (OpenSC) shows \
            whether the driver works outside cicsx.",
        region: "",
    },
    Message {
        id: "CICSX0304E",
        title: "No smart card or token present",
        explanation: "No slot of the driver holds an initialised token: no card is inserted, \
            the reader is not connected, the reader service (pcscd) is not running, or the card \
            is blank.",
        client: "Insert the card or connect the token, check the reader, and run `cicsx \
            smartcard list` again.",
        region: "",
    },
    Message {
        id: "CICSX0305E",
        title: "No token matches the connection's PKCS#11 URI",
        explanation: "Tokens are present (the message lists their labels), but none is the \
            token named in the connection's PKCS#11 URI: another card is inserted, or the \
            card's label changed.",
        client: "Insert the right card. Or choose a certificate on a token that is present with \
            `cicsx smartcard certs`, and add the connection again with its URI (`--smartcard`).",
        region: "",
    },
    Message {
        id: "CICSX0306E",
        title: "Wrong PIN for the smart card",
        explanation: "The token refused the PIN. The message adds what the token reports \
            afterwards: few tries left, one try left, or now locked. Cards lock after a small \
            number of wrong PINs in a row, often three. cicsx never tries a PIN again by itself.",
        client: "Enter the PIN again, carefully, and only if you are sure of it; when one try is \
            left and you are unsure, ask the card's issuer first. In unattended runs the PIN \
            comes from CICSX_PIN: check that variable.",
        region: "",
    },
    Message {
        id: "CICSX0307E",
        title: "Smart card PIN is locked",
        explanation: "Too many wrong PINs were entered and the token has locked its user PIN. \
            cicsx reads the PIN state before it logs in, so no PIN was sent and no try was used \
            up.",
        client: "Ask the card's issuer (your security administrator) to unlock or reset the PIN \
            with the security officer PIN or PUK. Until then the card cannot sign on.",
        region: "",
    },
    Message {
        id: "CICSX0308E",
        title: "Private key on the token has no certificate",
        explanation: "The token holds a private key that matches (the message gives its label \
            and CKA_ID), but no certificate with the same CKA_ID. TLS needs the certificate to \
            send with the key's signature.",
        client: "Write the certificate onto the token with the key's ID, for example \
            `pkcs11-tool --module PATH --login --write-object cert.der --type cert --id ID`, or \
            choose another key from `cicsx smartcard certs`.",
        region: "",
    },
    Message {
        id: "CICSX0309E",
        title: "No certificate with a private key matches the URI",
        explanation: "The token named in the message holds no certificate that both has a \
            private key and matches the connection's PKCS#11 URI (its object label or id).",
        client: "`cicsx smartcard certs` lists the token's certificates, says which have no \
            private key, and gives a URI for each; add the connection again with one that has a \
            key (`cicsx connection add ... --smartcard URI`).",
        region: "",
    },
    Message {
        id: "CICSX0310E",
        title: "PKCS#11 URI matches more than one token or certificate",
        explanation: "The connection's PKCS#11 URI is not specific enough: several tokens, or \
            several certificates with keys, match it; the message says how many.",
        client: "Add an attribute to the URI: token or serial to choose the token, object or id \
            to choose the certificate. `cicsx smartcard certs` prints the URI of each \
            certificate.",
        region: "",
    },
    Message {
        id: "CICSX0311E",
        title: "Smart card removed or reset while in use",
        explanation: "The card was pulled, or the reader or driver reset it, while a connection \
            used it; the PKCS#11 call named in the message failed. The card's login ended with \
            it.",
        client: "Insert the card again and connect again; the PIN is asked for again.",
        region: "",
    },
    Message {
        id: "CICSX0312E",
        title: "Key on the smart card cannot be used for TLS",
        explanation: "cicsx signs TLS handshakes with RSA keys (PKCS#1 v1.5 or PSS) and ECDSA \
            keys on P-256 or P-384, through the token's CKM_RSA_PKCS, CKM_RSA_PKCS_PSS or \
            CKM_ECDSA mechanism. The key named in the message is of another type or curve, or \
            the token lacks the mechanism; the message says which.",
        client: "Choose another certificate on the card (`cicsx smartcard certs`), or a \
            certificate from a keystore (`--keystore-cert`, `--client-cert`).",
        region: "",
    },
    Message {
        id: "CICSX0313E",
        title: "Not a usable PKCS#11 URI",
        explanation: "A PKCS#11 URI (RFC 7512) looks like pkcs11:token=LABEL;object=NAME;id=%01. \
            The one given could not be parsed, or it holds a PIN (pin-value or pin-source), \
            which cicsx refuses: PINs are never stored.",
        client: "Copy the URI from `cicsx smartcard certs`; give the PIN when asked, or in \
            CICSX_PIN.",
        region: "",
    },
    Message {
        id: "CICSX0314E",
        title: "PKCS#11 call failed",
        explanation: "The token's driver reported an error for the call named in the message \
            (the PKCS#11 function and its CKR_ return value).",
        client: "Try again. If it keeps failing, remove and insert the card again, check the \
            driver's log, and try the same with the driver's own tool (OpenSC: `pkcs11-tool`).",
        region: "",
    },
    Message {
        id: "CICSX0315E",
        title: "Smart card returned a malformed signature",
        explanation: "The token returned something that is not an ECDSA signature of the size \
            its curve needs: a fault in the driver, or a key whose attributes do not describe \
            it correctly. The handshake was stopped.",
        client: "Try again; if it keeps failing, update the card's driver or use another \
            certificate.",
        region: "",
    },
    Message {
        id: "CICSX0316E",
        title: "Certificate on the smart card cannot be read",
        explanation: "A certificate object on the token (the message names token and label) \
            holds data that is not a valid X.509 certificate.",
        client: "Write the certificate onto the card again, or choose another one.",
        region: "",
    },
    Message {
        id: "CICSX0317E",
        title: "Smart card needs a PIN",
        explanation: "The token needs its PIN before it signs anything, and no PIN was given \
            (in a `cicsx get` across many connections: none could be asked, with no terminal \
            and no CICSX_PIN). An empty PIN is not sent in its place: it would use up a try.",
        client: "Enter the PIN when asked; in unattended runs set CICSX_PIN in the environment \
            of the command and keep that environment private.",
        region: "",
    },
    Message {
        id: "CICSX0318E",
        title: "A PIN the smart card refused is not sent to it again",
        explanation: "The token refused this same PIN earlier in this process: for another \
            connection of the same `cicsx get` across many connections, or an earlier try in \
            the desktop app. cicsx keeps a keyed hash (never the PIN) of the last PIN each token \
            refused and does not send it again, since each wrong PIN brings a card nearer to \
            locking (often after three in a row). No try was used up.",
        client: "Enter the right PIN. If the card's PIN was changed meanwhile, start cicsx (or \
            the desktop app) again to try the new one.",
        region: "",
    },
    Message {
        id: "CICSX0350W",
        title: "A wrong PIN was entered since the card was last used",
        explanation: "Before asking for the PIN, cicsx read the token's PIN state: the token \
            reports that a wrong PIN was entered since its last successful use. A few more \
            wrong PINs in a row will lock it.",
        client: "Enter the PIN only if you are sure of it.",
        region: "",
    },
    Message {
        id: "CICSX0351W",
        title: "One more wrong PIN will lock the smart card",
        explanation: "The token reports that only one PIN try is left. Another wrong PIN locks \
            it, and then only the card's issuer can unlock it.",
        client: "Enter the PIN only if you are sure of it; otherwise stop and ask the card's \
            issuer.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 04xx: connecting (cicsx-handshake)
    Message {
        id: "CICSX0401E",
        title: "Host name cannot be resolved",
        explanation: "The connection's host name is not known to the name service (DNS, \
            /etc/hosts): it is misspelt, it exists only in another network (a VPN that is not \
            connected), or the name server cannot be reached. The message gives the resolver's \
            error. Nothing was sent.",
        client: "Check the connection's host (`cicsx connection show NAME`), try `getent hosts \
            HOST` or `nslookup HOST`, and connect the VPN if the region is on an internal \
            network.",
        region: "",
    },
    Message {
        id: "CICSX0402E",
        title: "Connection refused: nothing listens on the port",
        explanation: "The host answered, but nothing accepts connections on the port: the CICS \
            region is down, its CMCI TCPIPSERVICE is closed or not installed, the port number \
            is wrong, or a firewall refuses the connection.",
        client: "Compare the connection's port (`cicsx connection show NAME`) with the port of \
            the region's CMCI TCPIPSERVICE. There is no fixed default: 1490 and 443 are both \
            common.",
        region: "Check that the region is up and that the CMCI TCPIPSERVICE is installed and \
            open: CEMT INQUIRE TCPIPSERVICE shows its PORTNUMBER and whether it is OPEN; CEMT \
            SET TCPIPSERVICE(name) OPEN opens it. If CMCI runs in the CMCI JVM server, check \
            also that the JVMSERVER resource is enabled (unconfirmed).",
    },
    Message {
        id: "CICSX0403E",
        title: "No answer in time",
        explanation: "The server did not answer in time; the message says in which phase. \
            While opening the connection (10 seconds by default): a firewall drops the packets \
            silently, or the host is down or unreachable. During the TLS handshake (15 seconds) \
            or while waiting for the response (60 seconds): the port belongs to a service that \
            waits for the client to speak first in another protocol, or the region is \
            overloaded or short of the tasks it needs.",
        client: "Check host and port, and ask your network administrator whether a firewall \
            lies between you and the region. A timeout during the handshake or the response is \
            worth reporting to the region's system programmer with the time of the attempt.",
        region: "For a timeout after the connection opened, look in the job log at the time of \
            the attempt for DFHSO messages (sockets and TLS) and for MAXTASKS or \
            short-on-storage conditions. TLS work runs on S8 TCBs, limited by the MAXSSLTCBS \
            system initialization parameter; check that the port's TCPIPSERVICE is the CMCI \
            one, with PROTOCOL(HTTP) (unconfirmed).",
    },
    Message {
        id: "CICSX0404E",
        title: "No reply to plain HTTP: the port probably expects TLS",
        explanation: "The connection is set to plain HTTP. The server accepted the connection \
            and then closed it without answering the HTTP request. A CICS TLS port does exactly \
            this: for security, a TCPIPSERVICE with SSL(YES) or SSL(CLIENTAUTH) gives a \
            stranger no reason (CICS Explorer reports it as \"Unexpected end of file from \
            server\"). The same happens when nothing usable is behind the port, for example \
            through some proxies. No password was sent: on a plain connection cicsx asks \
            without credentials first.",
        client: "Turn TLS on for the connection: answer yes when cicsx offers to retry with TLS, \
            or give `--switch-security` to `cicsx connect` or `cicsx get`; a retry that works \
            stores the setting. Or `cicsx connection edit NAME --secure`.",
        region: "Nothing needs to change if the port is meant to be secure: CEMT INQUIRE \
            TCPIPSERVICE(name) shows SSL(YES) or SSL(CLIENTAUTH); tell users to connect to it \
            with TLS. The job log may show DFHSO0123 for the attempt, with a return code from \
            gsk_secure_socket_init (IBM APAR PK21001 describes return code 406 for an HTTP \
            request that arrived on a TLS port).",
    },
    Message {
        id: "CICSX0405E",
        title: "Connection closed during the TLS handshake",
        explanation: "The connection is set to TLS. The server closed the connection during the \
            handshake without a TLS alert; the message says whether it sent anything first. \
            The port may not speak TLS at all, the region may have ended the handshake without \
            an alert (System SSL then reports the reason only in the job log), or a proxy in \
            between has nothing usable behind it.",
        client: "Check the port. If its TCPIPSERVICE has SSL(NO), the connection must be plain \
            HTTP: answer yes when cicsx offers to switch, or add the connection again with \
            `--no-secure` (and ask for a TLS port: a password over plain HTTP can be read by \
            anyone on the way). If it has SSL(YES) or SSL(CLIENTAUTH), send the message and the \
            time of the attempt to the region's system programmer.",
        region: "Look in the job log at the time of the attempt for DFHSO0123, whose return \
            code from gsk_secure_socket_init says why System SSL ended the handshake (402: no \
            common ciphers, see CICSX0407E), and for DFHWB0114 (the port is a plain HTTP \
            service, see CICSX0406E). Check the TCPIPSERVICE's SSL, CIPHERS and CERTIFICATE \
            attributes, and that the key ring (KEYRING system initialization parameter) holds \
            that certificate with its private key.",
    },
    Message {
        id: "CICSX0406E",
        title: "The port speaks plain HTTP, not TLS",
        explanation: "The connection is set to TLS. The server answered the TLS handshake with \
            bytes that are not TLS, which the message shows: usually an HTTP status line such as \
            HTTP/1.1 400 Bad Request. The port is a plain HTTP service, a TCPIPSERVICE with \
            SSL(NO). The region logs DFHWB0114, \"A non-HTTP request has been received by an \
            HTTP service\", because a TLS handshake is not HTTP. Java clients report this as \
            \"Unrecognized SSL message, plaintext connection?\".",
        client: "Ask for the region's TLS port, or for this one to be made secure: over plain \
            HTTP anyone on the network path can read the password. If plain HTTP is really \
            meant, answer yes when cicsx offers to retry without TLS, or give \
            `--switch-security`; cicsx then warns on every connect (CICSX0920W).",
        region: "Give the CMCI TCPIPSERVICE SSL(YES) (SSL(CLIENTAUTH) for client \
            certificates) with a CERTIFICATE label from the region's key ring, and reopen it; or \
            tell users which port is the TLS one. DFHWB0114 in the job log at the time of the \
            attempt confirms the diagnosis.\n\n\
            If the port is meant to be protected by AT-TLS (TCPIPSERVICE SSL(ATTLSAWARE) or \
            SSL(NO)), CICS itself expects plain HTTP and the TLS handshake should never reach \
            it: check that the AT-TLS policy covers the port and does not set \
            ApplicationControlled On.",
    },
    Message {
        id: "CICSX0407E",
        title: "No cipher suite in common (alert handshake_failure)",
        explanation: "The server ended the TLS handshake with the fatal alert \
            handshake_failure. cicsx offers only strong cipher suites: TLS 1.3 \
            (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256) and \
            TLS 1.2 with ECDHE key exchange and AES-GCM or ChaCha20-Poly1305. A CICS region \
            whose TCPIPSERVICE allows only weaker suites (MEDIUM encryption, RSA key exchange, \
            CBC modes) answers this way, and its job log shows DFHSO0123 return code 402 from \
            gsk_secure_socket_init, \"No common ciphers negotiated\", with the peer address and \
            the TCPIPSERVICE name. CICS Explorer reports the same as IZE0106E \"Received fatal \
            alert: handshake_failure\".\n\n\
            With TLS 1.2 the same alert can also mean that the region requires a client \
            certificate (SSL(CLIENTAUTH)) and none was sent.",
        client: "Nothing in cicsx can or should be weakened: it never offers weak cipher \
            suites. If the region requires a client certificate, give the connection one \
            (`cicsx connection edit NAME` with `--keystore-cert`, `--client-cert` or `--smartcard`). Otherwise \
            send the message to the region's system programmer.",
        region: "Make the CMCI TCPIPSERVICE offer a strong suite. DFHSO0123 return code 402 in \
            the job log at the time of the attempt confirms the diagnosis.\n\n\
            Up to CICS TS 5.6: keep the ENCRYPTION system initialization parameter at STRONG \
            (the default), and give the TCPIPSERVICE a CIPHERS attribute that includes TLS 1.2 \
            ECDHE AES-GCM suites: C02F and C030 (ECDHE-RSA, for an RSA certificate) or C02B and \
            C02C (ECDHE-ECDSA, for an EC certificate). These are 4-digit codes, so CIPHERS must \
            name a cipher suite specification file (XML); a list of 2-digit codes holds no \
            ECDHE suites (unconfirmed).\n\n\
            From CICS TS 6.1 the ENCRYPTION parameter is gone: CIPHERS names a cipher suite \
            specification file (the sample is defaultciphers.xml) and MINTLSLEVEL and \
            MAXTLSLEVEL set the protocol range. Include C02F and C030 (or C02B and C02C) for TLS \
            1.2, and 1301 and 1302 for TLS 1.3 (MAXTLSLEVEL=TLS13, which needs z/OS 2.4 or later \
            and ICSF). Close and reopen the TCPIPSERVICE after changing it.",
    },
    Message {
        id: "CICSX0408E",
        title: "No TLS version in common (alert protocol_version)",
        explanation: "The server ended the handshake with the fatal alert protocol_version: it \
            supports none of the TLS versions cicsx offered. cicsx offers TLS 1.3 and TLS 1.2, \
            or only the one the protocol preference names (TLSv1.2 or TLSv1.3); it never offers \
            TLS 1.1, TLS 1.0 or SSL 3.0. A region limited to TLS 1.2 answers this way when the \
            preference is TLSv1.3, and a region limited to TLS 1.1 or older always does.",
        client: "Set the protocol preference back to default: `cicsx prefs set protocol \
            default`. If it is default already, the region allows only protocols cicsx will not \
            use; send the message to its system programmer.",
        region: "Allow TLS 1.2 on the region. Up to CICS TS 5.6, the MINTLSLEVEL system \
            initialization parameter must not restrict the region to TLS 1.0 (TLS10ONLY); \
            TLS12 is the safe setting. From CICS TS 6.1, set MINTLSLEVEL=TLS12 and MAXTLSLEVEL \
            to TLS12 or TLS13. TLS 1.3 needs CICS TS 6.1, z/OS 2.4 or later, ICSF, and 4-digit \
            ciphers (1301, 1302) in a cipher suite specification file.",
    },
    Message {
        id: "CICSX0409E",
        title: "The server ended the TLS handshake with a fatal alert",
        explanation: "The server sent a fatal TLS alert other than handshake_failure and \
            protocol_version (CICSX0407E, CICSX0408E) and those about the client certificate \
            (CICSX0410E); the message names it, for example illegal_parameter, decode_error, \
            internal_error, insufficient_security or unrecognized_name. An alert says what the \
            server disliked, not why.",
        client: "Try again once. If it persists, send the alert and the time of the attempt to \
            the region's system programmer. If the protocol preference is TLSv1.2 or TLSv1.3, \
            try default.",
        region: "Look in the job log at the time of the attempt for DFHSO0123 and other DFHSO \
            messages: the return code from System SSL says why. internal_error often points at \
            the region's own certificate or private key, one System SSL cannot use \
            (unconfirmed); insufficient_security at a CIPHERS list or MINTLSLEVEL that excludes \
            what was offered.",
    },
    Message {
        id: "CICSX0410E",
        title: "The region requires a client certificate it accepts",
        explanation: "The region asked for a client certificate during the handshake (its \
            TCPIPSERVICE has SSL(CLIENTAUTH)) and ended the handshake with the alert named in \
            the message: certificate_required (TLS 1.3) when none was sent; bad_certificate, \
            unknown_ca, certificate_unknown, certificate_expired, certificate_revoked or \
            access_denied when it did not accept the one sent, because the issuing CA is not \
            trusted by the region, the certificate expired or was revoked, or it is not mapped \
            to a user ID. With TLS 1.2 a missing certificate can give handshake_failure instead \
            (CICSX0407E).",
        client: "Give the connection a certificate credential: `cicsx connection edit NAME` with \
            `--keystore-cert ALIAS`, `--client-cert FILE.p12` or `--smartcard URI`. If a \
            certificate was sent, check with `cicsx keystore show ALIAS` that it has not \
            expired, and ask the region's security administrator whether the region trusts its \
            issuing CA and maps it to your user ID.",
        region: "TCPIPSERVICE SSL(CLIENTAUTH) makes the region ask for a certificate. To accept \
            one, the certificate of the CA that issued it must be connected to the region's key \
            ring (KEYRING system initialization parameter) as a CERTAUTH certificate; to sign \
            on with it (AUTHENTICATE(CERTIFICATE)), the certificate must be associated with a \
            RACF user ID, with RACDCERT ADD ... ID(userid) or a RACDCERT MAP filter \
            (unconfirmed). Look in the job log for DFHSO messages at the time of the attempt. \
            If client certificates are not wanted on this port, SSL(YES) lets users sign on \
            with a user ID and password instead.",
    },
    Message {
        id: "CICSX0411E",
        title: "Server certificate issued by an unknown certificate authority",
        explanation: "The TLS handshake rejected the server's certificate: it was issued by no \
            certificate authority in your keystore, truststore, central truststore or (when \
            system_roots is on) the operating system's roots, and it was not accepted for this \
            host and port before. A connect to a stored connection reports this as CICSX0607E \
            and offers a certificate alert; this ID appears where nobody can be asked, for \
            example when an https:// central truststore or shared connections file is fetched: \
            such a server must be trusted already.",
        client: "Trust the CA that issued the certificate: `cicsx keystore trust CA.pem --alias \
            NAME`, or the truststore preference. For a region, you can also connect once with \
            `cicsx connect NAME` and accept its certificate after checking the SHA-256 \
            fingerprint with the region's administrator.",
        region: REGION_UNKNOWN_CA,
    },
    Message {
        id: "CICSX0412E",
        title: "Server certificate has expired (TLS handshake)",
        explanation: "The server's certificate, or a CA certificate of its chain, is past its \
            end date, so the handshake was stopped. Until the region's administrator renews it, \
            nobody can tell this server from an impostor holding an old key.",
        client: "Check this computer's date and time; do not turn trust verification off. Tell \
            the region's administrator.",
        region: REGION_EXPIRED,
    },
    Message {
        id: "CICSX0413E",
        title: "Server certificate is not valid yet (TLS handshake)",
        explanation: "The server's certificate, or a CA certificate of its chain, has a start \
            date in the future: it was issued for a later date, or this computer's clock is \
            wrong.",
        client: "Check this computer's date, time and time zone.",
        region: REGION_NOT_YET_VALID,
    },
    Message {
        id: "CICSX0414E",
        title: "Server certificate issued for another host name (TLS handshake)",
        explanation: "The server's certificate names other hosts than the one connected to; the \
            message lists them when known. Either the connection names the host differently \
            from the certificate (a short name, an alias, an IP address), or this is not the \
            server you meant.",
        client: "Connect with a host name the certificate names: remove the connection and add \
            it again with that `--host`. Ask the region's administrator if none of the names \
            fits.",
        region: REGION_WRONG_HOST,
    },
    Message {
        id: "CICSX0416E",
        title: "Server certificate rejected (TLS handshake)",
        explanation: "The server's certificate was rejected for another reason than its issuer, \
            dates or host names; the message names it: a bad signature, an unsupported \
            signature algorithm, a revoked certificate, a CA certificate used as a server \
            certificate, a certificate not meant for TLS servers, or a key too weak to trust \
            (see CICSX0216E). (A certificate that \
            changed since it was accepted is reported by a connect as CICSX0608E.)",
        client: "Nothing in cicsx makes this certificate valid; do not turn trust verification \
            off. Send the message to the region's administrator.",
        region: REGION_CHAIN_INVALID,
    },
    Message {
        id: "CICSX0417E",
        title: "TLS handshake failed",
        explanation: "The TLS exchange failed in a way the other messages do not cover; the \
            message gives the TLS library's (rustls) error: a peer that sent a malformed or \
            unexpected message, or chose parameters cicsx did not offer.",
        client: "Try again. If it keeps failing, send the message and the time of the attempt \
            to the region's system programmer. Setting the protocol preference to TLSv1.2 for \
            one attempt tells a TLS 1.3 problem from others (`cicsx prefs set protocol \
            TLSv1.2`, then back to default).",
        region: "Look in the job log at the time of the attempt for DFHSO0123 (with the System \
            SSL return code) and other DFHSO and DFHWB messages. A proxy or load balancer in \
            front of the region may be the one failing.",
    },
    Message {
        id: "CICSX0418E",
        title: "The connection's TLS settings cannot be used",
        explanation: "The TLS configuration could not be built from the connection's credential \
            and the preferences, so nothing was sent; the message says why, for example a \
            client certificate whose private key does not belong to it, or a key that cannot \
            sign for TLS.",
        client: "Check the connection's credential (`cicsx connection show NAME`, `cicsx \
            keystore show ALIAS`) and the protocol preference (`cicsx prefs show`); replace a \
            client certificate whose key does not match.",
        region: "",
    },
    Message {
        id: "CICSX0419E",
        title: "Connection failed",
        explanation: "An input/output error the other messages do not cover; the message names \
            the phase (opening the connection, the TLS handshake, waiting for the response) and \
            the operating system's error, for example connection reset by peer, network \
            unreachable or no route to host.",
        client: "Try again, and check the network (VPN, proxy). If it keeps failing, send the \
            message and the time of the attempt to the region's system programmer.",
        region: "Look in the job log at the time of the attempt for DFHSO (sockets, TLS) and \
            DFHWB (web support) messages: a region that drops the connection after the \
            handshake may have rejected the request or run short of resources.",
    },
    Message {
        id: "CICSX0420E",
        title: "HTTP exchange failed",
        explanation: "The connection worked, but the HTTP exchange failed in a way the other \
            messages do not cover: the server closed the connection before a complete response, \
            or sent something that is not valid HTTP/1.1. The message gives the HTTP library's \
            (hyper) error.",
        client: "Check that the port is the region's CMCI port and not another service, then \
            try again.",
        region: "Look in the job log for DFHWB messages at the time of the attempt, and check \
            that the port's TCPIPSERVICE has PROTOCOL(HTTP) and serves /CICSSystemManagement \
            (unconfirmed).",
    },
    Message {
        id: "CICSX0421E",
        title: "Response too large",
        explanation: "The server sent more than 64 MiB in one response, more than a CMCI \
            response should ever hold. cicsx stopped reading rather than let a broken or hostile \
            server exhaust memory.",
        client: "Ask for fewer records: `--count N`, a narrower `--criteria`, or a smaller \
            `--scope`.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 05xx: connections, preferences, workspace (cicsx-profile)
    Message {
        id: "CICSX0501E",
        title: "File is not valid TOML",
        explanation: "A cicsx file (connections.toml, preferences.toml, state.toml, or a shared \
            connections file) is not valid TOML: it was edited by hand and broken, or damaged. \
            The message gives the file, line and column and the TOML parser's complaint. cicsx \
            did not change the file.",
        client: "Correct the file at the line and column given, or move it away to start again \
            (its connections or preferences go with it; the keystore is a separate file).",
        region: "",
    },
    Message {
        id: "CICSX0502E",
        title: "Unexpected content in a cicsx file",
        explanation: "The file is valid TOML, but it holds a key cicsx does not know or a value \
            of the wrong type, or it lacks a required key; the message names the key and the \
            place. Often a key is misspelt. cicsx refuses the file rather than silently ignore \
            a setting, which could be a security setting.",
        client: "Correct the key at the place given. `cicsx prefs show` lists the preference \
            keys, and `cicsx connection add` writes connections in the right shape.",
        region: "",
    },
    Message {
        id: "CICSX0503E",
        title: "Password, pass phrase or PIN written into a cicsx file",
        explanation: "A file holds a key for a password, pass phrase or PIN; the message names \
            the key and the place, never the value. cicsx never keeps secrets in its files, so \
            that they cannot leak through a backup, a shared workspace or an exported \
            connection list, and it refuses a file that holds one.",
        client: "Remove that line, and change the password if the file was shared. cicsx asks \
            for secrets when it needs them, or takes them from CICSX_PASSWORD, \
            CICSX_CLIENT_CERT_PASSWORD, CICSX_KEYSTORE_PASSWORD or CICSX_PIN.",
        region: "",
    },
    Message {
        id: "CICSX0504E",
        title: "File written by a newer cicsx",
        explanation: "The file has a newer version than this cicsx reads (version 1): a newer \
            cicsx wrote it, in a layout this one does not know.",
        client: "Use the newer cicsx, or move the file away to start again.",
        region: "",
    },
    Message {
        id: "CICSX0505E",
        title: "Invalid connection field",
        explanation: "A connection has a field cicsx cannot use; the message names the \
            connection, the field and why. A connection needs a name, a host name or IP address \
            without a scheme or path (cics.example.com, not https://cics.example.com:1490/), a \
            port from 1 to 65535, and a complete credential.",
        client: "Correct the field: `cicsx connection edit NAME` with the right value, or \
            correct connections.toml at the place given.",
        region: "",
    },
    Message {
        id: "CICSX0506E",
        title: "Certificate credential on a connection without TLS",
        explanation: "The connection signs on with a client certificate (from a keystore, a \
            PKCS#12 file or a smart card) but is set to plain HTTP. A client certificate is \
            presented in the TLS handshake; without TLS there is no handshake, so it could \
            never be sent.",
        client: "Use TLS: add the connection with `--secure` and the region's TLS port. Or sign \
            on with `--user` and a password instead.",
        region: "Client certificates need a TCPIPSERVICE with SSL(CLIENTAUTH) (and \
            AUTHENTICATE(CERTIFICATE) to sign on with them (unconfirmed)); tell users its port.",
    },
    Message {
        id: "CICSX0507E",
        title: "A connection with this name already exists",
        explanation: "Connection names identify connections and are compared without regard to \
            case. A connection with this name exists already, or a file holds two connections \
            with the same name.",
        client: "Choose another name, or remove the existing connection first (`cicsx \
            connection remove NAME`).",
        region: "",
    },
    Message {
        id: "CICSX0508E",
        title: "No connection with this name",
        explanation: "The name matches none of the saved connections (names are compared \
            without regard to case).",
        client: "`cicsx connection list` shows the names.",
        region: "",
    },
    Message {
        id: "CICSX0509E",
        title: "Invalid preference",
        explanation: "A preference has a value cicsx cannot use; the message names it and why. \
            For example: an empty path for keystore, truststore or smartcard_module; a \
            keystore_type other than PKCS12, JKS or PEM; a central_truststore that is neither a \
            path nor an https:// URL; a protocol other than default, TLSv1.2 or TLSv1.3; a \
            switch that is not true or false (on or off, yes or no).",
        client: "Correct it with `cicsx prefs set KEY VALUE` (`none` unsets an optional one), or \
            in preferences.toml at the place given.",
        region: "",
    },
    Message {
        id: "CICSX0510E",
        title: "No workspace directory",
        explanation: "cicsx keeps connections, preferences and its keystore in a workspace \
            directory. None was given with `--workspace`, CICSX_WORKSPACE is not set, and the \
            system has no data directory for this user (for example, no home directory).",
        client: "Give `--workspace DIR`, or set CICSX_WORKSPACE.",
        region: "",
    },
    Message {
        id: "CICSX0511E",
        title: "Workspace file operation failed",
        explanation: "Reading, writing, locking or creating a file or directory of the \
            workspace failed; the message names the operation, the path and the operating \
            system's reason. Files are written atomically, so a failed write leaves the old \
            file as it was.",
        client: "Check that the path exists and that you may read and write it and its \
            directory; check for a full disk or a read-only file system.",
        region: "",
    },
    Message {
        id: "CICSX0512E",
        title: "Zowe team configuration cannot be used",
        explanation: "The file given to `cicsx connection import` as a Zowe team configuration \
            (zowe.config.json) is not one cicsx can read, or it has no profile of type cics; \
            the message says which.",
        client: "Give the zowe.config.json that holds your cics profiles (`zowe config list \
            --locations` shows where it is).",
        region: "",
    },
    Message {
        id: "CICSX0513E",
        title: "Shared connections cannot be read",
        explanation: "A loaded (linked, read-only) connections file or https:// URL is read \
            again at every start; this time it could not be read, so its connections are not \
            available. The message gives the location and why: a missing file, a network \
            problem, an untrusted server certificate, invalid content.",
        client: "Check the path or URL; an https:// server must already be trusted by the \
            workspace. If the shared file is gone for good, remove the link with `cicsx \
            connection unload LOCATION`.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 06xx: CMCI (cicsx-cmci)
    Message {
        id: "CICSX0601E",
        title: "CMCI response is not well-formed XML",
        explanation: "The region answered with a body that is not well-formed XML; the message \
            gives the byte offset and the parser's complaint. CMCI always answers in XML, so \
            the body was cut short, came from something other than CMCI (a proxy's error page, \
            another web application on the same port), or was damaged on the way.",
        client: "Check that host and port are those of the CMCI service, then retry. If it \
            persists, report it with the time of the request.",
        region: "Check that the port's TCPIPSERVICE serves CMCI (the CMCI JVM server, or the \
            CMCI of a WUI or SMSS region) and that no other application or proxy answers \
            /CICSSystemManagement (unconfirmed). Look in the job log for DFHWU and DFHWB \
            messages at the time of the request.",
    },
    Message {
        id: "CICSX0602E",
        title: "The reply is not a CMCI response",
        explanation: "The reply is XML, but its root element is not a CMCI `<response>` (the \
            message names the root element). An `<error>` root is a CMCI error message: CMCI \
            rejected the request itself, with a DFHWU message ID. Any other root means the port \
            belongs to another web service, or a URIMAP sends the path to another application.",
        client: "Check host and port, and the resource name of the request.",
        region: "For an `<error>` reply, its DFHWU message ID and the job log at the time of the \
            request say why CMCI rejected it. Otherwise check which application answers \
            /CICSSystemManagement on this port (URIMAP definitions).",
    },
    Message {
        id: "CICSX0603E",
        title: "CMCI response without a result summary",
        explanation: "Every CMCI `<response>` carries a `<resultsummary>` element with the API \
            response codes; this one does not, so the outcome of the request is unknown.",
        client: "Retry. If it persists, report it with the time of the request: the region's \
            CMCI level may be newer than cicsx knows.",
        region: "Check the CMCI level and maintenance of the region (the connect_version \
            attribute of its responses), and look in the job log for DFHWU messages at the time \
            of the request.",
    },
    Message {
        id: "CICSX0604E",
        title: "Invalid value in a CMCI response",
        explanation: "An attribute that CMCI always sends as a number or a known value (an API \
            response code, a record count) holds something else; the message names the \
            element, the attribute and the value. The response cannot be trusted.",
        client: "Retry. If it persists, report it with the time of the request: the region's \
            CMCI level may be newer than cicsx knows.",
        region: "Check the CMCI level and maintenance of the region (the connect_version \
            attribute of its responses), and look in the job log for DFHWU messages at the time \
            of the request.",
    },
    Message {
        id: "CICSX0605E",
        title: "CMCI response exceeds a limit",
        explanation: "The response has more bytes, records, attributes on one element or \
            nesting levels than any CMCI response should; the message names the limit and where \
            it was crossed. cicsx stops reading rather than let a broken or hostile server \
            exhaust memory.",
        client: "Ask for fewer records at a time: `--count N`, a narrower `--criteria`, or a \
            smaller `--scope`.",
        region: "",
    },
    Message {
        id: "CICSX0606E",
        title: "Invalid part of a CMCI query",
        explanation: "A part of the request (resource, context, scope, count, criteria, \
            parameter, flag, cache token or action) cannot be put in a CMCI URL as given; the \
            message names the part, the value and why. Resource, context and scope are CICS \
            names, which never hold slashes, question marks or spaces.",
        client: "Correct the value: a resource table such as CICSProgram or \
            CICSLocalTransaction, a CICSplex name or region APPLID as context and scope. \
            Criteria and parameter values may hold any printable characters, for example \
            `--criteria \"PROGRAM=DFH*\"`.",
        region: "",
    },
    Message {
        id: "CICSX0607E",
        title: "Server certificate not trusted: certificate alert",
        explanation: "The certificate of host:port was issued by no certificate authority in \
            your keystore or truststores, and it was not accepted for this host and port \
            before; it may be self-signed or from your organisation's own CA. No password was \
            sent. At a terminal cicsx shows a certificate alert (subject, issuer, validity, \
            host names, key and SHA-256 fingerprint) and asks whether to accept it.",
        client: "Check the SHA-256 fingerprint with the region's administrator over another \
            channel, then accept it: it is stored in the keystore as a trusted entry with the \
            alias host:port and not asked about again. In scripts, `--accept-certificate \
            SHA256` accepts exactly that certificate. Better, trust the issuing CA: `cicsx \
            keystore trust CA.pem --alias NAME`, or the truststore preference.",
        region: REGION_UNKNOWN_CA,
    },
    Message {
        id: "CICSX0608E",
        title: "Server certificate CHANGED since it was accepted",
        explanation: "host:port presents another certificate than the one you accepted for it; \
            the message shows both SHA-256 fingerprints. The region may have been given a new \
            certificate, or someone may be intercepting the connection (a man-in-the-middle \
            attack). cicsx refuses to connect and does not offer to accept it, as ssh does when \
            a host key changes.",
        client: "Ask the region's administrator whether the certificate was replaced, and \
            compare the fingerprint over another channel. Only if it was, remove the old entry \
            (`cicsx keystore delete host:port`) and connect again to accept the new \
            certificate. Trusting the CA that issues the region's certificates avoids this at \
            renewals.",
        region: REGION_CHANGED,
    },
    Message {
        id: "CICSX0609E",
        title: "Sign-on rejected (HTTP 401)",
        explanation: "The region answered HTTP 401: it rejected the user ID and password (or \
            PassTicket) or, when the message says so, the LTPA token it had issued (the token \
            expired, or the region restarted). The password may be wrong or expired, or the \
            user ID revoked. cicsx never retries by itself: automatic retries with a wrong \
            password have revoked RACF user IDs (IBM APARs IZ97228 and IJ28485).",
        client: "Check the user ID (`cicsx connection show NAME`) and the password (when \
            CICSX_PASSWORD is set, it is used instead of asking), then connect again yourself. \
            After a rejected LTPA token, simply connect again. If the user ID is revoked, ask \
            your security administrator to resume it.",
        region: "The security administrator can check the user ID in RACF: LISTUSER shows \
            whether it is revoked, ALTUSER ... RESUME resumes it (unconfirmed). The failed \
            sign-on is logged as a RACF ICH408I message in the system log (unconfirmed).",
    },
    Message {
        id: "CICSX0610E",
        title: "Request not authorised (HTTP 403)",
        explanation: "The sign-on worked, but the user ID may not make this CMCI request: CICS \
            or CICSPlex SM security refused it. The message adds the CMCI error body (a DFHWU \
            message ID and text) when there is one.",
        client: "Ask your security administrator for access, naming the resource table and the \
            context of the request.",
        region: "Give the user ID access to the resource: the RACF profiles CICSPlex SM \
            security checks, or CICS command and resource security for a stand-alone region \
            (unconfirmed). The DFHWU message in the reply, and RACF's ICH408I message in the \
            system log, name what was checked (unconfirmed).",
    },
    Message {
        id: "CICSX0611E",
        title: "Unexpected HTTP status from the region",
        explanation: "The region answered with an HTTP status other than 200, 401 and 403; the \
            message gives it, with the DFHWU message ID and text of the CMCI error body when \
            there is one. CMCI answers with another status only when it rejects the request \
            itself: 404 for a resource table it does not know or a path that is not a CMCI \
            path, other statuses for a malformed request or a failure in the region.",
        client: "Check the resource name (CICSRegion, CICSProgram, CICSLocalTransaction, \
            CICSLocalFile, CICSBundle, CICSTCPIPService, ...) and the context. \
            CICSSystemManagement in the path is case-sensitive; resource names are not.",
        region: "The DFHWU message ID in the reply (DFHWU4001 to DFHWU5002) and the job log at \
            the time of the request say why CMCI rejected it.",
    },
    Message {
        id: "CICSX0612E",
        title: "No private key in the client certificate file",
        explanation: "The connection signs on with a client certificate from the file or \
            keystore named in the message, which holds no private key entry (with the alias \
            given, when one was). A certificate alone cannot sign on: the private key proves it \
            is yours.",
        client: "Name the alias of a key entry (`--client-cert-alias`, `--keystore-cert`), or \
            use a file that holds certificate and key together (PKCS#12). `cicsx keystore list \
            --keystore FILE` shows which entries are keys.",
        region: "",
    },
    Message {
        id: "CICSX0613E",
        title: "Several private keys in the client certificate file",
        explanation: "The client certificate file holds several private keys (the message lists \
            their aliases), and the connection does not say which to use.",
        client: "Add the connection again with `--client-cert FILE --client-cert-alias ALIAS`.",
        region: "",
    },
    Message {
        id: "CICSX0614E",
        title: "A file named in the preferences cannot be used",
        explanation: "A file the preferences name (a truststore) or the cached copy of the \
            central truststore in the workspace cannot be read or written; the message gives \
            the path and the operating system's reason.",
        client: "Check the path (`cicsx prefs show`) and its permissions, and that the \
            workspace directory is writable.",
        region: "",
    },
    Message {
        id: "CICSX0615E",
        title: "Smart card connection, but no smart card driver configured",
        explanation: "The connection signs on with a smart card. cicsx reads the card through \
            its PKCS#11 driver (a shared library from the card's vendor or OpenSC), named in \
            the smartcard_module preference, which is not set.",
        client: "Set it: `cicsx prefs set smartcard_module \
            /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so` (or the vendor's library).",
        region: "",
    },
    Message {
        id: "CICSX0616E",
        title: "Certificate not trusted: connection skipped in a query across connections",
        explanation: "A query across several connections (`cicsx get -c PATTERN`, `--all`) shows \
            no certificate alerts: a certificate is accepted only after you have read it, one \
            connection at a time. The server of this connection presented a certificate that \
            no keystore or truststore trusts, so this connection was skipped; the others went \
            on.",
        client: "Run `cicsx connect NAME` for that connection once: it shows the certificate, \
            and accepting it stores it so that later queries trust it. Or add the CA that \
            issued the region's certificate to the keystore (`cicsx keystore trust`) or the \
            truststore.",
        region: "",
    },
    Message {
        id: "CICSX0617E",
        title: "No password for a connection in a query across connections",
        explanation: "A query across several connections asks for passwords before it starts, \
            once per user ID (or takes CICSX_PASSWORD for all). No password was given for this \
            connection's user ID, so it was skipped; the others went on.",
        client: "Set CICSX_PASSWORD in the environment of the command, or run it at a terminal \
            to be asked.",
        region: "",
    },
    Message {
        id: "CICSX0618E",
        title: "A password one region rejected is not sent to the others",
        explanation: "In a query across several connections, a password is sent to one region \
            at a time per user ID until a region accepts it. Another region rejected this \
            user ID's password (CICSX0609E, shown for that connection), so it was not sent for \
            this one: regions often share one security database (RACF), which revokes a user \
            ID after a few wrong passwords in a row (SETROPTS PASSWORD(REVOKE(n))). A mistyped \
            password costs one try, not one per connection.",
        client: "Check the password and run the query again. `cicsx connect NAME` for the \
            connection that rejected it shows that region's own answer; if the password is \
            right there, the user ID may be unknown or revoked on that region.",
        region: "Only the region that rejected the password received it, so its security \
            manager counts one failed sign-on (logged as a RACF ICH408I message, unconfirmed).",
    },
    Message {
        id: "CICSX0619E",
        title: "Empty password not sent",
        explanation: "The password to send was empty: CICSX_PASSWORD set to nothing (often a \
            script's `CICSX_PASSWORD=$SECRET` with SECRET unset), or an empty answer in the \
            desktop app. It was not sent: the region would count it as a failed sign-on, and \
            RACF revokes a user ID after a few.",
        client: "Set CICSX_PASSWORD to the password, or unset it to be asked at a terminal.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 07xx: the mock region (cicsx-mock-cics)
    Message {
        id: "CICSX0701E",
        title: "Mock region cannot listen on the address",
        explanation: "The mock CICS region (`cicsx-mock-cics`, `cargo xtask test-server`, \
            `cicsx demo`) could not open its listening socket: another program uses the port, \
            or the address is not one of this machine's.",
        client: "Choose another port with `--port`, or 0 for any free port.",
        region: "",
    },
    Message {
        id: "CICSX0702E",
        title: "Unknown mock region mode",
        explanation: "The mock region imitates four TCPIPSERVICE settings: strong (TLS 1.2 and \
            1.3, like SSL(YES)), client-auth (a client certificate is required, like \
            SSL(CLIENTAUTH)), medium (only MEDIUM-strength cipher suites, to reproduce \
            CICSX0407E) and plain (HTTP without TLS, like SSL(NO)).",
        client: "Use strong, client-auth, medium or plain; `cicsx-mock-cics --help` lists the \
            values.",
        region: "",
    },
    Message {
        id: "CICSX0703E",
        title: "Unknown mock certificate choice",
        explanation: "The mock region presents one of its test certificates: valid, rsa, \
            expired, wrong-host, self-signed or unknown-ca.",
        client: "Use one of those names; `cicsx-mock-cics --help` lists them.",
        region: "",
    },
    Message {
        id: "CICSX0704E",
        title: "Mock region's test PKI is unusable",
        explanation: "The test certificates and keys compiled into the mock region are damaged \
            or incomplete; the message names the file.",
        client: "Regenerate them with `cargo xtask fixtures` and rebuild.",
        region: "",
    },
    Message {
        id: "CICSX0705E",
        title: "Mock region's TLS configuration cannot be built",
        explanation: "The TLS library (rustls) refused the server certificate, its key or the \
            client CA of the mock region's test PKI.",
        client: "Regenerate the test PKI with `cargo xtask fixtures` and rebuild.",
        region: "",
    },
    Message {
        id: "CICSX0706E",
        title: "Invalid argument for the mock region",
        explanation: "The command line of `cicsx-mock-cics` could not be understood; the \
            message says what was wrong.",
        client: "`cicsx-mock-cics --help` lists the accepted arguments and values.",
        region: "",
    },
    Message {
        id: "CICSX0707E",
        title: "Mock region cannot write a file",
        explanation: "The mock region writes the CA certificate for clients to trust into the \
            temporary directory, and that failed; the message gives the path and the reason.",
        client: "Check that the temporary directory (TMPDIR) exists and is writable.",
        region: "",
    },
    // ----------------------------------------------------------------------------------------
    // 09xx: the command line (cicsx)
    Message {
        id: "CICSX0901E",
        title: "No connection with this name",
        explanation: "The name given to the command matches none of the connections of this \
            workspace, nor of the shared connections it loads (names are compared without \
            regard to case). Perhaps another workspace is in use (`--workspace`, \
            CICSX_WORKSPACE).",
        client: "`cicsx connection list` shows the names; `cicsx connection add` adds one.",
        region: "",
    },
    Message {
        id: "CICSX0902E",
        title: "Untrusted certificate, and no terminal to ask",
        explanation: "Nothing trusts the server's certificate (see CICSX0607E), and cicsx runs \
            without a terminal (a script, a pipeline, a CI job), so it cannot show a certificate \
            alert. It never accepts a certificate silently. The message shows the certificate's \
            SHA-256 fingerprint.",
        client: "After checking the fingerprint with the region's administrator, run the \
            command again with `--accept-certificate SHA256`, or run it once at a terminal, or \
            trust the issuing CA in advance (`cicsx keystore trust CA.pem --alias NAME`).",
        region: "",
    },
    Message {
        id: "CICSX0903E",
        title: "A password is needed, and there is no terminal to ask",
        explanation: "The connection signs on with a user ID, a password is needed, and there is \
            no terminal to ask for it. Passwords are never stored in the workspace.",
        client: "Set CICSX_PASSWORD in the environment of the command (keep that environment \
            private), or run it at a terminal.",
        region: "",
    },
    Message {
        id: "CICSX0904E",
        title: "Certificate does not have the fingerprint given",
        explanation: "`--accept-certificate` gave the SHA-256 fingerprint of the certificate to \
            accept, and the server presented a certificate with another fingerprint; the \
            message shows both. The certificate was renewed since the fingerprint was taken, or \
            the connection does not reach the server you expect. Nothing was accepted.",
        client: "Do not accept it until the region's administrator confirms which certificate \
            the server presents; then use that fingerprint.",
        region: "",
    },
    Message {
        id: "CICSX0905E",
        title: "A PKCS#12 pass phrase is needed, and there is no terminal to ask",
        explanation: "The connection's client certificate file (PKCS#12) is encrypted with a \
            pass phrase, and there is no terminal to ask for it.",
        client: "Set CICSX_CLIENT_CERT_PASSWORD in the environment of the command (keep that \
            environment private), or run it at a terminal.",
        region: "",
    },
    Message {
        id: "CICSX0906E",
        title: "Certificate alert answered no",
        explanation: "The server's certificate was shown in a certificate alert and was not \
            accepted, so the connection was not made and nothing was stored.",
        client: "If you were unsure, check the fingerprint with the region's administrator and \
            connect again.",
        region: "",
    },
    Message {
        id: "CICSX0907E",
        title: "--accept-certificate is not a SHA-256 fingerprint",
        explanation: "A SHA-256 fingerprint is 32 bytes written as 64 hexadecimal digits, with \
            or without colons. The value given has another length or other characters; a SHA-1 \
            fingerprint, for example, has 40 digits.",
        client: "Copy the fingerprint from the certificate alert, or compute it from the \
            certificate: `openssl x509 -in CERT -noout -fingerprint -sha256`.",
        region: "",
    },
    Message {
        id: "CICSX0908E",
        title: "No CMCI context",
        explanation: "Every CMCI request names a context: the CICSplex name, or the APPLID of a \
            stand-alone region. Neither the command (`--context`) nor the connection gives one.",
        client: "Give `--context NAME`, or store one with the connection: `cicsx connection \
            edit NAME --context CONTEXT`.",
        region: "",
    },
    Message {
        id: "CICSX0909E",
        title: "Terminal or file input/output failed",
        explanation: "cicsx could not read from or write to the terminal or a file it writes \
            for the command, or could not start its runtime; the message names what it was \
            doing and the operating system's error. An interrupted prompt (Ctrl-C, a closed \
            terminal) ends this way too.",
        client: "Check that the terminal or file is available and writable, then try again.",
        region: "",
    },
    Message {
        id: "CICSX0910E",
        title: "The region reported a CMCI failure for the request",
        explanation: "The region answered, but the result summary reports a failure: \
            api_response1 other than OK (1024) and NODATA (1027). The message gives its name and \
            code, api_response2, and the resource and context; the region's feedback follows \
            when it sent any. Common codes: NOTFOUND (1026), INVALIDPARM (1028, a bad criteria, \
            parameter or scope), FAILED (1029), ENVIRONERROR (1030), NOTPERMIT (1031, not \
            authorised), BUSY (1032), SERVERGONE (1033), NOTAVAILABLE (1034), INVALIDATA (1041).",
        client: "Check the resource name, context, scope and criteria of the request. \
            api_response2 and the feedback narrow the cause; IBM's CMCI documentation lists the \
            api_response2 values of each api_response1.",
        region: "For NOTPERMIT, give the user ID access to the resource. For ENVIRONERROR, \
            SERVERGONE or NOTAVAILABLE, check that the CMAS or region the context and scope \
            name is active and connected. The job log at the time of the request (EYU and \
            DFHWU messages) says more (unconfirmed).",
    },
    Message {
        id: "CICSX0911E",
        title: "The demo cannot start the mock region",
        explanation: "`cicsx demo` starts a mock CICS region on 127.0.0.1 inside the same \
            process, and it could not start; the message ends with the mock region's own \
            message (CICSX07xx).",
        client: "Look up that message with `cicsx explain`; it is usually a local port or \
            temporary directory problem.",
        region: "",
    },
    Message {
        id: "CICSX0920W",
        title: "Password over plain HTTP",
        explanation: "The connection is plain HTTP (no TLS) and signs on with a user ID and \
            password: when the region asks for the password, it travels unencrypted and anyone \
            on the network path can read it. cicsx sends it only when the region asks for it \
            (HTTP 401), never up front.",
        client: "Turn TLS on for the connection if the region offers it: add the connection \
            again with `--secure` and the TLS port.",
        region: "Give the CMCI TCPIPSERVICE SSL(YES) with a certificate from the region's key \
            ring, or define a second TCPIPSERVICE with SSL(YES) for CMCI and retire the plain \
            one.",
    },
    Message {
        id: "CICSX0921W",
        title: "Trust verification is off",
        explanation: "The trust_verification preference is off: cicsx does not check server \
            certificates at all, so anyone between you and the region could pose as the region \
            and read your password. The warning comes on every connect, and when the \
            preference is set.",
        client: "Turn it on again with `cicsx prefs set trust_verification true`, and trust the \
            region's certificate properly: its CA (`cicsx keystore trust`), or the certificate \
            itself, accepted once after checking its fingerprint.",
        region: "",
    },
    Message {
        id: "CICSX0930E",
        title: "A keystore pass phrase is needed, and there is no terminal to ask",
        explanation: "A keystore command needs a pass phrase (of a keystore that does not open \
            with changeit, or a new one) and there is no terminal to ask for it. Pass phrases \
            are never taken from the command line, where other users could see them.",
        client: "Give a pass phrase file (its first line is the pass phrase): `--storepass-file` \
            for the keystore, `--new-storepass-file` for a new pass phrase, \
            `--srcstorepass-file` for an imported file, `--outpass-file` for a PKCS#12 export. \
            Or set the environment variable the message names: CICSX_KEYSTORE_PASSWORD, \
            CICSX_KEYSTORE_NEW_PASSWORD, CICSX_SRC_STOREPASS or CICSX_EXPORT_STOREPASS.",
        region: "",
    },
    Message {
        id: "CICSX0931E",
        title: "The file holds no certificate",
        explanation: "`cicsx keystore trust` was given a file that is neither a PEM certificate \
            (a BEGIN CERTIFICATE block) nor a DER certificate.",
        client: "Give the certificate file the region's administrator sent you; `openssl x509 \
            -in FILE -out CERT.pem` converts other encodings that openssl reads.",
        region: "",
    },
    Message {
        id: "CICSX0932E",
        title: "Not a keystore type",
        explanation: "The value given to `--storetype` or `--srcstoretype` is not a keystore \
            type.",
        client: "Use p12, jks or pem.",
        region: "",
    },
    Message {
        id: "CICSX0933E",
        title: "A file given to the command cannot be read",
        explanation: "A file given to a keystore command (a certificate to trust, a pass phrase \
            file) cannot be read; the message gives the path and the operating system's reason.",
        client: "Check the path and its permissions.",
        region: "",
    },
    Message {
        id: "CICSX0934E",
        title: "No keystore entry with this alias",
        explanation: "The alias given to a keystore command matches no entry of the keystore it \
            opened.",
        client: "`cicsx keystore list` shows the aliases; `--keystore PATH` opens another \
            keystore.",
        region: "",
    },
    Message {
        id: "CICSX0935E",
        title: "Unknown or missing message ID",
        explanation: "`cicsx explain` was given an ID that is not in the message catalogue, or \
            none. Message IDs are CICSX, four digits and a severity letter (E error, W warning, \
            I information), for example CICSX0407E; the letter may be left out, and case does \
            not matter. The nearest IDs are suggested.",
        client: "`cicsx explain --list` lists every message with its title; docs/messages.md is \
            the whole catalogue.",
        region: "",
    },
    Message {
        id: "CICSX0936E",
        title: "A smart card PIN is needed, and there is no terminal to ask",
        explanation: "The connection signs on with a smart card, which signs only after its PIN \
            is given, and there is no terminal to ask for it. cicsx never stores a PIN.",
        client: "Set CICSX_PIN in the environment of the command (keep that environment \
            private), or run it at a terminal.",
        region: "",
    },
    Message {
        id: "CICSX0937E",
        title: "No smart card driver configured",
        explanation: "`cicsx smartcard` reads cards through the card's PKCS#11 driver, and none \
            is given: no `--module`, and no smartcard_module preference.",
        client: "Give `--module PATH`, or set it once: `cicsx prefs set smartcard_module \
            /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so` (or the vendor's library).",
        region: "",
    },
    Message {
        id: "CICSX0938E",
        title: "No connection matches the pattern",
        explanation: "`cicsx get -c PATTERN` chooses the connections whose names match the \
            pattern (`*` any run of characters, `?` one character, letters without regard to \
            case), among the workspace's own connections and the loaded ones. None matched, so \
            nothing was run.",
        client: "`cicsx connection list` shows the names. Quote the pattern so that the shell \
            does not expand it.",
        region: "",
    },
    Message {
        id: "CICSX0939E",
        title: "Some connections of a query across connections failed",
        explanation: "A query across several connections ran on every connection it could; the \
            message says how many failed, and a line before it names each one with its own \
            message ID. The results of the others were printed.",
        client: "`cicsx explain ID` explains each message; `cicsx connect NAME` tries one \
            connection alone, with its certificate alert and questions.",
        region: "",
    },
    Message {
        id: "CICSX0940E",
        title: "Empty new pass phrase",
        explanation: "A keystore's new pass phrase was empty (an empty pass phrase file, or the \
            variable set to nothing). An empty pass phrase protects nothing: anyone who can \
            read the file can read the keys in it. keytool refuses pass phrases shorter than 6 \
            characters.",
        client: "Give a pass phrase of at least 6 characters.",
        region: "",
    },
    Message {
        id: "CICSX0941E",
        title: "Export would overwrite the keystore it reads",
        explanation: "`cicsx keystore export --out` named the keystore the entry is exported \
            from. Writing there would replace every entry of the keystore, keys included, with \
            the one exported.",
        client: "Give --out another file name.",
        region: "",
    },
    Message {
        id: "CICSX0942E",
        title: "Export target exists",
        explanation: "An export writes a new file and does not replace one that exists: the \
            file may be a keystore holding keys that exist nowhere else. Nothing was written.",
        client: "Give another file name; with `cicsx keystore export`, --force replaces the \
            file (never the keystore exported from).",
        region: "",
    },
    Message {
        id: "CICSX0943E",
        title: "A bundle given to keystore trust",
        explanation: "`cicsx keystore trust FILE` trusts one certificate, and the file holds \
            several (a PEM bundle). Trusting the first and dropping the others silently would \
            leave you believing all of them are trusted. Nothing was changed.",
        client: "Name the bundle as the truststore (`cicsx prefs set truststore FILE`): every \
            certificate in it is trusted. Or split it and trust each certificate under its own \
            alias.",
        region: "",
    },
    Message {
        id: "CICSX0990E",
        title: "Function not available",
        explanation: "What was asked for cannot run here: a command this build does not provide \
            yet (the message names it), or the desktop app (cicsx-gui) could not open its \
            window, for example without a graphical session or OpenGL.",
        client: "For a command, use a cicsx that provides it. For the desktop app, run it in a \
            graphical session (DISPLAY or WAYLAND_DISPLAY set) with OpenGL available; the \
            message gives the window system's error.",
        region: "",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_id_accepts_the_documented_forms_only() {
        assert_eq!(parse_id("CICSX0407E"), Some((*b"0407", Some(b'E'))));
        assert_eq!(parse_id(" cicsx0407e\n"), Some((*b"0407", Some(b'E'))));
        assert_eq!(parse_id("CICSX0407"), Some((*b"0407", None)));
        assert_eq!(parse_id("0407"), Some((*b"0407", None)));
        assert_eq!(parse_id("0407w"), Some((*b"0407", Some(b'W'))));
        for bad in [
            "",
            "CICSX",
            "407",
            "CICSX407E",
            "CICSX04070",
            "CICSX0407X",
            "CICSX0407EE",
            "04a7",
            "CICSX 0407E",
            "ÇICSX0407E",
            "CICSX٠٤٠٧E",
            "CICSX0407É",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance(b"", b""), 0);
        assert_eq!(edit_distance(b"0407", b"0407"), 0);
        assert_eq!(edit_distance(b"0407", b"0408"), 1);
        assert_eq!(edit_distance(b"407", b"0407"), 1);
        assert_eq!(edit_distance(b"0047", b"0407"), 2);
        assert_eq!(edit_distance(b"", b"0407"), 4);
    }

    #[test]
    fn severities_follow_the_last_letter() {
        let severity = |id: &'static str| {
            Message {
                id,
                title: "",
                explanation: "",
                client: "",
                region: "",
            }
            .severity()
        };
        assert_eq!(severity("CICSX0101E"), Severity::Error);
        assert_eq!(severity("CICSX0150W"), Severity::Warning);
        assert_eq!(severity("CICSX0999I"), Severity::Information);
        assert_eq!(Severity::Warning.to_string(), "warning");
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let parts: Vec<&str> = paragraphs("one\n\n two \n\n\n\nthree").collect();
        assert_eq!(parts, ["one", "two", "three"]);
        assert_eq!(paragraphs("  ").count(), 0);
    }
}
