//! A rustls client-authentication key that signs on a PKCS#11 token.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use aws_lc_rs::{digest, hmac};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType as CkKeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use rustls::client::ResolvesClientCert;
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};
use rustls_pki_types::{CertificateDer, SubjectPublicKeyInfoDer};
use secrecy::{ExposeSecret, SecretString};

use crate::module::{
    CertObject, find_certificates, find_objects, hex, label_and_id, object_template, parse_cert,
    token_error, use_error,
};
use crate::{Error, KeyType, Module, PinStatus, Pkcs11Uri, TokenInfo};

/// How many live logged-in [`TokenSession`]s each token has, by module and slot.
///
/// PKCS#11 login state belongs to the application, not to a session: `C_Logout` on one
/// session logs out all of them. So the first connection to a token logs in, later ones
/// share the login, and the last one to close logs out.
static LOGINS: OnceLock<Mutex<HashMap<(PathBuf, u64), usize>>> = OnceLock::new();

fn logins() -> std::sync::MutexGuard<'static, HashMap<(PathBuf, u64), usize>> {
    LOGINS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The PIN each token last refused in this process, by module, slot and token serial: an
/// HMAC of it under a key drawn once per process, never the PIN itself.
///
/// Cards lock after a few wrong PINs in a row (often three), and one `cicsx get` across many
/// connections, or a user who presses Connect again, would otherwise send the same wrong PIN
/// once per connect. A PIN the token refused is not sent to it again ([`Error::PinRefused`]);
/// another PIN is tried, and a PIN that logs in clears the record.
static REFUSED: OnceLock<Mutex<HashMap<RefusedKey, hmac::Tag>>> = OnceLock::new();

type RefusedKey = (PathBuf, u64, String);

fn refused() -> std::sync::MutexGuard<'static, HashMap<RefusedKey, hmac::Tag>> {
    REFUSED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The HMAC of `pin` under a key drawn once per process: a PIN has few digits, so a plain
/// hash of it in memory would give it away to anyone who can try them all. `None` if the
/// system's random generator fails, and then no PIN is remembered.
fn pin_tag(pin: &SecretString) -> Option<hmac::Tag> {
    static KEY: OnceLock<Option<hmac::Key>> = OnceLock::new();
    let key = KEY.get_or_init(|| {
        hmac::Key::generate(hmac::HMAC_SHA256, &aws_lc_rs::rand::SystemRandom::new()).ok()
    });
    key.as_ref()
        .map(|k| hmac::sign(k, pin.expose_secret().as_bytes()))
}

/// A PKCS#11 session, and the login it counts in [`LOGINS`]; dropping it logs out (when it
/// is the token's last logged-in session here) and closes the session.
struct OpenSession {
    session: Session,
    token: String,
    login: Option<(PathBuf, u64)>,
}

impl Drop for OpenSession {
    fn drop(&mut self) {
        if let Some(key) = self.login.take() {
            let mut logins = logins();
            let count = logins.entry(key.clone()).or_insert(1);
            *count = count.saturating_sub(1);
            if *count == 0 {
                logins.remove(&key);
                if let Err(e) = self.session.logout() {
                    tracing::debug!(token = %self.token, "logout: {e}");
                }
            }
        }
        // Dropping the cryptoki session then closes it (C_CloseSession).
    }
}

/// The open session of one connection and the key handle found in it.
struct TokenSession {
    token: String,
    session: Mutex<OpenSession>,
    key: ObjectHandle,
    last_error: Mutex<Option<Error>>,
    signatures: AtomicU64,
}

impl TokenSession {
    fn sign(&self, mechanism: &Mechanism<'_>, data: &[u8]) -> Result<Vec<u8>, Error> {
        let open = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        let result = open.session.sign(mechanism, self.key, data);
        drop(open);
        if result.is_ok() {
            self.signatures.fetch_add(1, Ordering::Relaxed);
        }
        result.map_err(|e| use_error(&self.token, e))
    }

    fn record(&self, error: Error) -> rustls::Error {
        let message = format!("{} {error}", error.id());
        tracing::warn!(token = %self.token, "{message}");
        *self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(error);
        rustls::Error::General(message)
    }
}

