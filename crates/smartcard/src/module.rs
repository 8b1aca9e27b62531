//! A loaded PKCS#11 module: slots, tokens, certificates, PIN status.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use rustls_pki_types::CertificateDer;
use secrecy::SecretString;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION,
};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{Error, Pkcs11Uri, TokenClientAuth};

/// Every module loaded by this process, by canonical path. `C_Initialize` may be called only
/// once per process and library, so a module, once loaded, stays loaded.
static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();

/// A loaded and initialised PKCS#11 library (a smart card or HSM driver).
///
/// Cheap to clone; every `Module` for the same file shares one library context, which stays
/// loaded until the process ends.
#[derive(Clone)]
pub struct Module {
    path: PathBuf,
    canonical: PathBuf,
    ctx: Pkcs11,
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The state of a token's user PIN, from its PKCS#11 token flags.
///
/// Read it before asking for a PIN: when it is not [`PinStatus::Ok`], show
/// [`warning`](PinStatus::warning) first, because a wrong PIN may lock the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PinStatus {
    /// Nothing reported: no recent wrong PIN.
    Ok,
    /// A wrong PIN was entered since the last right one (`CKF_USER_PIN_COUNT_LOW`).
    CountLow,
    /// One more wrong PIN locks the card (`CKF_USER_PIN_FINAL_TRY`).
    FinalTry,
    /// The PIN is locked (`CKF_USER_PIN_LOCKED`): no PIN will be accepted.
    Locked,
}

impl PinStatus {
    /// The status these flags report (the most severe one when several are set).
    pub fn from_flags(flags: &TokenFlags) -> Self {
        if flags.user_pin_locked {
            Self::Locked
        } else if flags.user_pin_final_try {
            Self::FinalTry
        } else if flags.user_pin_count_low {
            Self::CountLow
        } else {
            Self::Ok
        }
    }

    /// The message ID to show with [`warning`](Self::warning): `CICSX0350W` (count low),
    /// `CICSX0351W` (final try), `CICSX0307E` (locked, the ID of [`Error::PinLocked`]).
    pub fn id(&self) -> Option<&'static str> {
        match self {
            Self::Ok => None,
            Self::CountLow => Some("CICSX0350W"),
            Self::FinalTry => Some("CICSX0351W"),
            Self::Locked => Some("CICSX0307E"),
        }
    }

    /// What to tell the user before asking for the PIN, or `None` when all is well.
    pub fn warning(&self, token: &str) -> Option<String> {
        match self {
            Self::Ok => None,
            Self::CountLow => Some(format!(
                "a wrong PIN was entered for token \"{token}\" since its last use; the card \
                 locks after a few wrong PINs in a row"
            )),
            Self::FinalTry => Some(format!(
                "one more wrong PIN will lock token \"{token}\"; enter the PIN only if you are \
                 sure of it"
            )),
            Self::Locked => Some(format!(
                "the PIN of token \"{token}\" is locked; ask the card's issuer to unlock it"
            )),
        }
    }

    pub(crate) fn after_wrong_pin(&self) -> &'static str {
        match self {
            Self::Ok => "",
            Self::CountLow => " (the token reports few tries left)",
            Self::FinalTry => " (the token reports one try left before it locks)",
            Self::Locked => " (the PIN is now locked)",
        }
    }
}

/// A token's PKCS#11 flags (`CK_TOKEN_INFO.flags`) that matter to a user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TokenFlags {
    /// The token has been initialised (`CKF_TOKEN_INITIALIZED`).
    pub initialized: bool,
    /// Logging in is needed before keys can be used (`CKF_LOGIN_REQUIRED`).
    pub login_required: bool,
    /// The PIN is entered on the reader's own keypad (`CKF_PROTECTED_AUTHENTICATION_PATH`).
    pub protected_authentication_path: bool,
    /// A user PIN has been set (`CKF_USER_PIN_INITIALIZED`).
    pub user_pin_initialized: bool,
    /// A wrong PIN was entered since the last right one (`CKF_USER_PIN_COUNT_LOW`).
    pub user_pin_count_low: bool,
    /// One more wrong PIN locks the PIN (`CKF_USER_PIN_FINAL_TRY`).
    pub user_pin_final_try: bool,
    /// The PIN is locked (`CKF_USER_PIN_LOCKED`).
    pub user_pin_locked: bool,
    /// The PIN must be changed before use (`CKF_USER_PIN_TO_BE_CHANGED`).
    pub user_pin_to_be_changed: bool,
    /// The token is read-only (`CKF_WRITE_PROTECTED`).
    pub write_protected: bool,
}

