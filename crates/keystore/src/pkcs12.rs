//! PKCS#12 reading and writing, on top of p12-keystore.
//!
//! Reading goes through p12-keystore's [`Pkcs12Archive`], which returns every bag, so that a
//! trust store written by `openssl pkcs12 -export -nokeys` (certificate bags with neither a
//! local key ID nor Java's trusted attribute) is not lost as it would be by its strict import.
//! Keys are linked to their certificates here, by local key ID or, failing that, by public key.

use aws_lc_rs::digest;
use p12_keystore::error::Error as P12Error;
use p12_keystore::{
    Certificate, KeyStore, KeyStoreEntry, Pkcs12Archive, PrivateKey, PrivateKeyChain,
};
use rustls_pki_types::CertificateDer;
use zeroize::Zeroizing;

use crate::{Entry, Error, PrivateKeyEntry, TrustedEntry, asn1, keys, nullpass, same_alias};

/// Longest chain followed from a key's certificate.
const MAX_CHAIN: usize = 16;

/// A certificate bag, parsed enough to build chains.
struct Bag {
    name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    trusted: bool,
    der: Vec<u8>,
    subject: Vec<u8>,
    issuer: Vec<u8>,
}

impl Bag {
    fn self_issued(&self) -> bool {
        self.subject == self.issuer
    }
}

/// Decodes a PKCS#12 file into entries, in file order (keys first, then certificates).
pub(crate) fn read(der: &[u8], passphrase: &str) -> Result<Vec<Entry>, Error> {
    precheck(der)?;
    let archive = match Pkcs12Archive::from_pkcs12(der, passphrase) {
        Ok(a) => a,
        Err(P12Error::MacError(_)) if passphrase.is_empty() => read_null_password(der)?,
        Err(e) => return Err(map_read_error(e, der)),
    };

    let mut bags = Vec::with_capacity(archive.certs.len());
    for bag in archive.certs {
        let der = bag.cert.as_der().to_vec();
        let (subject, issuer) = match x509_parser::parse_x509_certificate(&der) {
            Ok((_, c)) => (
                c.tbs_certificate.subject.as_raw().to_vec(),
                c.tbs_certificate.issuer.as_raw().to_vec(),
            ),
            Err(e) => {
                return Err(Error::Unreadable {
                    path: None,
                    detail: format!("a certificate in it cannot be parsed ({e})"),
                });
            }
        };
        bags.push(Bag {
            name: bag.friendly_name.filter(|n| !n.is_empty()),
            local_key_id: bag.local_key_id,
            trusted: bag.trusted,
            der,
            subject,
            issuer,
        });
    }

    let mut used = vec![false; bags.len()];
    let mut named: Vec<(Option<String>, Entry)> = Vec::new();

    for key in archive.keys {
        let pkcs8 = Zeroizing::new(key.key.as_der().to_vec());
        let leaf = find_leaf(&bags, key.local_key_id.as_ref().map(|k| k.as_ref()), &pkcs8);
        let mut chain_idx: Vec<usize> = Vec::new();
        if let Some(leaf) = leaf {
            chain_idx.push(leaf);
            let mut cur = leaf;
            while chain_idx.len() < MAX_CHAIN && !bags[cur].self_issued() {
                let next = bags.iter().enumerate().position(|(i, b)| {
                    !b.trusted
                        && b.subject == bags[cur].issuer
                        && !chain_idx.iter().any(|&c| bags[c].der == bags[i].der)
                });
                match next {
                    Some(n) => {
                        chain_idx.push(n);
                        cur = n;
                    }
                    None => break,
                }
            }
        }
        for &i in &chain_idx {
            used[i] = true;
        }
        let name = key
            .friendly_name
            .filter(|n| !n.is_empty())
            .or_else(|| leaf.and_then(|l| bags[l].name.clone()));
        let chain = chain_idx
            .iter()
            .map(|&i| CertificateDer::from(bags[i].der.clone()))
            .collect();
        named.push((
            name,
            Entry::PrivateKey(PrivateKeyEntry::new(String::new(), pkcs8, chain)),
        ));
    }

    // Certificates: every bag with Java's trusted attribute is an entry of its own (as keytool
    // shows it). In a file without keys, any other bag is an entry too (an OpenSSL trust store,
    // `openssl pkcs12 -export -nokeys`), unless it merely repeats a certificate already listed.
    // In a file with a key (a client certificate), a bag outside every key's chain is left
    // out, as keytool leaves it: extra CA certificates bundled with a client certificate
    // (`-certfile`, `-chain`) are no declaration of trust, and importing one's own certificate
    // must never widen which servers are trusted.
    let has_keys = named.iter().any(|(_, e)| matches!(e, Entry::PrivateKey(_)));
    let mut listed: Vec<Vec<u8>> = bags
        .iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(b, _)| b.der.clone())
        .collect();
    for (bag, was_used) in bags.into_iter().zip(used) {
        if !bag.trusted && (was_used || has_keys) {
            continue;
        }
        if !bag.trusted && listed.contains(&bag.der) {
            continue;
        }
        listed.push(bag.der.clone());
        named.push((
            bag.name,
            Entry::Trusted(TrustedEntry {
                alias: String::new(),
                certificate: CertificateDer::from(bag.der),
            }),
        ));
    }

    Ok(assign_aliases(named))
}

