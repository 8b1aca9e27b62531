//! The one error type of this crate.

use std::io;
use std::path::{Path, PathBuf};

use crate::StoreType;

/// Everything that can go wrong with a keystore.
///
/// Each variant has a stable message ID ([`Error::id`], range `CICSX01xx`), a one-line
/// [`Display`](std::fmt::Display) with the specifics, an [`explanation`](Error::explanation) and an
/// [`action`](Error::action). No variant ever holds a pass phrase or key material.
///
/// The `Display` text does not repeat the ID; print `"{id} {error}"` where an ID is wanted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pass phrase does not open the keystore: the integrity check (MAC) failed, or, in a
    /// file without one, decryption failed. `CICSX0101E`.
    #[error("wrong pass phrase for keystore{}", in_path(.path))]
    WrongPassphrase {
        /// The keystore file, when known.
        path: Option<PathBuf>,
        /// True if the file has no integrity check, so damage cannot be told from a wrong pass
        /// phrase.
        unchecked: bool,
    },

    /// The data is not a readable PKCS#12 keystore: truncated, damaged or another format.
    /// `CICSX0102E`.
    #[error("keystore{} is not a readable PKCS#12 file: {detail}", in_path(.path))]
    Unreadable {
        /// The keystore file, when known.
        path: Option<PathBuf>,
        /// What was wrong, in words.
        detail: String,
    },

    /// The keystore uses an algorithm this program does not support. `CICSX0103E`.
    #[error("keystore{} uses an unsupported algorithm: {algorithm}", in_path(.path))]
    UnsupportedAlgorithm {
        /// The keystore file, when known.
        path: Option<PathBuf>,
        /// The algorithm's name, e.g. `DES-EDE3-CBC (3DES)`, with its OID when known.
        algorithm: String,
    },

    /// Reading, writing or locking a file failed. `CICSX0104E`.
    #[error("cannot {operation} {}: {source}", .path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// What was being done, e.g. `read`, `write`, `lock`.
        operation: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },

    /// An entry with this alias already exists (aliases are compared without regard to case).
    /// `CICSX0105E`.
    #[error("the keystore already has an entry with alias \"{alias}\"")]
    AliasExists {
        /// The alias.
        alias: String,
    },

    /// No entry has this alias. `CICSX0106E`.
    #[error("the keystore has no entry with alias \"{alias}\"")]
    AliasNotFound {
        /// The alias.
        alias: String,
    },

    /// The keystore file does not exist. `CICSX0107E`.
    #[error("keystore file {} does not exist", .path.display())]
    FileMissing {
        /// The path that was looked for.
        path: PathBuf,
    },

    /// A new keystore was to be created but the file already exists. `CICSX0108E`.
    #[error("keystore file {} already exists", .path.display())]
    FileExists {
        /// The existing file.
        path: PathBuf,
    },

    /// An alias cannot be used. `CICSX0109E`.
    #[error("alias \"{alias}\" cannot be used: {reason}")]
    InvalidAlias {
        /// The alias as given (control characters escaped).
        alias: String,
        /// Why not.
        reason: &'static str,
    },

    /// A certificate is not valid DER X.509. `CICSX0110E`.
    #[error("certificate for alias \"{alias}\" is not a valid X.509 certificate: {detail}")]
    InvalidCertificate {
        /// The alias it was to be stored under.
        alias: String,
        /// What was wrong.
        detail: String,
    },

    /// A private key is not a usable PKCS#8, PKCS#1 or SEC1 key. `CICSX0111E`.
    #[error("private key for alias \"{alias}\" is not usable: {detail}")]
    InvalidPrivateKey {
        /// The alias it was to be stored under.
        alias: String,
        /// What was wrong (never key material).
        detail: String,
    },

    /// The private key does not belong to the first certificate of its chain. `CICSX0112E`.
    #[error("private key for alias \"{alias}\" does not match the certificate {subject}")]
    KeyMismatch {
        /// The alias it was to be stored under.
        alias: String,
        /// Subject of the certificate that was expected to hold the key's public half.
        subject: String,
    },

    /// Encoding the keystore as PKCS#12 failed. `CICSX0113E`.
    #[error("cannot encode the keystore as PKCS#12: {detail}")]
    Encode {
        /// What failed.
        detail: String,
    },

    /// The keystore is a JKS or PEM file, which this program reads but never writes.
    /// `CICSX0114E`.
    #[error(
        "keystore {} is a {store_type} file, which cicsx reads but does not change; convert it with `cicsx keystore import`",
        .path.display()
    )]
    ReadOnly {
        /// The keystore file.
        path: PathBuf,
        /// Its type.
        store_type: StoreType,
    },

    /// A private key in a JKS keystore has a pass phrase of its own, different from the
    /// keystore's (whose integrity check passed). `CICSX0115E`.
    #[error("the private key \"{alias}\" in keystore{} is protected by a pass phrase other than the keystore's", in_path(.path))]
    KeyPassphrase {
        /// The keystore file, when known.
        path: Option<PathBuf>,
        /// The key's alias (control characters escaped).
        alias: String,
    },

    /// A keystore type name was not recognised. `CICSX0116E`.
    #[error("\"{given}\" is not a keystore type (use p12, jks or pem)")]
    UnknownStoreType {
        /// The name as given (control characters escaped).
        given: String,
    },

    /// The data is not a readable JKS or PEM file: truncated, damaged or another format.
    /// (Damaged PKCS#12 files are [`Error::Unreadable`].) `CICSX0117E`.
    #[error("keystore{} is not a readable {store_type} file: {detail}", in_path(.path))]
    Malformed {
        /// The keystore file, when known.
        path: Option<PathBuf>,
        /// The type it was read as.
        store_type: StoreType,
        /// What was wrong, in words.
        detail: String,
    },

    /// A PEM file holds an encrypted private key, which cannot be read here. `CICSX0118E`.
    #[error("the PEM data{} holds an encrypted private key ({kind}), which cicsx cannot read", in_path(.path))]
    EncryptedPemKey {
        /// The file, when known.
        path: Option<PathBuf>,
        /// How it is encrypted, e.g. `ENCRYPTED PRIVATE KEY (PKCS#8)`.
        kind: &'static str,
    },
}