impl fmt::Debug for TokenSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSession")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// Which signature schemes the key offers, best first, given the token's mechanisms.
fn schemes_for(key_type: &KeyType, mechanisms: &[MechanismType]) -> Vec<SignatureScheme> {
    let has = |m| mechanisms.contains(&m);
    match key_type {
        KeyType::EcdsaP256 if has(MechanismType::ECDSA) => {
            vec![SignatureScheme::ECDSA_NISTP256_SHA256]
        }
        KeyType::EcdsaP384 if has(MechanismType::ECDSA) => {
            vec![SignatureScheme::ECDSA_NISTP384_SHA384]
        }
        KeyType::Rsa { .. } => {
            let mut schemes = Vec::new();
            if has(MechanismType::RSA_PKCS_PSS) {
                schemes.extend([
                    SignatureScheme::RSA_PSS_SHA256,
                    SignatureScheme::RSA_PSS_SHA384,
                    SignatureScheme::RSA_PSS_SHA512,
                ]);
            }
            if has(MechanismType::RSA_PKCS) {
                schemes.extend([
                    SignatureScheme::RSA_PKCS1_SHA256,
                    SignatureScheme::RSA_PKCS1_SHA384,
                    SignatureScheme::RSA_PKCS1_SHA512,
                ]);
            }
            schemes
        }
        _ => Vec::new(),
    }
}

/// The DER `DigestInfo` prefix that PKCS#1 v1.5 signing puts before a hash (RFC 8017, 9.2).
fn digest_info_prefix(scheme: SignatureScheme) -> Option<&'static [u8]> {
    Some(match scheme {
        SignatureScheme::RSA_PKCS1_SHA256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        SignatureScheme::RSA_PKCS1_SHA384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        SignatureScheme::RSA_PKCS1_SHA512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        _ => return None,
    })
}

fn hash_for(scheme: SignatureScheme) -> &'static digest::Algorithm {
    match scheme {
        SignatureScheme::ECDSA_NISTP384_SHA384
        | SignatureScheme::RSA_PSS_SHA384
        | SignatureScheme::RSA_PKCS1_SHA384 => &digest::SHA384,
        SignatureScheme::RSA_PSS_SHA512 | SignatureScheme::RSA_PKCS1_SHA512 => &digest::SHA512,
        _ => &digest::SHA256,
    }
}

/// Signs with `scheme` on the token: the hash is computed here, the private-key operation on
/// the token (`CKM_ECDSA`, `CKM_RSA_PKCS` over a `DigestInfo`, or `CKM_RSA_PKCS_PSS`).
fn sign_on_token(
    session: &TokenSession,
    scheme: SignatureScheme,
    message: &[u8],
) -> Result<Vec<u8>, Error> {
    let hash = digest::digest(hash_for(scheme), message);
    let hash = hash.as_ref();
    match scheme {
        SignatureScheme::ECDSA_NISTP256_SHA256 | SignatureScheme::ECDSA_NISTP384_SHA384 => {
            let raw = session.sign(&Mechanism::Ecdsa, hash)?;
            crate::der_from_raw_ecdsa(&raw)
        }
        SignatureScheme::RSA_PSS_SHA256
        | SignatureScheme::RSA_PSS_SHA384
        | SignatureScheme::RSA_PSS_SHA512 => {
            // TLS requires the salt to be as long as the hash (RFC 8446, 4.2.3).
            let params = match scheme {
                SignatureScheme::RSA_PSS_SHA384 => PkcsPssParams {
                    hash_alg: MechanismType::SHA384,
                    mgf: PkcsMgfType::MGF1_SHA384,
                    s_len: 48.into(),
                },
                SignatureScheme::RSA_PSS_SHA512 => PkcsPssParams {
                    hash_alg: MechanismType::SHA512,
                    mgf: PkcsMgfType::MGF1_SHA512,
                    s_len: 64.into(),
                },
                _ => PkcsPssParams {
                    hash_alg: MechanismType::SHA256,
                    mgf: PkcsMgfType::MGF1_SHA256,
                    s_len: 32.into(),
                },
            };
            session.sign(&Mechanism::RsaPkcsPss(params), hash)
        }
        _ => {
            let prefix = digest_info_prefix(scheme).ok_or_else(|| Error::UnsupportedKey {
                token: session.token.clone(),
                label: String::new(),
                reason: format!("no signing method for {scheme:?}"),
            })?;
            let digest_info = [prefix, hash].concat();
            session.sign(&Mechanism::RsaPkcs, &digest_info)
        }
    }
}

