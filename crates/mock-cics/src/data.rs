//! The built-in data set: one CICSplex of three regions and their resources.
//!
//! Names and attribute values are made up but shaped like a real region's (upper-case names of
//! at most eight characters, CICS TS 5.6 = `0720` / 6.1 = `0730` release levels, CMCI attribute
//! names in lower case).

/// The CICSplex every region belongs to; use it as the CMCI context.
pub const CICSPLEX: &str = "CICSPLEX1";
/// The regions of [`CICSPLEX`], by APPLID. Each also works as a context on its own.
pub const REGIONS: [&str; 3] = ["IYK2ZAB1", "IYK2ZAB2", "IYK2ZAB3"];
/// A CICS system group of the plex (a valid scope): the first two regions.
pub const SYSTEM_GROUP: &str = "IYK2GRP1";

/// The resource tables the mock region answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource {
    Region,
    Program,
    LocalTransaction,
    LocalFile,
    TcpipService,
    Bundle,
}

impl Resource {
    const ALL: [Resource; 6] = [
        Resource::Region,
        Resource::Program,
        Resource::LocalTransaction,
        Resource::LocalFile,
        Resource::TcpipService,
        Resource::Bundle,
    ];

    /// The resource named in a CMCI URI; resource names are not case-sensitive.
    pub(crate) fn from_url_name(name: &str) -> Option<Resource> {
        Resource::ALL
            .into_iter()
            .find(|r| r.url_name().eq_ignore_ascii_case(name))
    }

    /// The name as IBM spells it in URIs.
    pub(crate) fn url_name(self) -> &'static str {
        match self {
            Resource::Region => "CICSRegion",
            Resource::Program => "CICSProgram",
            Resource::LocalTransaction => "CICSLocalTransaction",
            Resource::LocalFile => "CICSLocalFile",
            Resource::TcpipService => "CICSTCPIPService",
            Resource::Bundle => "CICSBundle",
        }
    }

    /// The XML element of one record: the resource name in lower case.
    pub(crate) fn element(self) -> &'static str {
        match self {
            Resource::Region => "cicsregion",
            Resource::Program => "cicsprogram",
            Resource::LocalTransaction => "cicslocaltransaction",
            Resource::LocalFile => "cicslocalfile",
            Resource::TcpipService => "cicstcpipservice",
            Resource::Bundle => "cicsbundle",
        }
    }

    /// The key attribute and its field length (the key is padded with blanks to it).
    fn key(self) -> (&'static str, usize) {
        match self {
            Resource::Region => ("applid", 8),
            Resource::Program => ("program", 8),
            Resource::LocalTransaction => ("tranid", 4),
            Resource::LocalFile => ("file", 8),
            Resource::TcpipService => ("name", 8),
            Resource::Bundle => ("name", 8),
        }
    }
}

/// One resource record: attribute names (lower case) and values, in the order they are sent.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) resource: Resource,
    /// The region (APPLID) the record comes from.
    pub(crate) region: &'static str,
    pub(crate) attrs: Vec<(&'static str, String)>,
}

impl Record {
    fn new(resource: Resource, region: &'static str, attrs: Vec<(&'static str, String)>) -> Record {
        let mut record = Record {
            resource,
            region,
            attrs,
        };
        let (key_name, key_len) = resource.key();
        let key = record.get(key_name).unwrap_or_default().to_owned();
        record.attrs.push(("_keydata", keydata(&key, key_len)));
        record.attrs.push(("eyu_cicsname", region.to_owned()));
        record
            .attrs
            .push(("eyu_cicsrel", region_release(region).to_owned()));
        // CMCI sends attributes in name order ("_keydata" first: '_' sorts before letters).
        record.attrs.sort_by(|a, b| a.0.cmp(b.0));
        record
    }

    /// The value of an attribute; names are not case-sensitive.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `_keydata`: the record key padded with blanks to its field length, in EBCDIC (code page 037),
/// as upper-case hex. This is what a real region sends.
pub(crate) fn keydata(key: &str, len: usize) -> String {
    let mut out = String::with_capacity(len * 2);
    let mut chars = key.chars();
    for _ in 0..len.max(key.chars().count()) {
        let byte = chars.next().map_or(0x40, ebcdic);
        out.push_str(&format!("{byte:02X}"));
    }
    out
}