fn in_path(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!(" {}", p.display()),
        None => String::new(),
    }
}

impl Error {
    /// The stable message ID, e.g. `CICSX0101E`.
    pub fn id(&self) -> &'static str {
        match self {
            Error::WrongPassphrase { .. } => "CICSX0101E",
            Error::Unreadable { .. } => "CICSX0102E",
            Error::UnsupportedAlgorithm { .. } => "CICSX0103E",
            Error::Io { .. } => "CICSX0104E",
            Error::AliasExists { .. } => "CICSX0105E",
            Error::AliasNotFound { .. } => "CICSX0106E",
            Error::FileMissing { .. } => "CICSX0107E",
            Error::FileExists { .. } => "CICSX0108E",
            Error::InvalidAlias { .. } => "CICSX0109E",
            Error::InvalidCertificate { .. } => "CICSX0110E",
            Error::InvalidPrivateKey { .. } => "CICSX0111E",
            Error::KeyMismatch { .. } => "CICSX0112E",
            Error::Encode { .. } => "CICSX0113E",
            Error::ReadOnly { .. } => "CICSX0114E",
            Error::KeyPassphrase { .. } => "CICSX0115E",
            Error::UnknownStoreType { .. } => "CICSX0116E",
            Error::Malformed { .. } => "CICSX0117E",
            Error::EncryptedPemKey { .. } => "CICSX0118E",
        }
    }

    /// What the error probably means.
    pub fn explanation(&self) -> String {
        match self {
            Error::WrongPassphrase {
                unchecked: false, ..
            } => "The keystore's integrity check failed with the pass phrase given, which almost \
                 always means the pass phrase is wrong. The file was not changed."
                .into(),
            Error::WrongPassphrase {
                unchecked: true, ..
            } => {
                "The keystore has no integrity check and its contents could not be decrypted with \
                 the pass phrase given: most likely the pass phrase is wrong. The file was not \
                 changed."
                    .into()
            }
            Error::Unreadable { .. } => {
                "The data is not a complete PKCS#12 (.p12/.pfx) keystore. It may be truncated, \
                 damaged, or a different kind of file."
                    .into()
            }
            Error::UnsupportedAlgorithm { .. } => {
                "The keystore was written with an algorithm this program cannot read, typically \
                 an old or uncommon encryption scheme."
                    .into()
            }
            Error::Io { .. } => "The operating system refused a file operation.".into(),
            Error::AliasExists { .. } => {
                "Aliases must be unique in a keystore; they are compared without regard to case, \
                 as keytool does."
                    .into()
            }
            Error::AliasNotFound { .. } => "No entry in the keystore has that alias.".into(),
            Error::FileMissing { .. } => "The keystore file was not found.".into(),
            Error::FileExists { .. } => {
                "A keystore file is already there; it is never overwritten by creating a new one."
                    .into()
            }
            Error::InvalidAlias { .. } => {
                "Aliases must be non-empty, at most 255 characters, without control characters, \
                 and use only characters a PKCS#12 friendly name (BMPString) can hold."
                    .into()
            }
            Error::InvalidCertificate { .. } => {
                "The certificate data could not be parsed as a DER X.509 certificate.".into()
            }
            Error::InvalidPrivateKey { .. } => {
                "The private key could not be parsed as PKCS#8, PKCS#1 (RSA) or SEC1 (EC), or it \
                 came without the certificate it belongs to."
                    .into()
            }
            Error::KeyMismatch { .. } => {
                "The first certificate of a key's chain must hold that key's public key; this one \
                 does not, so the pair would fail in every TLS handshake."
                    .into()
            }
            Error::Encode { .. } => {
                "The keystore could not be serialised; nothing was written.".into()
            }
            Error::ReadOnly { store_type, .. } => format!(
                "cicsx reads {store_type} keystores, for migration and import, but writes only \
                 PKCS#12. The file was not changed."
            ),
            Error::KeyPassphrase { .. } => {
                "JKS keystores may protect each private key with its own pass phrase. The \
                 keystore's pass phrase is right, but it does not unlock this key."
                    .into()
            }
            Error::UnknownStoreType { .. } => {
                "Keystore types are p12 (PKCS#12), jks (Java KeyStore) and pem.".into()
            }
            Error::Malformed { store_type, .. } => format!(
                "The data is not a complete {store_type} file. It may be truncated, damaged, or a \
                 different kind of file."
            ),
            Error::EncryptedPemKey { .. } => {
                "Private keys in PEM files are read only when they are not encrypted.".into()
            }
        }
    }

    /// What to do about it.
    pub fn action(&self) -> String {
        match self {
            Error::WrongPassphrase { .. } => {
                "Enter the keystore's pass phrase again (the default keystore uses \"changeit\"). \
                 Check it with: keytool -list -storetype PKCS12 -keystore FILE"
                    .into()
            }
            Error::Unreadable { .. } => {
                "Check that the file is the PKCS#12 keystore you meant (openssl pkcs12 -info -in \
                 FILE shows what it holds), or restore it from a backup."
                    .into()
            }
            Error::UnsupportedAlgorithm { .. } => {
                "Re-export the keystore with modern encryption, for example: openssl pkcs12 -in \
                 OLD.p12 -nodes -legacy | openssl pkcs12 -export -out NEW.p12 (AES-256-CBC), or \
                 keytool -importkeystore -srckeystore OLD.p12 -destkeystore NEW.p12 -deststoretype \
                 PKCS12."
                    .into()
            }
            Error::Io { .. } => {
                "Check that the path is right, that the directory exists, and that you may read \
                 and write it."
                    .into()
            }
            Error::AliasExists { .. } => {
                "Choose another alias, or remove the existing entry first.".into()
            }
            Error::AliasNotFound { .. } => {
                "List the keystore's entries to see the aliases it has.".into()
            }
            Error::FileMissing { .. } => {
                "Check the path, or create the keystore first.".into()
            }
            Error::FileExists { .. } => {
                "Open the existing keystore, or choose another file name.".into()
            }
            Error::InvalidAlias { .. } => "Choose a shorter or plainer alias.".into(),
            Error::InvalidCertificate { .. } => {
                "Supply the certificate as DER or PEM X.509 (openssl x509 -in FILE -noout -text \
                 shows whether it parses)."
                    .into()
            }
            Error::InvalidPrivateKey { .. } => {
                "Supply an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt) together with its \
                 certificate."
                    .into()
            }
            Error::KeyMismatch { .. } => {
                "Pair the key with its own certificate (compare openssl x509 -noout -pubkey and \
                 openssl pkey -pubout)."
                    .into()
            }
            Error::Encode { .. } => "Report this as a bug, with the ID.".into(),
            Error::ReadOnly { .. } => {
                "Import its entries into a PKCS#12 keystore with `cicsx keystore import FILE`, and \
                 use that keystore instead."
                    .into()
            }
            Error::KeyPassphrase { .. } => {
                "Give the key the keystore's pass phrase first: keytool -keypasswd -alias ALIAS \
                 -keystore FILE -storetype JKS (or convert the whole keystore with keytool \
                 -importkeystore -deststoretype PKCS12)."
                    .into()
            }
            Error::UnknownStoreType { .. } => "Use p12, jks or pem.".into(),
            Error::Malformed { store_type, .. } => match store_type {
                StoreType::Jks => "Check the file with: keytool -list -storetype JKS -keystore FILE".into(),
                _ => "Check the file with: openssl x509 -in FILE -noout -text (certificates) or \
                      openssl pkey -in FILE -noout (keys)."
                    .into(),
            },
            Error::EncryptedPemKey { .. } => {
                "Decrypt the key into a file only you can read, then import that: openssl pkey \
                 -in ENCRYPTED.key -out PLAIN.key (or put key and certificate in a PKCS#12 file \
                 with openssl pkcs12 -export)."
                    .into()
            }
        }
    }

    /// Attaches `path` to errors about keystore contents that were found without one.
    pub fn with_path(mut self, file: &Path) -> Self {
        match &mut self {
            Error::WrongPassphrase { path, .. }
            | Error::Unreadable { path, .. }
            | Error::UnsupportedAlgorithm { path, .. }
            | Error::KeyPassphrase { path, .. }
            | Error::Malformed { path, .. }
            | Error::EncryptedPemKey { path, .. }
                if path.is_none() =>
            {
                *path = Some(file.to_path_buf());
            }
            _ => {}
        }
        self
    }

    pub(crate) fn io(path: &Path, operation: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            operation,
            source,
        }
    }
}