/// The empty pass phrase failed: try it as an absent (NULL) password, see [`nullpass`].
fn read_null_password(der: &[u8]) -> Result<Pkcs12Archive, Error> {
    let Some(stripped) = nullpass::strip_mac_if_null_password(der) else {
        return Err(Error::WrongPassphrase {
            path: None,
            unchecked: false,
        });
    };
    Pkcs12Archive::from_pkcs12(&stripped, "").map_err(|e| match map_read_error(e, &stripped) {
        Error::WrongPassphrase { .. } => Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "contents encrypted under an absent (NULL) pass phrase".into(),
        },
        other => other,
    })
}

/// The certificate bag holding the key's certificate: by local key ID, else by public key.
fn find_leaf(bags: &[Bag], local_key_id: Option<&[u8]>, pkcs8: &[u8]) -> Option<usize> {
    if let Some(id) = local_key_id {
        let by_id = |trusted_ok: bool| {
            bags.iter()
                .position(|b| (trusted_ok || !b.trusted) && b.local_key_id.as_deref() == Some(id))
        };
        if let Some(i) = by_id(false).or_else(|| by_id(true)) {
            return Some(i);
        }
    }
    let public = keys::public_key_of(pkcs8)?;
    bags.iter().position(|b| {
        !b.trusted && keys::certificate_public_key(&b.der).is_some_and(|p| p == public)
    })
}

/// Gives every entry its alias.
///
/// A friendly name is used as it is. Names that repeat (ignoring case) get `#2`, `#3`, ...
/// appended. Entries without a name are numbered `1`, `2`, ... in order, skipping numbers
/// already taken, which is what keytool shows for the same file.
pub(crate) fn assign_aliases(named: Vec<(Option<String>, Entry)>) -> Vec<Entry> {
    let mut taken: Vec<String> = Vec::new();
    let mut aliases: Vec<Option<String>> = Vec::with_capacity(named.len());
    for (name, _) in &named {
        aliases.push(name.as_ref().map(|base| {
            let mut alias = base.clone();
            let mut n = 2u32;
            while taken.iter().any(|t| same_alias(t, &alias)) {
                alias = format!("{base}#{n}");
                n += 1;
            }
            taken.push(alias.clone());
            alias
        }));
    }
    let mut counter = 1u64;
    named
        .into_iter()
        .zip(aliases)
        .map(|((_, mut entry), alias)| {
            let alias = alias.unwrap_or_else(|| {
                while taken.iter().any(|t| same_alias(t, &counter.to_string())) {
                    counter += 1;
                }
                let a = counter.to_string();
                counter += 1;
                a
            });
            *entry.alias_mut() = alias;
            entry
        })
        .collect()
}

/// Recognises files that are plainly not PKCS#12, to say what they are instead.
fn precheck(der: &[u8]) -> Result<(), Error> {
    let detail = if der.is_empty() {
        "the file is empty"
    } else if der.starts_with(&[0xfe, 0xed, 0xfe, 0xed]) {
        "it is a Java JKS keystore, not PKCS#12: open it as JKS (store type jks)"
    } else if der.starts_with(&[0xce, 0xce, 0xce, 0xce]) {
        "it is a Java JCEKS keystore; convert it with keytool -importkeystore -deststoretype PKCS12"
    } else if der.trim_ascii_start().starts_with(b"-----BEGIN") {
        "it is PEM text, not a binary PKCS#12 file"
    } else if der[0] != asn1::TAG_SEQUENCE {
        "it does not start like a PKCS#12 (DER) file"
    } else {
        return Ok(());
    };
    Err(Error::Unreadable {
        path: None,
        detail: detail.to_owned(),
    })
}

