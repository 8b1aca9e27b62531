//! The one error type of this crate.

use std::path::PathBuf;

use crate::PinStatus;

/// The error cryptoki reports, with the PKCS#11 function that failed (its `Display` names it,
/// e.g. `Login: PKCS11 error: CKR_PIN_INCORRECT`).
pub type Pkcs11Error = cryptoki::error::Error;

/// Everything that can go wrong with a PKCS#11 module, a token or a key on it.
///
/// Each variant has a stable message ID ([`Error::id`], range `CICSX03xx`), a one-line
/// [`Display`](std::fmt::Display) with the specifics, an [`explanation`](Error::explanation)
/// and an [`action`](Error::action). No variant ever holds a PIN or key material. Where a
/// PKCS#11 call failed, [`source()`](std::error::Error::source) is cryptoki's error, naming the
/// function and its return value.
///
/// The `Display` text does not repeat the ID; print `"{id} {error}"` where an ID is wanted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No file at the configured module path. `CICSX0301E`.
    #[error("PKCS#11 module {} does not exist", .path.display())]
    ModuleNotFound {
        /// The path from the preferences.
        path: PathBuf,
    },

    /// The file exists but is not a PKCS#11 library: it cannot be loaded, or it has no
    /// `C_GetFunctionList`. `CICSX0302E`.
    #[error("{} is not a PKCS#11 module: {source}", .path.display())]
    NotAModule {
        /// The path from the preferences.
        path: PathBuf,
        /// The loader's or cryptoki's error.
        #[source]
        source: Pkcs11Error,
    },

    /// The module loaded but refused to start (`C_Initialize` failed). `CICSX0303E`.
    #[error("PKCS#11 module {} did not initialise: {source}", .path.display())]
    ModuleInit {
        /// The module's path.
        path: PathBuf,
        /// The failing call.
        #[source]
        source: Pkcs11Error,
    },

    /// No slot of the module holds a token: no card in the reader, or no reader. `CICSX0304E`.
    #[error("no initialised token is present in any slot of PKCS#11 module {}", .module.display())]
    NoToken {
        /// The module's path.
        module: PathBuf,
    },

    /// Tokens are present, but none matches the URI. `CICSX0305E`.
    #[error("no token matches {uri} (present: {})", list(.available))]
    TokenNotFound {
        /// The URI looked for.
        uri: String,
        /// Labels of the tokens that are present.
        available: Vec<String>,
    },

    /// The token rejected the PIN. `status` is what the token reports afterwards: whether
    /// few tries or only one are left, or whether the PIN is now locked. `CICSX0306E`.
    #[error("wrong PIN for token \"{token}\"{}", status.after_wrong_pin())]
    WrongPin {
        /// Token label.
        token: String,
        /// The token's PIN flags after the failed attempt.
        status: PinStatus,
    },

    /// The token's user PIN is locked: too many wrong PINs. Nothing was tried. `CICSX0307E`.
    #[error("the PIN of token \"{token}\" is locked")]
    PinLocked {
        /// Token label.
        token: String,
    },

    /// The token holds a private key that matches, but no certificate with its `CKA_ID`.
    /// `CICSX0308E`.
    #[error("token \"{token}\" has a private key \"{label}\" (id {id}) but no certificate for it")]
    KeyWithoutCertificate {
        /// Token label.
        token: String,
        /// The key's label.
        label: String,
        /// The key's `CKA_ID`, in hex.
        id: String,
    },

    /// Nothing on the token matches the URI: no certificate with a private key. `CICSX0309E`.
    #[error("token \"{token}\" has no certificate with a private key matching {uri}")]
    CertificateNotFound {
        /// The URI looked for.
        uri: String,
        /// Token label.
        token: String,
    },

    /// The URI matches more than one token or more than one certificate and key. `CICSX0310E`.
    #[error(
        "{uri} matches {count} {what}; add an attribute (token, serial, object or id) to choose one"
    )]
    Ambiguous {
        /// The URI looked for.
        uri: String,
        /// How many matched.
        count: usize,
        /// `tokens` or `certificates with keys`.
        what: &'static str,
    },

    /// The token went away while in use: the card was pulled, or its sessions were closed.
    /// `CICSX0311E`.
    #[error("token \"{token}\" was removed or reset while in use: {source}")]
    TokenRemoved {
        /// Token label.
        token: String,
        /// The failing call.
        #[source]
        source: Pkcs11Error,
    },

    /// The key cannot be used for TLS client authentication by this program. `CICSX0312E`.
    #[error("the key \"{label}\" on token \"{token}\" cannot be used: {reason}")]
    UnsupportedKey {
        /// Token label.
        token: String,
        /// Key or certificate label.
        label: String,
        /// Why, e.g. its type or curve, or the mechanisms the token lacks.
        reason: String,
    },

    /// A PKCS#11 URI could not be parsed, or holds a PIN. `CICSX0313E`.
    #[error("not a usable PKCS#11 URI: {reason}")]
    InvalidUri {
        /// What is wrong (never echoes a PIN).
        reason: String,
    },

    /// Another PKCS#11 call failed. `CICSX0314E`.
    #[error("token \"{token}\": {source}")]
    Pkcs11 {
        /// Token label, or the module path when no token is concerned.
        token: String,
        /// The failing call.
        #[source]
        source: Pkcs11Error,
    },

    /// The token returned an ECDSA signature that cannot be right. `CICSX0315E`.
    #[error("the token returned a malformed signature: {reason}")]
    MalformedSignature {
        /// What is wrong with it.
        reason: String,
    },

    /// A certificate on the token cannot be parsed. `CICSX0316E`.
    #[error("certificate \"{label}\" on token \"{token}\" cannot be read: {reason}")]
    BadCertificate {
        /// Token label.
        token: String,
        /// The certificate's label.
        label: String,
        /// The parser's complaint.
        reason: String,
    },

    /// The token needs a PIN and none was given. `CICSX0317E`.
    #[error("token \"{token}\" needs a PIN")]
    PinRequired {
        /// Token label.
        token: String,
    },

    /// The same PIN was refused by this token earlier in this process, so it was not sent to
    /// the token again: each wrong PIN brings a card nearer to locking. `CICSX0318E`.
    #[error("the PIN for token \"{token}\" was refused before and was not tried again")]
    PinRefused {
        /// Token label.
        token: String,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Error {
    /// The stable message ID, e.g. `CICSX0306E`.
    pub fn id(&self) -> &'static str {
        match self {
            Self::ModuleNotFound { .. } => "CICSX0301E",
            Self::NotAModule { .. } => "CICSX0302E",
            Self::ModuleInit { .. } => "CICSX0303E",
            Self::NoToken { .. } => "CICSX0304E",
            Self::TokenNotFound { .. } => "CICSX0305E",
            Self::WrongPin { .. } => "CICSX0306E",
            Self::PinLocked { .. } => "CICSX0307E",
            Self::KeyWithoutCertificate { .. } => "CICSX0308E",
            Self::CertificateNotFound { .. } => "CICSX0309E",
            Self::Ambiguous { .. } => "CICSX0310E",
            Self::TokenRemoved { .. } => "CICSX0311E",
            Self::UnsupportedKey { .. } => "CICSX0312E",
            Self::InvalidUri { .. } => "CICSX0313E",
            Self::Pkcs11 { .. } => "CICSX0314E",
            Self::MalformedSignature { .. } => "CICSX0315E",
            Self::BadCertificate { .. } => "CICSX0316E",
            Self::PinRequired { .. } => "CICSX0317E",
            Self::PinRefused { .. } => "CICSX0318E",
        }
    }

    /// What the error probably means.
    pub fn explanation(&self) -> String {
        match self {
            Self::ModuleNotFound { .. } => "The smart card preference names a PKCS#11 library \
                (driver) file that is not there: the driver is not installed, or the path is \
                mistyped."
                .into(),
            Self::NotAModule { .. } => "The file exists but is not a PKCS#11 library for this \
                system: another kind of file, a library for another architecture, or a library \
                without the PKCS#11 entry point C_GetFunctionList."
                .into(),
            Self::ModuleInit { .. } => "The PKCS#11 library loaded but failed to start; its own \
                configuration (for SoftHSM, the file SOFTHSM2_CONF names) or its reader service \
                may be missing."
                .into(),
            Self::NoToken { .. } => "The driver sees no card or token: none is inserted, the \
                reader is not connected, the reader service (pcscd) is not running, or the card \
                is blank (not initialised)."
                .into(),
            Self::TokenNotFound { .. } => "A card is present, but not the one this connection \
                names: another card is inserted, or the card's label changed."
                .into(),
            Self::WrongPin { status, .. } => {
                let mut text = String::from("The card refused the PIN.");
                match status {
                    PinStatus::Locked => text.push_str(" The PIN is now locked."),
                    PinStatus::FinalTry => {
                        text.push_str(" The card says one more wrong PIN will lock it.")
                    }
                    PinStatus::CountLow => {
                        text.push_str(" The card says few tries are left before it locks.")
                    }
                    PinStatus::Ok => text.push_str(
                        " Cards lock after a small number of wrong PINs in a row (often three).",
                    ),
                }
                text
            }
            Self::PinLocked { .. } => "Too many wrong PINs were entered and the card has \
                locked its PIN. No PIN was sent, so no further try was used up."
                .into(),
            Self::KeyWithoutCertificate { .. } => "The card holds a private key, but no \
                certificate with the same ID (CKA_ID). TLS needs the certificate to present \
                with the key."
                .into(),
            Self::CertificateNotFound { .. } => "The card holds no certificate that has a \
                private key and matches the name in the connection."
                .into(),
            Self::Ambiguous { .. } => "The PKCS#11 URI is not specific enough: several tokens \
                or several certificates match it."
                .into(),
            Self::TokenRemoved { .. } => "The card was removed, or the reader or driver reset \
                it, while the connection was using it. Its login ended with it."
                .into(),
            Self::UnsupportedKey { .. } => "This program signs with RSA (PKCS#1 v1.5 or PSS) \
                and ECDSA P-256 or P-384 keys, using the token's CKM_RSA_PKCS, \
                CKM_RSA_PKCS_PSS or CKM_ECDSA mechanism."
                .into(),
            Self::InvalidUri { .. } => "A PKCS#11 URI (RFC 7512) looks like \
                pkcs11:token=LABEL;object=NAME;id=%01. PINs are never part of it."
                .into(),
            Self::Pkcs11 { .. } => "The PKCS#11 driver reported an error for the call named \
                in the message."
                .into(),
            Self::MalformedSignature { .. } => "The token returned something that is not an \
                ECDSA signature of the expected size: a driver fault, or the key is not the \
                kind its attributes say."
                .into(),
            Self::BadCertificate { .. } => "A certificate object on the card holds data that \
                is not a valid X.509 certificate."
                .into(),
            Self::PinRequired { .. } => "The card needs its PIN before it signs anything, and \
                no PIN was given."
                .into(),
            Self::PinRefused { .. } => "The card refused this same PIN a moment ago (for \
                another connection, or an earlier try). It was not sent again, so no further \
                try was used up: cards lock after a few wrong PINs in a row."
                .into(),
        }
    }

    /// What to do about it.
    pub fn action(&self) -> String {
        match self {
            Self::ModuleNotFound { path } => format!(
                "Install the card's PKCS#11 driver, or set the smart card preference to its \
                 full path (for example /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so); {} was \
                 looked for.",
                path.display()
            ),
            Self::NotAModule { .. } => "Point the smart card preference at the PKCS#11 library \
                (a .so, .dylib or .dll file) that came with the card's driver."
                .into(),
            Self::ModuleInit { .. } => "Check the driver's own configuration and that its \
                service is running, then try again."
                .into(),
            Self::NoToken { .. } => "Insert the card (or connect the token), check the reader, \
                and try again."
                .into(),
            Self::TokenNotFound { available, .. } if !available.is_empty() => {
                "Insert the right card, or choose a certificate on one of the tokens present \
                 for this connection."
                    .into()
            }
            Self::TokenNotFound { .. } => "Insert the card and try again.".into(),
            Self::WrongPin { status, .. } => match status {
                PinStatus::Locked => {
                    "Ask the card's issuer (security administrator) to unlock or reset the PIN."
                        .into()
                }
                PinStatus::FinalTry | PinStatus::CountLow => "Enter the PIN again only if you \
                    are sure of it; otherwise ask the card's issuer before the card locks."
                    .into(),
                PinStatus::Ok => "Enter the card's PIN again, carefully.".into(),
            },
            Self::PinLocked { .. } => "Ask the card's issuer (security administrator) to \
                unlock or reset the PIN with the SO PIN or PUK."
                .into(),
            Self::KeyWithoutCertificate { .. } => "Import the certificate for this key onto the \
                card with the same ID (for example pkcs11-tool --write-object cert.der --type \
                cert --id ID), or choose another key."
                .into(),
            Self::CertificateNotFound { .. } => "List the card's certificates \
                and choose one that shows a private key."
                .into(),
            Self::Ambiguous { .. } => "Choose the certificate from the list, or add the token \
                serial or the object's id to the URI."
                .into(),
            Self::TokenRemoved { .. } => "Re-insert the card and connect again; the PIN will be \
                asked again."
                .into(),
            Self::UnsupportedKey { .. } => "Use another certificate on the card, or a keystore \
                certificate instead."
                .into(),
            Self::InvalidUri { .. } => "Correct the URI, or choose the certificate from the \
                list of the card's certificates."
                .into(),
            Self::Pkcs11 { .. } => "Try again; if it keeps failing, remove and re-insert the \
                card, and check the driver's log."
                .into(),
            Self::MalformedSignature { .. } => "Try again; if it keeps failing, update the \
                card's driver or use another certificate."
                .into(),
            Self::BadCertificate { .. } => "Re-import the certificate onto the card, or choose \
                another one."
                .into(),
            Self::PinRequired { .. } => "Enter the card's PIN when asked (or set CICSX_PIN for \
                unattended use)."
                .into(),
            Self::PinRefused { .. } => "Enter the right PIN. If the card's PIN was changed \
                meanwhile, start the program again to try the new one."
                .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn samples() -> Vec<Error> {
        let pkcs11 = || {
            cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::DeviceRemoved,
                cryptoki::context::Function::Sign,
            )
        };
        vec![
            Error::ModuleNotFound {
                path: "/nope.so".into(),
            },
            Error::NotAModule {
                path: "/etc/hosts".into(),
                source: pkcs11(),
            },
            Error::ModuleInit {
                path: "/m.so".into(),
                source: pkcs11(),
            },
            Error::NoToken {
                module: "/m.so".into(),
            },
            Error::TokenNotFound {
                uri: "pkcs11:token=x".into(),
                available: vec!["a".into()],
            },
            Error::WrongPin {
                token: "t".into(),
                status: PinStatus::FinalTry,
            },
            Error::PinLocked { token: "t".into() },
            Error::KeyWithoutCertificate {
                token: "t".into(),
                label: "k".into(),
                id: "01".into(),
            },
            Error::CertificateNotFound {
                uri: "pkcs11:".into(),
                token: "t".into(),
            },
            Error::Ambiguous {
                uri: "pkcs11:".into(),
                count: 2,
                what: "tokens",
            },
            Error::TokenRemoved {
                token: "t".into(),
                source: pkcs11(),
            },
            Error::UnsupportedKey {
                token: "t".into(),
                label: "k".into(),
                reason: "DSA".into(),
            },
            Error::InvalidUri { reason: "r".into() },
            Error::Pkcs11 {
                token: "t".into(),
                source: pkcs11(),
            },
            Error::MalformedSignature { reason: "r".into() },
            Error::BadCertificate {
                token: "t".into(),
                label: "c".into(),
                reason: "r".into(),
            },
            Error::PinRequired { token: "t".into() },
            Error::PinRefused { token: "t".into() },
        ]
    }

    #[test]
    fn ids_are_unique_well_formed_and_texts_present() {
        let mut seen = HashSet::new();
        for e in samples() {
            let id = e.id();
            assert!(seen.insert(id), "duplicate {id}");
            assert!(
                id.starts_with("CICSX03") && id.len() == 10 && id.ends_with('E'),
                "{id}"
            );
            assert!(!e.to_string().is_empty() && !e.to_string().contains('\n'));
            assert!(e.explanation().len() > 20, "{id}");
            assert!(e.action().len() > 10, "{id}");
        }
    }

    #[test]
    fn pkcs11_failures_chain_the_function() {
        use std::error::Error as _;
        let e = &samples()[10];
        let source = e.source().expect("source").to_string();
        assert!(source.contains("Sign"), "{source}");
        assert!(e.to_string().contains("removed"));
    }

    #[test]
    fn wrong_pin_says_what_the_token_reported() {
        let text = |status| {
            Error::WrongPin {
                token: "ec".into(),
                status,
            }
            .to_string()
        };
        assert_eq!(text(PinStatus::Ok), "wrong PIN for token \"ec\"");
        assert!(text(PinStatus::CountLow).contains("few tries left"));
        assert!(text(PinStatus::FinalTry).contains("one try left"));
        assert!(text(PinStatus::Locked).contains("now locked"));
    }
}