/// One slot of a module and the token in it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The PKCS#11 slot ID. It may change when a token is re-inserted or re-initialised.
    pub slot_id: u64,
    /// The slot's description (the reader's name, for a card reader).
    pub slot_description: String,
    /// True if a token is in the slot; every other field below is empty or default if not.
    pub present: bool,
    /// Token label.
    pub label: String,
    /// Token manufacturer.
    pub manufacturer: String,
    /// Token model.
    pub model: String,
    /// Token serial number.
    pub serial: String,
    /// The token's flags.
    pub flags: TokenFlags,
}

impl TokenInfo {
    /// A URI naming this token (label, manufacturer, model and serial).
    pub fn uri(&self) -> Pkcs11Uri {
        Pkcs11Uri {
            token: Some(self.label.clone()),
            manufacturer: Some(self.manufacturer.clone()),
            model: Some(self.model.clone()),
            serial: Some(self.serial.clone()),
            ..Pkcs11Uri::default()
        }
    }

    /// The state of the user PIN.
    pub fn pin_status(&self) -> PinStatus {
        PinStatus::from_flags(&self.flags)
    }

    fn matches(&self, uri: &Pkcs11Uri) -> bool {
        uri.matches_token(
            self.slot_id,
            &self.label,
            &self.manufacturer,
            &self.model,
            &self.serial,
        )
    }
}

/// The kind of key a certificate holds, as far as TLS client authentication cares.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA with a modulus of this many bits.
    Rsa {
        /// Modulus size.
        bits: usize,
    },
    /// ECDSA on NIST P-256 (secp256r1).
    EcdsaP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EcdsaP384,
    /// Anything else (named by its algorithm OID); not usable here.
    Other(String),
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA-{bits}"),
            Self::EcdsaP256 => f.write_str("ECDSA P-256"),
            Self::EcdsaP384 => f.write_str("ECDSA P-384"),
            Self::Other(oid) => write!(f, "unsupported ({oid})"),
        }
    }
}

/// A certificate on a token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenCertificate {
    /// Label of the token holding it.
    pub token: String,
    /// The certificate's label (`CKA_LABEL`).
    pub label: String,
    /// The certificate's `CKA_ID`, which its private key shares.
    pub id: Vec<u8>,
    /// The certificate.
    pub certificate: CertificateDer<'static>,
    /// Subject distinguished name, e.g. `O=cicsx test PKI, CN=CICSUSER`.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// True if the token shows a key with the certificate's `CKA_ID`: the private key, or,
    /// on tokens that hide private keys until logged in, its public half.
    pub has_private_key: bool,
    /// The key type, from the certificate.
    pub key_type: KeyType,
    /// A URI naming this certificate and its key (token label and serial, object label, id).
    pub uri: Pkcs11Uri,
}