/// ASCII to EBCDIC code page 037 for the characters CICS names use; others become `?`.
fn ebcdic(c: char) -> u8 {
    // The letter blocks of EBCDIC are not contiguous: A-I, J-R, S-Z.
    fn block(c: u8, a: u8, base_ai: u8, base_jr: u8, base_sz: u8) -> u8 {
        let i = c - a;
        match i {
            0..=8 => base_ai + i,
            9..=17 => base_jr + (i - 9),
            _ => base_sz + (i - 18),
        }
    }
    match c {
        'A'..='Z' => block(c as u8, b'A', 0xC1, 0xD1, 0xE2),
        'a'..='z' => block(c as u8, b'a', 0x81, 0x91, 0xA2),
        '0'..='9' => 0xF0 + (c as u8 - b'0'),
        ' ' => 0x40,
        '.' => 0x4B,
        '$' => 0x5B,
        '-' => 0x60,
        '/' => 0x61,
        '_' => 0x6D,
        '#' => 0x7B,
        '@' => 0x7C,
        _ => 0x6F,
    }
}

/// CICS TS release of a region (CMCI `cicsts` / `eyu_cicsrel`).
fn region_release(region: &str) -> &'static str {
    if region == REGIONS[2] { "0720" } else { "0730" }
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

/// The CICS TS product level (CMCI `cicstslevel`, VVRRMM) of a CICS release: 0730 is CICS TS
/// 5.6, 0720 is 5.5. (The VVRRMM form is unconfirmed against IBM's resource table reference.)
fn ts_level(release: &str) -> &'static str {
    if release == "0720" {
        "050500"
    } else {
        "050600"
    }
}