/// Turns p12-keystore's error into ours, telling a wrong pass phrase from damage and naming
/// unsupported algorithms.
fn map_read_error(e: P12Error, der: &[u8]) -> Error {
    let has_mac = asn1::pfx_has_mac(der);
    match e {
        P12Error::MacError(_) => Error::WrongPassphrase {
            path: None,
            unchecked: false,
        },
        P12Error::DerError(ref d) => {
            if let der::ErrorKind::OidUnknown { oid } = d.kind() {
                return unsupported(&oid.to_string());
            }
            if !has_mac && asn1::is_well_formed(der) {
                // Outer structure intact but decrypted content malformed: without a MAC that is
                // what a wrong pass phrase looks like.
                return Error::WrongPassphrase {
                    path: None,
                    unchecked: true,
                };
            }
            unreadable(format!("it is malformed or truncated ({d})"))
        }
        P12Error::UnsupportedEncryptionScheme
        | P12Error::UnsupportedMacAlgorithm
        | P12Error::Pkcs5Error(_)
            if first_unsupported(der).is_some() =>
        {
            let oid = first_unsupported(der).unwrap_or_default();
            unsupported(&oid)
        }
        P12Error::UnsupportedEncryptionScheme => Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "an encryption scheme this program does not know".into(),
        },
        P12Error::UnsupportedMacAlgorithm => Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "an integrity (MAC) algorithm this program does not know".into(),
        },
        P12Error::UnsupportedContentType => Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "public-key (enveloped) encryption of its contents".into(),
        },
        P12Error::UnsupportedCertificateType => Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "a certificate type other than X.509".into(),
        },
        P12Error::Pkcs5Error(_)
        | P12Error::UnpadError
        | P12Error::InvalidPrivateKey
        | P12Error::X509Error(_)
            if !has_mac =>
        {
            Error::WrongPassphrase {
                path: None,
                unchecked: true,
            }
        }
        P12Error::Pkcs5Error(detail) => unreadable(format!(
            "its contents could not be decrypted although its integrity check passed ({detail})"
        )),
        P12Error::InvalidParameters => unreadable(
            "its algorithm parameters are invalid or excessive (over 1,000,000 iterations)".into(),
        ),
        P12Error::InvalidVersion => unreadable("its PKCS#12 version is not 3".into()),
        other => unreadable(other.to_string()),
    }
}

fn unreadable(detail: String) -> Error {
    Error::Unreadable { path: None, detail }
}

fn unsupported(oid: &str) -> Error {
    let algorithm = match algorithm_name(oid) {
        Some(name) => format!("{name} (OID {oid})"),
        None => format!("algorithm with OID {oid}"),
    };
    Error::UnsupportedAlgorithm {
        path: None,
        algorithm,
    }
}

/// The first OID in the file that names an algorithm p12-keystore cannot handle.
fn first_unsupported(der: &[u8]) -> Option<String> {
    asn1::scan_oids(der)
        .into_iter()
        .find(|o| algorithm_name(o).is_some())
}

/// Names of algorithms that may appear in PKCS#12 files and that cannot be read here.
pub(crate) fn algorithm_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.3.7" => "DES-EDE3-CBC (3DES)",
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        "1.2.840.113549.3.4" => "RC4",
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHAAnd40BitRC4",
        "1.2.840.113549.1.12.1.4" => "pbeWithSHAAnd2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5" => "pbeWithSHAAnd128BitRC2-CBC",
        "1.2.840.113549.1.5.1" => "pbeWithMD2AndDES-CBC",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.4" => "pbeWithMD2AndRC2-CBC",
        "1.2.840.113549.1.5.6" => "pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.11" => "pbeWithSHA1AndRC2-CBC",
        "1.2.840.113549.1.5.14" => "PBMAC1",
        "1.2.840.113549.2.2" => "MD2",
        "1.2.840.113549.2.5" => "MD5",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.26" => "AES-192-GCM",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "1.2.392.200011.61.1.1.1.2" => "Camellia-128-CBC",
        "1.2.392.200011.61.1.1.1.3" => "Camellia-192-CBC",
        "1.2.392.200011.61.1.1.1.4" => "Camellia-256-CBC",
        "1.2.410.200004.1.4" => "SEED-CBC",
        "1.2.643.7.1.1.4.1" | "1.2.643.7.1.1.4.2" => "GOST R 34.11-2012 (Streebog)",
        "1.2.643.2.2.21" => "GOST 28147-89",
        _ => return None,
    })
}