impl TokenCertificate {
    /// The `CKA_ID` in lower-case hex, e.g. `01a2`.
    pub fn id_hex(&self) -> String {
        hex(&self.id)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A certificate object read from a token.
pub(crate) struct CertObject {
    pub(crate) label: String,
    pub(crate) id: Vec<u8>,
    pub(crate) der: Vec<u8>,
}

/// What a certificate says about itself.
pub(crate) struct ParsedCert {
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) subject_raw: Vec<u8>,
    pub(crate) issuer_raw: Vec<u8>,
    pub(crate) key_type: KeyType,
    pub(crate) spki: Vec<u8>,
}

pub(crate) fn parse_cert(der: &[u8]) -> Result<ParsedCert, String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let spki = cert.public_key();
    let algorithm = &spki.algorithm.algorithm;
    let key_type = if *algorithm == OID_PKCS1_RSAENCRYPTION {
        match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => KeyType::Rsa {
                bits: rsa.key_size(),
            },
            _ => KeyType::Other(algorithm.to_id_string()),
        }
    } else if *algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        match curve {
            Some(c) if c == OID_EC_P256 => KeyType::EcdsaP256,
            Some(c) if c == OID_NIST_EC_P384 => KeyType::EcdsaP384,
            Some(c) => KeyType::Other(format!("EC curve {}", c.to_id_string())),
            None => KeyType::Other("EC without a named curve".into()),
        }
    } else {
        KeyType::Other(algorithm.to_id_string())
    };
    Ok(ParsedCert {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        subject_raw: cert.subject().as_raw().to_vec(),
        issuer_raw: cert.issuer().as_raw().to_vec(),
        key_type,
        spki: spki.raw.to_vec(),
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches([' ', '\0'])
        .to_string()
}

impl Module {
    /// Loads and initialises the PKCS#11 library at `path`, or returns the one this process
    /// already loaded from that file.
    ///
    /// Fails with [`Error::ModuleNotFound`] when there is no such file,
    /// [`Error::NotAModule`] when it is not a PKCS#11 library and [`Error::ModuleInit`] when
    /// `C_Initialize` fails. A library that another part of the process initialised already
    /// (`CKR_CRYPTOKI_ALREADY_INITIALIZED`) is used as it is.
    pub fn load(path: &Path) -> Result<Module, Error> {
        let canonical = path.canonicalize().map_err(|_| Error::ModuleNotFound {
            path: path.to_path_buf(),
        })?;
        if !canonical.is_file() {
            return Err(Error::NotAModule {
                path: path.to_path_buf(),
                source: CkError::MissingSymbol("C_GetFunctionList"),
            });
        }
        let mut modules = MODULES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(ctx) = modules.get(&canonical) {
            let ctx = ctx.clone();
            return Ok(Module {
                path: path.to_path_buf(),
                canonical,
                ctx,
            });
        }
        let ctx = Pkcs11::new(&canonical).map_err(|source| Error::NotAModule {
            path: path.to_path_buf(),
            source,
        })?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => {}
            Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {
                tracing::debug!(module = %path.display(), "PKCS#11 module already initialised");
            }
            Err(source) => {
                return Err(Error::ModuleInit {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        tracing::debug!(module = %path.display(), "PKCS#11 module loaded");
        modules.insert(canonical.clone(), ctx.clone());
        Ok(Module {
            path: path.to_path_buf(),
            canonical,
            ctx,
        })
    }

    /// The path the module was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The library's own description and manufacturer, e.g. `Implementation of PKCS11
    /// (SoftHSM project)`.
    pub fn description(&self) -> Result<String, Error> {
        let info = self
            .ctx
            .get_library_info()
            .map_err(|e| self.module_error(e))?;
        Ok(format!(
            "{} ({})",
            info.library_description().trim(),
            info.manufacturer_id().trim()
        ))
    }

    fn module_error(&self, source: CkError) -> Error {
        Error::Pkcs11 {
            token: self.path.display().to_string(),
            source,
        }
    }

    /// Identifies a token's login in this process: the module's file and the slot.
    pub(crate) fn login_key(&self, slot: Slot) -> (PathBuf, u64) {
        (self.canonical.clone(), slot.id())
    }

    pub(crate) fn context(&self) -> &Pkcs11 {
        &self.ctx
    }

    /// Every slot of the module, with the token in it if one is present.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, Error> {
        let slots = self.ctx.get_all_slots().map_err(|e| self.module_error(e))?;
        let mut out = Vec::with_capacity(slots.len());
        for slot in slots {
            let Ok(slot_info) = self.ctx.get_slot_info(slot) else {
                continue; // the reader went away between the two calls
            };
            let mut info = TokenInfo {
                slot_id: slot.id(),
                slot_description: slot_info.slot_description().trim().to_string(),
                present: false,
                label: String::new(),
                manufacturer: String::new(),
                model: String::new(),
                serial: String::new(),
                flags: TokenFlags::default(),
            };
            if slot_info.token_present()
                && let Ok(token) = self.ctx.get_token_info(slot)
            {
                info.present = true;
                info.label = token.label().trim().to_string();
                info.manufacturer = token.manufacturer_id().trim().to_string();
                info.model = token.model().trim().to_string();
                info.serial = token.serial_number().trim().to_string();
                info.flags = TokenFlags {
                    initialized: token.token_initialized(),
                    login_required: token.login_required(),
                    protected_authentication_path: token.protected_authentication_path(),
                    user_pin_initialized: token.user_pin_initialized(),
                    user_pin_count_low: token.user_pin_count_low(),
                    user_pin_final_try: token.user_pin_final_try(),
                    user_pin_locked: token.user_pin_locked(),
                    user_pin_to_be_changed: token.user_pin_to_be_changed(),
                    write_protected: token.write_protected(),
                };
            }
            out.push(info);
        }
        Ok(out)
    }

    /// The present tokens matching `uri`'s token attributes; an error when there are none.
    pub(crate) fn matching_tokens(&self, uri: &Pkcs11Uri) -> Result<Vec<(Slot, TokenInfo)>, Error> {
        // An uninitialised token (SoftHSM's free slot, a blank card) holds nothing.
        let present: Vec<TokenInfo> = self
            .tokens()?
            .into_iter()
            .filter(|t| t.present && t.flags.initialized)
            .collect();
        if present.is_empty() {
            return Err(Error::NoToken {
                module: self.path.clone(),
            });
        }
        let matching: Vec<(Slot, TokenInfo)> = present
            .iter()
            .filter(|t| t.matches(uri))
            .filter_map(|t| Slot::try_from(t.slot_id).ok().map(|slot| (slot, t.clone())))
            .collect();
        if matching.is_empty() {
            return Err(Error::TokenNotFound {
                uri: uri.token_part().to_string(),
                available: present.into_iter().map(|t| t.label).collect(),
            });
        }
        Ok(matching)
    }

    fn one_token(&self, uri: &Pkcs11Uri) -> Result<(Slot, TokenInfo), Error> {
        let mut tokens = self.matching_tokens(uri)?;
        if tokens.len() > 1 {
            return Err(Error::Ambiguous {
                uri: uri.token_part().to_string(),
                count: tokens.len(),
                what: "tokens",
            });
        }
        Ok(tokens.remove(0))
    }

    /// The state of the user PIN of the one token `uri` names: read it before asking for a
    /// PIN and show [`PinStatus::warning`] when there is one.
    pub fn pin_status(&self, token: &Pkcs11Uri) -> Result<PinStatus, Error> {
        Ok(self.one_token(token)?.1.pin_status())
    }

    /// The certificates on every present token matching `token` (its `object` and `id`, if
    /// set, narrow the list), without logging in.
    ///
    /// Certificates that cannot be parsed are left out (and logged at `warn` level).
    pub fn certificates(&self, token: &Pkcs11Uri) -> Result<Vec<TokenCertificate>, Error> {
        let tokens = self.matching_tokens(token)?;
        let several = tokens.len() > 1;
        let mut out = Vec::new();
        for (slot, info) in tokens {
            match self.token_certificates(slot, &info, token) {
                Ok(certs) => out.extend(certs),
                // Among several tokens, one that cannot be read (being reset, or removed
                // since it was listed) does not hide the others.
                Err(e) if several => {
                    tracing::warn!(token = %info.label, "{} {e}; token left out", e.id());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    fn token_certificates(
        &self,
        slot: Slot,
        info: &TokenInfo,
        token: &Pkcs11Uri,
    ) -> Result<Vec<TokenCertificate>, Error> {
        let mut out = Vec::new();
        let session = self.open_session(slot, info)?;
        let certs = find_certificates(&session, token, &info.label)?;
        let mut key_ids = find_key_ids(&session, ObjectClass::PRIVATE_KEY, &info.label)?;
        key_ids.extend(find_key_ids(
            &session,
            ObjectClass::PUBLIC_KEY,
            &info.label,
        )?);
        for cert in certs {
            let parsed = match parse_cert(&cert.der) {
                Ok(parsed) => parsed,
                Err(reason) => {
                    tracing::warn!(token = %info.label, label = %cert.label, %reason,
                        "unreadable certificate on token left out");
                    continue;
                }
            };
            let uri = Pkcs11Uri {
                token: Some(info.label.clone()),
                serial: Some(info.serial.clone()),
                object: Some(cert.label.clone()),
                id: Some(cert.id.clone()),
                ..Pkcs11Uri::default()
            };
            out.push(TokenCertificate {
                token: info.label.clone(),
                has_private_key: !cert.id.is_empty() && key_ids.contains(&cert.id),
                label: cert.label,
                id: cert.id,
                certificate: CertificateDer::from(cert.der),
                subject: parsed.subject,
                issuer: parsed.issuer,
                key_type: parsed.key_type,
                uri,
            });
        }
        Ok(out)
    }

    pub(crate) fn open_session(&self, slot: Slot, info: &TokenInfo) -> Result<Session, Error> {
        self.ctx
            .open_ro_session(slot)
            .map_err(|e| token_error(&info.label, e))
    }

    /// Logs in to the token and builds a rustls client-certificate resolver for one
    /// connection; see [`TokenClientAuth`].
    ///
    /// `uri` names the certificate: its token attributes choose the token, `object` and `id`
    /// the certificate (optional when the token holds exactly one certificate with a key).
    /// This opens ONE session, logs in with `pin` (an empty PIN on a token with a PIN pad
    /// lets the reader ask for it), finds the private key by the certificate's `CKA_ID` and
    /// the certificate's chain among the other certificates on the token. Logout and
    /// closing the session happen when the last `Arc` of the resolver is dropped.
    ///
    /// The PIN status is read first: a locked PIN gives [`Error::PinLocked`] without a
    /// login attempt. A final-try status is logged as a warning but the login is attempted:
    /// warning the user before they type the PIN is the caller's job ([`Module::pin_status`]).
    pub fn client_auth(
        &self,
        uri: &Pkcs11Uri,
        pin: &SecretString,
    ) -> Result<Arc<TokenClientAuth>, Error> {
        TokenClientAuth::open(self, uri, pin).map(Arc::new)
    }
}

/// Maps a PKCS#11 failure on a token to [`Error::TokenRemoved`] when it says the token or
/// its session went away, else to [`Error::Pkcs11`].
pub(crate) fn token_error(token: &str, source: CkError) -> Error {
    if is_removal(&source) {
        Error::TokenRemoved {
            token: token.to_string(),
            source,
        }
    } else {
        Error::Pkcs11 {
            token: token.to_string(),
            source,
        }
    }
}

/// Like [`token_error`], for a call on a key handle found earlier in the same session: a
/// handle that became invalid means the token was removed or reset under the session.
pub(crate) fn use_error(token: &str, source: CkError) -> Error {
    if matches!(
        source,
        CkError::Pkcs11(RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid, _)
    ) {
        Error::TokenRemoved {
            token: token.to_string(),
            source,
        }
    } else {
        token_error(token, source)
    }
}

pub(crate) fn is_removal(error: &CkError) -> bool {
    matches!(
        error,
        CkError::Pkcs11(
            RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::TokenNotRecognized
                | RvError::SessionClosed
                | RvError::SessionHandleInvalid
                | RvError::UserNotLoggedIn
                | RvError::SlotIdInvalid,
            _
        )
    )
}

pub(crate) fn find_objects(
    session: &Session,
    template: &[Attribute],
    token: &str,
) -> Result<Vec<ObjectHandle>, Error> {
    session
        .find_objects(template)
        .map_err(|e| token_error(token, e))
}

/// The template narrowing a search by the URI's `object` and `id`.
pub(crate) fn object_template(class: ObjectClass, uri: &Pkcs11Uri) -> Vec<Attribute> {
    let mut template = vec![Attribute::Class(class)];
    if class == ObjectClass::CERTIFICATE {
        template.push(Attribute::CertificateType(CertificateType::X_509));
    }
    if let Some(label) = &uri.object {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    template
}

/// Label and id of an object (absent attributes come back empty).
pub(crate) fn label_and_id(
    session: &Session,
    object: ObjectHandle,
    token: &str,
) -> Result<(String, Vec<u8>), Error> {
    let attrs = session
        .get_attributes(object, &[AttributeType::Label, AttributeType::Id])
        .map_err(|e| token_error(token, e))?;
    let mut label = String::new();
    let mut id = Vec::new();
    for attr in attrs {
        match attr {
            Attribute::Label(l) => label = text(&l),
            Attribute::Id(i) => id = i,
            _ => {}
        }
    }
    Ok((label, id))
}

/// X.509 certificates matching the URI's `object` and `id`.
pub(crate) fn find_certificates(
    session: &Session,
    uri: &Pkcs11Uri,
    token: &str,
) -> Result<Vec<CertObject>, Error> {
    let handles = find_objects(
        session,
        &object_template(ObjectClass::CERTIFICATE, uri),
        token,
    )?;
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        let attrs = session
            .get_attributes(
                handle,
                &[
                    AttributeType::Label,
                    AttributeType::Id,
                    AttributeType::Value,
                ],
            )
            .map_err(|e| token_error(token, e))?;
        let mut cert = CertObject {
            label: String::new(),
            id: Vec::new(),
            der: Vec::new(),
        };
        for attr in attrs {
            match attr {
                Attribute::Label(l) => cert.label = text(&l),
                Attribute::Id(i) => cert.id = i,
                Attribute::Value(v) => cert.der = v,
                _ => {}
            }
        }
        if !cert.der.is_empty() {
            out.push(cert);
        }
    }
    Ok(out)
}

/// The `CKA_ID`s of the visible keys of one class.
fn find_key_ids(session: &Session, class: ObjectClass, token: &str) -> Result<Vec<Vec<u8>>, Error> {
    let handles = find_objects(session, &[Attribute::Class(class)], token)?;
    let mut ids = Vec::with_capacity(handles.len());
    for handle in handles {
        let attrs = session
            .get_attributes(handle, &[AttributeType::Id])
            .map_err(|e| token_error(token, e))?;
        ids.extend(attrs.into_iter().filter_map(|a| match a {
            Attribute::Id(id) => Some(id),
            _ => None,
        }));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_status_from_flags_takes_the_most_severe() {
        let mut flags = TokenFlags::default();
        assert_eq!(PinStatus::from_flags(&flags), PinStatus::Ok);
        flags.user_pin_count_low = true;
        assert_eq!(PinStatus::from_flags(&flags), PinStatus::CountLow);
        flags.user_pin_final_try = true;
        assert_eq!(PinStatus::from_flags(&flags), PinStatus::FinalTry);
        flags.user_pin_locked = true;
        assert_eq!(PinStatus::from_flags(&flags), PinStatus::Locked);
    }

    #[test]
    fn pin_warnings_have_ids() {
        assert_eq!(PinStatus::Ok.id(), None);
        assert_eq!(PinStatus::Ok.warning("t"), None);
        for (status, id) in [
            (PinStatus::CountLow, "CICSX0350W"),
            (PinStatus::FinalTry, "CICSX0351W"),
            (PinStatus::Locked, "CICSX0307E"),
        ] {
            assert_eq!(status.id(), Some(id));
            assert!(status.warning("card").unwrap().contains("\"card\""));
        }
        assert!(
            PinStatus::FinalTry
                .warning("t")
                .unwrap()
                .contains("one more wrong PIN")
        );
    }

    #[test]
    fn missing_module_and_non_module() {
        let err = Module::load(Path::new("/nonexistent/libpkcs11-nothing.so")).unwrap_err();
        assert_eq!(err.id(), "CICSX0301E");
        assert!(
            err.to_string()
                .contains("/nonexistent/libpkcs11-nothing.so")
        );
        assert!(err.action().contains("/nonexistent/libpkcs11-nothing.so"));

        let err = Module::load(Path::new("/")).unwrap_err();
        assert_eq!(err.id(), "CICSX0302E");
        // A file that is not a shared library at all.
        let err = Module::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/Cargo.toml"
        )))
        .unwrap_err();
        assert_eq!(err.id(), "CICSX0302E", "{err}");
    }

    #[test]
    fn removal_errors_are_recognised() {
        use cryptoki::context::Function;
        let e = |rv| CkError::Pkcs11(rv, Function::Sign);
        assert!(is_removal(&e(RvError::DeviceRemoved)));
        assert!(is_removal(&e(RvError::SessionHandleInvalid)));
        assert!(!is_removal(&e(RvError::PinIncorrect)));
        assert_eq!(
            token_error("t", e(RvError::TokenNotPresent)).id(),
            "CICSX0311E"
        );
        assert_eq!(
            token_error("t", e(RvError::FunctionFailed)).id(),
            "CICSX0314E"
        );
        assert_eq!(
            use_error("t", e(RvError::KeyHandleInvalid)).id(),
            "CICSX0311E"
        );
        assert_eq!(
            token_error("t", e(RvError::KeyHandleInvalid)).id(),
            "CICSX0314E"
        );
    }

    #[test]
    fn key_types_from_the_fixtures() {
        let pem = |s: &str| {
            use rustls_pki_types::pem::PemObject;
            CertificateDer::pem_slice_iter(s.as_bytes())
                .next()
                .unwrap()
                .unwrap()
        };
        let ec = include_str!("../../../fixtures/client/ecdsa.pem");
        let rsa = include_str!("../../../fixtures/client/rsa.pem");
        let ec = parse_cert(&pem(ec)).unwrap();
        assert_eq!(ec.key_type, KeyType::EcdsaP256);
        assert!(ec.subject.contains("CN=CICSUSER"), "{}", ec.subject);
        assert!(ec.issuer.contains("Intermediate"), "{}", ec.issuer);
        assert_eq!(
            parse_cert(&pem(rsa)).unwrap().key_type,
            KeyType::Rsa { bits: 2048 }
        );
        assert!(parse_cert(b"\x30\x03\x02\x01\x00").is_err());
        assert_eq!(KeyType::Rsa { bits: 2048 }.to_string(), "RSA-2048");
    }
}