/// A rustls [`SigningKey`] whose private key stays on the token.
#[derive(Debug)]
struct TokenSigningKey {
    session: Arc<TokenSession>,
    schemes: Vec<SignatureScheme>,
    algorithm: SignatureAlgorithm,
    spki: Vec<u8>,
}

impl SigningKey for TokenSigningKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let scheme = self.schemes.iter().find(|s| offered.contains(s))?;
        Some(Box::new(TokenSigner {
            session: Arc::clone(&self.session),
            scheme: *scheme,
        }))
    }

    fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        Some(SubjectPublicKeyInfoDer::from(self.spki.as_slice()))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
}

#[derive(Debug)]
struct TokenSigner {
    session: Arc<TokenSession>,
    scheme: SignatureScheme,
}

impl Signer for TokenSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        sign_on_token(&self.session, self.scheme, message).map_err(|e| self.session.record(e))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

/// A client certificate whose private key is on a PKCS#11 token, logged in for one
/// connection: a rustls [`ResolvesClientCert`] to pass to
/// `cicsx_handshake::ClientAuth::Resolver`.
///
/// It holds one PKCS#11 session, logged in, for as long as it lives: every signature of the
/// connection (one per TLS handshake) uses that session; the key never leaves the token.
/// Dropping the last `Arc` logs out (unless another live `TokenClientAuth` shares the
/// token's login) and closes the session. Built by [`Module::client_auth`].
///
/// When a signature fails during a handshake, rustls reports `Error::General` with this
/// crate's message; [`take_error`](Self::take_error) returns the full [`Error`] (for
/// example [`Error::TokenRemoved`] when the card was pulled).
pub struct TokenClientAuth {
    certified: Arc<CertifiedKey>,
    session: Arc<TokenSession>,
    schemes: Vec<SignatureScheme>,
    label: String,
    id: Vec<u8>,
    key_type: KeyType,
}

impl fmt::Debug for TokenClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenClientAuth")
            .field("token", &self.session.token)
            .field("label", &self.label)
            .field("id", &hex(&self.id))
            .field("key_type", &self.key_type)
            .field("chain_len", &self.certified.cert.len())
            .finish_non_exhaustive()
    }
}

/// What [`find_identity`] found on the token.
struct Found {
    cert: CertObject,
    key: ObjectHandle,
    chain: Vec<CertificateDer<'static>>,
    key_type: KeyType,
    spki: Vec<u8>,
}