/// Encodes entries as PKCS#12: PBES2 with AES-256-CBC, PBKDF2-HMAC-SHA256 and an HMAC-SHA256
/// MAC, 10,000 iterations each (p12-keystore's defaults, which match current Java). Trusted
/// certificates carry Java's trusted-key-usage attribute.
pub(crate) fn write(entries: &[Entry], passphrase: &str) -> Result<Vec<u8>, Error> {
    let encode_err = |what: &str, e: P12Error| Error::Encode {
        detail: format!("{what}: {e}"),
    };
    let mut store = KeyStore::new();
    let mut key_ids: Vec<Vec<u8>> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match entry {
            Entry::Trusted(t) => {
                let cert = Certificate::from_der(&t.certificate)
                    .map_err(|e| encode_err(&format!("certificate \"{}\"", t.alias), e))?;
                store.add_entry(&t.alias, KeyStoreEntry::Certificate(cert));
            }
            Entry::PrivateKey(k) => {
                let key = PrivateKey::from_der(k.key_bytes())
                    .map_err(|e| encode_err(&format!("key \"{}\"", k.alias), e))?;
                let certs = k
                    .chain
                    .iter()
                    .map(|c| Certificate::from_der(c))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| encode_err(&format!("chain of \"{}\"", k.alias), e))?;
                // OpenSSL's convention: the SHA-1 of the leaf certificate.
                let mut id = match k.chain.first() {
                    Some(leaf) => digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, leaf)
                        .as_ref()
                        .to_vec(),
                    None => format!("cicsx key {index}").into_bytes(),
                };
                if key_ids.contains(&id) {
                    id.extend_from_slice(format!(" {index}").as_bytes());
                }
                key_ids.push(id.clone());
                store.add_entry(
                    &k.alias,
                    KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(id, key, certs)),
                );
            }
        }
    }
    store
        .writer(passphrase)
        .write()
        .map_err(|e| encode_err("PKCS#12", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precheck_names_other_formats() {
        let msg = |d: &[u8]| match precheck(d) {
            Err(Error::Unreadable { detail, .. }) => detail,
            other => panic!("{other:?}"),
        };
        assert!(msg(b"").contains("empty"));
        assert!(msg(&[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]).contains("JKS"));
        assert!(msg(b"\n-----BEGIN CERTIFICATE-----\n").contains("PEM"));
        assert!(msg(b"hello").contains("does not start like"));
        assert!(precheck(&[0x30, 0x00]).is_ok());
    }

    #[test]
    fn names_3des() {
        match unsupported("1.2.840.113549.3.7") {
            Error::UnsupportedAlgorithm { algorithm, .. } => {
                assert_eq!(algorithm, "DES-EDE3-CBC (3DES) (OID 1.2.840.113549.3.7)")
            }
            other => panic!("{other:?}"),
        }
        match unsupported("1.2.3.4") {
            Error::UnsupportedAlgorithm { algorithm, .. } => {
                assert_eq!(algorithm, "algorithm with OID 1.2.3.4")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn aliases_numbered_and_deduplicated() {
        let t = |_: u8| {
            Entry::Trusted(TrustedEntry {
                alias: String::new(),
                certificate: CertificateDer::from(vec![]),
            })
        };
        let got = assign_aliases(vec![
            (None, t(0)),
            (Some("1".into()), t(1)),
            (Some("CA".into()), t(2)),
            (Some("ca".into()), t(3)),
            (None, t(4)),
        ]);
        let aliases: Vec<&str> = got.iter().map(Entry::alias).collect();
        assert_eq!(aliases, ["2", "1", "CA", "ca#2", "3"]);
    }
}