/// Every record of every region.
pub(crate) fn records() -> Vec<Record> {
    let mut out = Vec::new();
    for (i, &region) in REGIONS.iter().enumerate() {
        let n = i + 1;
        let release = region_release(region);
        out.push(Record::new(
            Resource::Region,
            region,
            vec![
                ("applid", s(region)),
                ("cicsname", s(region)),
                ("cicsstatus", s("ACTIVE")),
                ("cicsts", s(release)),
                ("cicstslevel", s(ts_level(release))),
                ("jobname", format!("CICS{}", &region[4..])),
                ("mvssysid", s("MV2C")),
                ("release", s(release)),
                ("startdate", format!("2026-11-0{n}T06:00:0{n}.000000+00:00")),
                ("sysid", format!("ZAB{n}")),
                ("tasks", s(12 * n)),
                ("maxtasks", s(250)),
            ],
        ));

        // (program, language, status, use count, concurrency, runtime)
        let programs: [(&str, &str, &str, usize, &str, &str); 9] = [
            (
                "DFHMIRS",
                "ASSEMBLER",
                "ENABLED",
                5021,
                "THREADSAFE",
                "NOTAPPLIC",
            ),
            (
                "DFHWBA",
                "ASSEMBLER",
                "ENABLED",
                812,
                "THREADSAFE",
                "NOTAPPLIC",
            ),
            (
                "DFHEDAP",
                "ASSEMBLER",
                "ENABLED",
                14,
                "QUASIRENT",
                "NOTAPPLIC",
            ),
            (
                "DFHEMTP",
                "ASSEMBLER",
                "ENABLED",
                97,
                "QUASIRENT",
                "NOTAPPLIC",
            ),
            (
                "DFHPIDSH",
                "ASSEMBLER",
                "DISABLED",
                0,
                "QUASIRENT",
                "NOTAPPLIC",
            ),
            ("CUSTINQ", "COBOL", "ENABLED", 1843, "THREADSAFE", "LE370"),
            ("PAYROLL", "COBOL", "DISABLED", 0, "QUASIRENT", "LE370"),
            ("ACCTUPD", "PLI", "ENABLED", 377, "QUASIRENT", "LE370"),
            ("JSONSRV", "JAVA", "ENABLED", 58, "REQUIRED", "JVM"),
        ];
        for (program, language, status, uses, concurrency, runtime) in programs {
            let java = language == "JAVA";
            out.push(Record::new(
                Resource::Program,
                region,
                vec![
                    ("program", s(program)),
                    ("language", s(language)),
                    ("status", s(status)),
                    ("usecount", s(uses * n)),
                    ("newcopycnt", s(usize::from(program == "CUSTINQ") * n)),
                    ("progtype", s("PROGRAM")),
                    ("concurrency", s(concurrency)),
                    ("runtime", s(runtime)),
                    (
                        "apist",
                        s(if concurrency == "THREADSAFE" {
                            "OPENAPI"
                        } else {
                            "CICSAPI"
                        }),
                    ),
                    ("cedfstatus", s("CEDF")),
                    ("datalocation", s("ANY")),
                    ("executionset", s("FULLAPI")),
                    ("jvmserver", s(if java { "DFHWLP" } else { "" })),
                    (
                        "length",
                        s(if java { 0 } else { 4096 + program.len() * 512 }),
                    ),
                    (
                        "library",
                        s(if program.starts_with("DFH") {
                            "DFHRPL"
                        } else {
                            "APPLIB1"
                        }),
                    ),
                    (
                        "librarydsn",
                        s(if program.starts_with("DFH") {
                            "CICSTS61.CICS.SDFHLOAD"
                        } else {
                            "IYK2.APPL.LOADLIB"
                        }),
                    ),
                    ("rescount", s(0)),
                    ("sharestatus", s("PRIVATE")),
                ],
            ));
        }

        // (tranid, program, status, priority, use count)
        let transactions: [(&str, &str, &str, u8, usize); 8] = [
            ("CEDA", "DFHEDAP", "ENABLED", 255, 14),
            ("CEMT", "DFHEMTP", "ENABLED", 255, 97),
            ("CSMI", "DFHMIRS", "ENABLED", 1, 5021),
            ("CWBA", "DFHWBA", "ENABLED", 1, 812),
            ("CUST", "CUSTINQ", "ENABLED", 10, 1843),
            ("PAY1", "PAYROLL", "DISABLED", 10, 0),
            ("ACCT", "ACCTUPD", "ENABLED", 10, 377),
            ("JSON", "JSONSRV", "ENABLED", 10, 58),
        ];
        for (tranid, program, status, priority, uses) in transactions {
            out.push(Record::new(
                Resource::LocalTransaction,
                region,
                vec![
                    ("tranid", s(tranid)),
                    ("program", s(program)),
                    ("status", s(status)),
                    ("priority", s(priority)),
                    ("usecount", s(uses * n)),
                    ("tranclass", s("DFHTCL00")),
                    ("purgeability", s("PURGEABLE")),
                    ("availstatus", s("AVAILABLE")),
                    ("profile", s("DFHCICST")),
                ],
            ));
        }

        // (file, data set, enable status, open status, type, key length, record size)
        let zab = &region[4..];
        let files: [(&str, String, &str, &str, &str, u32, u32); 4] = [
            (
                "CUSTFILE",
                format!("IYK2.{zab}.CUST.KSDS"),
                "ENABLED",
                "OPEN",
                "KSDS",
                8,
                200,
            ),
            (
                "ACCTFILE",
                format!("IYK2.{zab}.ACCT.KSDS"),
                "ENABLED",
                "CLOSED",
                "KSDS",
                12,
                350,
            ),
            (
                "PAYFILE",
                format!("IYK2.{zab}.PAY.ESDS"),
                "DISABLED",
                "CLOSED",
                "ESDS",
                0,
                120,
            ),
            (
                "DFHCSD",
                s("IYK2.CICS.DFHCSD"),
                "ENABLED",
                "OPEN",
                "KSDS",
                22,
                2000,
            ),
        ];
        for (file, dsname, enable, open, kind, keylength, recordsize) in files {
            out.push(Record::new(
                Resource::LocalFile,
                region,
                vec![
                    ("file", s(file)),
                    ("dsname", dsname),
                    ("enablestatus", s(enable)),
                    ("openstatus", s(open)),
                    ("accessmethod", s("VSAM")),
                    ("type", s(kind)),
                    ("keylength", s(keylength)),
                    ("recordsize", s(recordsize)),
                    ("add", s("ADDABLE")),
                    ("browse", s("BROWSABLE")),
                    ("read", s("READABLE")),
                    (
                        "update",
                        s(if kind == "ESDS" {
                            "NOTUPDATABLE"
                        } else {
                            "UPDATABLE"
                        }),
                    ),
                    (
                        "delete",
                        s(if kind == "ESDS" {
                            "NOTDELETABLE"
                        } else {
                            "DELETABLE"
                        }),
                    ),
                    ("lsrpoolid", s(1)),
                    ("strings", s(5)),
                ],
            ));
        }

        // (name, port, ssltype, status, urm, protocol, authenticate)
        let services: [(&str, usize, &str, &str, &str, &str, &str); 5] = [
            (
                "CMCIPORT",
                1489 + n,
                "SSL",
                "OPEN",
                "EYU9VWAN",
                "HTTP",
                "BASIC",
            ),
            (
                "HTTPNSSL",
                8079 + n,
                "NOSSL",
                "OPEN",
                "DFHWBAAX",
                "HTTP",
                "NO",
            ),
            (
                "HTTPSSL",
                8442 + n,
                "SSL",
                "OPEN",
                "DFHWBAAX",
                "HTTP",
                "BASIC",
            ),
            (
                "HTTPCLI",
                9442 + n,
                "CLIENTAUTH",
                if n == 3 { "CLOSED" } else { "OPEN" },
                "DFHWBAAX",
                "HTTP",
                "CERTIFICATE",
            ),
            (
                "IPICSRV",
                1599 + n,
                "NOSSL",
                "OPEN",
                "DFHISAIP",
                "IPIC",
                "NO",
            ),
        ];
        for (name, port, ssltype, status, urm, protocol, authenticate) in services {
            let tls = ssltype != "NOSSL";
            out.push(Record::new(
                Resource::TcpipService,
                region,
                vec![
                    ("name", s(name)),
                    ("port", s(port)),
                    ("ssltype", s(ssltype)),
                    ("status", s(status)),
                    ("urm", s(urm)),
                    ("protocol", s(protocol)),
                    ("authenticate", s(authenticate)),
                    ("host", s("ANY")),
                    ("ipaddress", s("0.0.0.0")),
                    ("backlog", s(1024)),
                    ("maxdatalen", s(32)),
                    ("certificate", s(if tls { "CICS-SERVER-CERT" } else { "" })),
                    ("privacy", s(if tls { "REQUIRED" } else { "NOTSUPPORTED" })),
                    ("connections", s(if status == "OPEN" { 3 * n } else { 0 })),
                ],
            ));
        }

        // (name, directory, enable status, parts, major, minor)
        let bundles: [(&str, &str, &str, u32, u32, u32); 2] = [
            ("PAYAPP", "/u/cics/bundles/payapp_1.0.0", "ENABLED", 4, 1, 0),
            (
                "JSONAPI",
                "/u/cics/bundles/jsonapi_2.1.0",
                if n == 2 { "DISABLED" } else { "ENABLED" },
                2,
                2,
                1,
            ),
        ];
        for (name, dir, enable, parts, major, minor) in bundles {
            out.push(Record::new(
                Resource::Bundle,
                region,
                vec![
                    ("name", s(name)),
                    ("bundledir", s(dir)),
                    ("bundleid", s(name.to_ascii_lowercase())),
                    ("enablestatus", s(enable)),
                    ("partcount", s(parts)),
                    ("targetcount", s(parts)),
                    (
                        "enabledcount",
                        s(if enable == "ENABLED" { parts } else { 0 }),
                    ),
                    ("majorversion", s(major)),
                    ("minorversion", s(minor)),
                    ("microversion", s(0)),
                ],
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keydata_is_ebcdic_hex_padded() {
        assert_eq!(keydata("DFHMIRS", 8), "C4C6C8D4C9D9E240");
        assert_eq!(keydata("CEMT", 4), "C3C5D4E3");
        assert_eq!(keydata("IYK2ZAB1", 8), "C9E8D2F2E9C1C2F1");
        assert_eq!(keydata("JSZ", 3), "D1E2E9");
    }

    #[test]
    fn resource_names_are_not_case_sensitive() {
        assert_eq!(
            Resource::from_url_name("cicsprogram"),
            Some(Resource::Program)
        );
        assert_eq!(
            Resource::from_url_name("CICSTCPIPSERVICE"),
            Some(Resource::TcpipService)
        );
        assert_eq!(Resource::from_url_name("CICSFoo"), None);
    }

    #[test]
    fn every_record_has_key_and_region_sorted() {
        let all = records();
        assert!(all.len() > 80);
        for r in &all {
            assert_eq!(r.attrs[0].0, "_keydata", "{r:?}");
            assert_eq!(r.get("EYU_CICSNAME"), Some(r.region));
            let names: Vec<_> = r.attrs.iter().map(|a| a.0).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(names, sorted, "attributes sorted and unique");
        }
        for res in Resource::ALL {
            assert_eq!(all.iter().filter(|r| r.resource == res).count() % 3, 0);
            assert!(all.iter().any(|r| r.resource == res));
        }
    }
}