impl TokenClientAuth {
    pub(crate) fn open(
        module: &Module,
        uri: &Pkcs11Uri,
        pin: &SecretString,
    ) -> Result<Self, Error> {
        let (slot, info) = choose_token(module, uri)?;
        let token = info.label.clone();
        match info.pin_status() {
            PinStatus::Locked if info.flags.login_required => {
                return Err(Error::PinLocked { token });
            }
            PinStatus::FinalTry => {
                tracing::warn!(token = %token, "CICSX0351W one more wrong PIN locks this token");
            }
            _ => {}
        }
        let session = module.open_session(slot, &info)?;
        // From here on, dropping `open` logs out (if logged in) and closes the session.
        let mut open = OpenSession {
            session,
            token: token.clone(),
            login: None,
        };
        if info.flags.login_required {
            login(module, slot, &info, &open.session, pin)?;
            open.login = Some(module.login_key(slot));
        }
        let found = find_identity(&open.session, uri, &token)?;
        let mechanisms = module
            .context()
            .get_mechanism_list(slot)
            .map_err(|e| token_error(&token, e))?;
        let schemes = schemes_for(&found.key_type, &mechanisms);
        if schemes.is_empty() {
            let reason = match &found.key_type {
                KeyType::Other(what) => format!("its key type is {what}"),
                other => format!(
                    "the token offers no mechanism to sign with this {other} key \
                     (CKM_ECDSA, CKM_RSA_PKCS or CKM_RSA_PKCS_PSS)"
                ),
            };
            return Err(Error::UnsupportedKey {
                token,
                label: found.cert.label,
                reason,
            });
        }
        let algorithm = match found.key_type {
            KeyType::Rsa { .. } => SignatureAlgorithm::RSA,
            _ => SignatureAlgorithm::ECDSA,
        };
        let session = Arc::new(TokenSession {
            token,
            session: Mutex::new(open),
            key: found.key,
            last_error: Mutex::new(None),
            signatures: AtomicU64::new(0),
        });
        let signing_key = TokenSigningKey {
            session: Arc::clone(&session),
            schemes: schemes.clone(),
            algorithm,
            spki: found.spki,
        };
        tracing::debug!(token = %session.token, label = %found.cert.label,
            key_type = %found.key_type, chain = found.chain.len(), "token client key ready");
        Ok(TokenClientAuth {
            certified: Arc::new(CertifiedKey::new(found.chain, Arc::new(signing_key))),
            session,
            schemes,
            label: found.cert.label,
            id: found.cert.id,
            key_type: found.key_type,
        })
    }

    /// Label of the token.
    pub fn token(&self) -> &str {
        &self.session.token
    }

    /// Label of the certificate on the token.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The `CKA_ID` shared by the certificate and its key.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// The key's type.
    pub fn key_type(&self) -> &KeyType {
        &self.key_type
    }

    /// The signature schemes offered to servers, best first.
    pub fn schemes(&self) -> &[SignatureScheme] {
        &self.schemes
    }