/// Makes an alias safe to show in one line of text.
pub(crate) fn printable(alias: &str) -> String {
    alias
        .chars()
        .flat_map(char::escape_debug)
        .collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_well_formed() {
        let errors = [
            Error::WrongPassphrase {
                path: None,
                unchecked: false,
            },
            Error::Unreadable {
                path: None,
                detail: String::new(),
            },
            Error::UnsupportedAlgorithm {
                path: None,
                algorithm: String::new(),
            },
            Error::io(Path::new("x"), "read", io::Error::other("x")),
            Error::AliasExists {
                alias: String::new(),
            },
            Error::AliasNotFound {
                alias: String::new(),
            },
            Error::FileMissing {
                path: PathBuf::new(),
            },
            Error::FileExists {
                path: PathBuf::new(),
            },
            Error::InvalidAlias {
                alias: String::new(),
                reason: "",
            },
            Error::InvalidCertificate {
                alias: String::new(),
                detail: String::new(),
            },
            Error::InvalidPrivateKey {
                alias: String::new(),
                detail: String::new(),
            },
            Error::KeyMismatch {
                alias: String::new(),
                subject: String::new(),
            },
            Error::Encode {
                detail: String::new(),
            },
            Error::ReadOnly {
                path: PathBuf::new(),
                store_type: StoreType::Jks,
            },
            Error::KeyPassphrase {
                path: None,
                alias: String::new(),
            },
            Error::UnknownStoreType {
                given: String::new(),
            },
            Error::Malformed {
                path: None,
                store_type: StoreType::Pem,
                detail: String::new(),
            },
            Error::EncryptedPemKey {
                path: None,
                kind: "",
            },
        ];
        let mut ids: Vec<&str> = errors.iter().map(Error::id).collect();
        for id in &ids {
            assert!(
                id.starts_with("CICSX01") && id.ends_with('E') && id.len() == 10,
                "{id}"
            );
        }
        for e in &errors {
            assert!(!e.explanation().is_empty() && !e.action().is_empty());
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), errors.len());
    }

    #[test]
    fn display_names_the_path() {
        let e = Error::WrongPassphrase {
            path: None,
            unchecked: false,
        }
        .with_path(Path::new("/k/a.p12"));
        assert_eq!(e.to_string(), "wrong pass phrase for keystore /k/a.p12");
        let e = Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "DES-EDE3-CBC (3DES)".into(),
        };
        assert_eq!(
            e.to_string(),
            "keystore uses an unsupported algorithm: DES-EDE3-CBC (3DES)"
        );
    }

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable("a\nb"), "a\\nb");
        assert_eq!(printable("☺"), "☺");
    }
}