    /// The chain presented: the certificate first, then the intermediate certificates found
    /// on the token (self-signed roots are left out).
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.certified.cert
    }

    /// The client certificate.
    pub fn certificate(&self) -> &CertificateDer<'static> {
        // A chain always starts with the certificate found on the token.
        &self.certified.cert[0]
    }

    /// How many signatures the token made for this resolver.
    pub fn signatures(&self) -> u64 {
        self.session.signatures.load(Ordering::Relaxed)
    }

    /// The rustls signing key (for callers that build a `CertifiedKey` themselves, and for
    /// benchmarks).
    pub fn signing_key(&self) -> Arc<dyn SigningKey> {
        Arc::clone(&self.certified.key)
    }

    /// The error behind the last failed signature or resolution, taken out (rustls only
    /// carries its text).
    pub fn take_error(&self) -> Option<Error> {
        self.session
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

impl ResolvesClientCert for TokenClientAuth {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        if self.schemes.iter().any(|s| sigschemes.contains(s)) {
            Some(Arc::clone(&self.certified))
        } else {
            let _ = self.session.record(Error::UnsupportedKey {
                token: self.session.token.clone(),
                label: self.label.clone(),
                reason: format!(
                    "the server accepts none of its signature schemes ({:?})",
                    self.schemes
                ),
            });
            None
        }
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// Finds the certificate `uri` names that has a private key (same `CKA_ID`), the key, and
/// the certificate's chain among the token's other certificates.
fn find_identity(session: &Session, uri: &Pkcs11Uri, token: &str) -> Result<Found, Error> {
    let mut candidates = Vec::new();
    for cert in find_certificates(session, uri, token)? {
        if cert.id.is_empty() {
            continue;
        }
        let template = [
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(cert.id.clone()),
        ];
        if let Some(&key) = find_objects(session, &template, token)?.first() {
            candidates.push((cert, key));
        }
    }
    if candidates.len() > 1 {
        return Err(Error::Ambiguous {
            uri: uri.to_string(),
            count: candidates.len(),
            what: "certificates with keys",
        });
    }
    let Some((cert, key)) = candidates.pop() else {
        // A matching private key whose id no certificate on the token has?
        let cert_ids: Vec<Vec<u8>> = find_certificates(session, &Pkcs11Uri::default(), token)?
            .into_iter()
            .map(|c| c.id)
            .collect();
        for key in find_objects(
            session,
            &object_template(ObjectClass::PRIVATE_KEY, uri),
            token,
        )? {
            let (label, id) = label_and_id(session, key, token)?;
            if !cert_ids.contains(&id) {
                return Err(Error::KeyWithoutCertificate {
                    token: token.into(),
                    label,
                    id: hex(&id),
                });
            }
        }
        return Err(Error::CertificateNotFound {
            uri: uri.to_string(),
            token: token.into(),
        });
    };

    let bad = |reason: String| Error::BadCertificate {
        token: token.into(),
        label: cert.label.clone(),
        reason,
    };
    let parsed = parse_cert(&cert.der).map_err(bad)?;
    // The key's own type must agree with the certificate's.
    let key_attrs = session
        .get_attributes(key, &[AttributeType::KeyType])
        .map_err(|e| token_error(token, e))?;
    let ck_type = key_attrs.iter().find_map(|a| match a {
        Attribute::KeyType(t) => Some(*t),
        _ => None,
    });
    let agrees = match (&parsed.key_type, ck_type) {
        (KeyType::Rsa { .. }, Some(t)) => t == CkKeyType::RSA,
        (KeyType::EcdsaP256 | KeyType::EcdsaP384, Some(t)) => t == CkKeyType::EC,
        _ => true,
    };
    if !agrees {
        return Err(Error::UnsupportedKey {
            token: token.into(),
            label: cert.label,
            reason: format!(
                "the private key is not of the certificate's type ({})",
                parsed.key_type
            ),
        });
    }

    // The chain: issuers found on the token, up to (not including) a self-signed root.
    let others: Vec<(Vec<u8>, crate::module::ParsedCert)> =
        find_certificates(session, &Pkcs11Uri::default(), token)?
            .into_iter()
            .filter(|c| c.der != cert.der)
            .filter_map(|c| parse_cert(&c.der).ok().map(|p| (c.der, p)))
            .collect();
    let mut chain = vec![CertificateDer::from(cert.der.clone())];
    let mut issuer = parsed.issuer_raw.clone();
    let mut subject = parsed.subject_raw.clone();
    while issuer != subject && chain.len() < 8 {
        let Some((der, next)) = others.iter().find(|(der, p)| {
            p.subject_raw == issuer && !chain.iter().any(|c| c.as_ref() == der.as_slice())
        }) else {
            break;
        };
        if next.subject_raw == next.issuer_raw {
            break; // the root: the server has it already
        }
        chain.push(CertificateDer::from(der.clone()));
        issuer = next.issuer_raw.clone();
        subject = next.subject_raw.clone();
    }
    Ok(Found {
        cert,
        key,
        chain,
        key_type: parsed.key_type,
        spki: parsed.spki,
    })
}

/// The one token `uri` names; among several matching tokens, the one holding a matching
/// certificate (certificates are public objects, visible before login).
fn choose_token(module: &Module, uri: &Pkcs11Uri) -> Result<(Slot, TokenInfo), Error> {
    let mut tokens = module.matching_tokens(uri)?;
    if tokens.len() > 1 {
        let mut holding = Vec::new();
        for (slot, info) in tokens {
            // A token that cannot be read (being reset, removed since listed) holds nothing.
            let holds = module.open_session(slot, &info).is_ok_and(|session| {
                find_certificates(&session, uri, &info.label).is_ok_and(|c| !c.is_empty())
            });
            if holds {
                holding.push((slot, info));
            }
        }
        if holding.is_empty() {
            return Err(Error::CertificateNotFound {
                uri: uri.to_string(),
                token: "any token".into(),
            });
        }
        if holding.len() > 1 {
            return Err(Error::Ambiguous {
                uri: uri.to_string(),
                count: holding.len(),
                what: "tokens",
            });
        }
        tokens = holding;
    }
    Ok(tokens.remove(0))
}

/// Logs the session in, sharing the application's login when another connection holds it.
fn login(
    module: &Module,
    slot: Slot,
    info: &TokenInfo,
    session: &Session,
    pin: &SecretString,
) -> Result<(), Error> {
    let key = module.login_key(slot);
    let mut logins = logins();
    let shared = logins.get(&key).copied().unwrap_or(0) > 0
        && matches!(
            session.get_session_info().map(|i| i.session_state()),
            Ok(SessionState::RoUser | SessionState::RwUser)
        );
    if !shared {
        let pin_pad = info.flags.protected_authentication_path && pin.expose_secret().is_empty();
        if pin.expose_secret().is_empty() && !pin_pad {
            // No PIN was had (no terminal, say): sending an empty one would use up a try.
            return Err(Error::PinRequired {
                token: info.label.clone(),
            });
        }
        let refused_key = (key.0.clone(), key.1, info.serial.clone());
        let tag = (!pin_pad).then(|| pin_tag(pin)).flatten();
        if let Some(tag) = &tag
            && refused().get(&refused_key).is_some_and(|t| {
                aws_lc_rs::constant_time::verify_slices_are_equal(t.as_ref(), tag.as_ref()).is_ok()
            })
        {
            return Err(Error::PinRefused {
                token: info.label.clone(),
            });
        }
        let result = if pin_pad {
            session.login(UserType::User, None)
        } else {
            session.login(UserType::User, Some(pin))
        };
        match result {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                refused().remove(&refused_key);
            }
            Err(CkError::Pkcs11(
                RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange,
                _,
            )) => {
                if let Some(tag) = tag {
                    refused().insert(refused_key, tag);
                }
                // The flags after the failure say how many tries are left.
                let status = module
                    .tokens()
                    .ok()
                    .and_then(|ts| {
                        ts.into_iter()
                            .find(|t| t.slot_id == info.slot_id && t.present)
                    })
                    .map_or(PinStatus::Ok, |t| t.pin_status());
                return Err(Error::WrongPin {
                    token: info.label.clone(),
                    status,
                });
            }
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => {
                return Err(Error::PinLocked {
                    token: info.label.clone(),
                });
            }
            Err(e) => return Err(token_error(&info.label, e)),
        }
    }
    *logins.entry(key).or_insert(0) += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_follow_the_token_mechanisms() {
        let all = [
            MechanismType::ECDSA,
            MechanismType::RSA_PKCS,
            MechanismType::RSA_PKCS_PSS,
        ];
        let rsa = KeyType::Rsa { bits: 2048 };
        assert_eq!(schemes_for(&rsa, &all).len(), 6);
        assert_eq!(schemes_for(&rsa, &all)[0], SignatureScheme::RSA_PSS_SHA256);
        // A token without PSS can only do PKCS#1 v1.5 (so TLS 1.2 only).
        let pkcs1 = schemes_for(&rsa, &[MechanismType::RSA_PKCS]);
        assert_eq!(pkcs1[0], SignatureScheme::RSA_PKCS1_SHA256);
        assert_eq!(pkcs1.len(), 3);
        assert_eq!(
            schemes_for(&KeyType::EcdsaP384, &all),
            [SignatureScheme::ECDSA_NISTP384_SHA384]
        );
        assert!(schemes_for(&KeyType::EcdsaP256, &[MechanismType::RSA_PKCS]).is_empty());
        assert!(schemes_for(&KeyType::Other("1.3.101.112".into()), &all).is_empty());
    }

    #[test]
    fn digest_info_prefixes_announce_the_hash_length() {
        for (scheme, len) in [
            (SignatureScheme::RSA_PKCS1_SHA256, 32),
            (SignatureScheme::RSA_PKCS1_SHA384, 48),
            (SignatureScheme::RSA_PKCS1_SHA512, 64),
        ] {
            let prefix = digest_info_prefix(scheme).unwrap();
            assert_eq!(hash_for(scheme).output_len(), len);
            // SEQUENCE length covers the rest; the OCTET STRING length is the hash's.
            assert_eq!(usize::from(prefix[1]), prefix.len() - 2 + len);
            assert_eq!(usize::from(prefix[prefix.len() - 1]), len);
        }
        assert!(digest_info_prefix(SignatureScheme::RSA_PSS_SHA256).is_none());
    }
}
