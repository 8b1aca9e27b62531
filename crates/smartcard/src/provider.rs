//! Where client certificates with non-exportable keys come from: the provider trait.

use std::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls_pki_types::CertificateDer;
use secrecy::SecretString;

use crate::{Error, KeyType, Module, Pkcs11Uri};

/// A certificate with a private key that a [`CertificateProvider`] can use for TLS client
/// authentication.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Identity {
    /// What to store in a connection to find this identity again, and to pass to
    /// [`CertificateProvider::open`]: a PKCS#11 URI for a token.
    pub locator: String,
    /// A short name to show, e.g. `me on token "cicstest"`.
    pub name: String,
    /// The certificate.
    pub certificate: CertificateDer<'static>,
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// The key's type.
    pub key_type: KeyType,
    /// True if a PIN must be passed to [`CertificateProvider::open`] (false for tokens with a
    /// PIN pad, and for providers where the operating system asks).
    pub needs_pin: bool,
}

/// A source of client certificates whose private keys stay where they are: a PKCS#11 token
/// ([`Module`]), and later the Windows certificate store (CNG) behind `cfg(windows)`.
///
/// Callers list [`identities`](Self::identities), store the chosen one's
/// [`locator`](Identity::locator) in the connection, and [`open`](Self::open) it for each
/// connection, passing the result to `cicsx_handshake::ClientAuth::Resolver`.
pub trait CertificateProvider: Send + Sync {
    /// A name for the provider, for messages, e.g. `PKCS#11 module /usr/lib/...`.
    fn name(&self) -> String;

    /// The usable identities: certificates that have a private key.
    fn identities(&self) -> Result<Vec<Identity>, Error>;

    /// Opens one identity for one connection, logging in with `pin` where one is needed.
    fn open(
        &self,
        locator: &str,
        pin: Option<&SecretString>,
    ) -> Result<Arc<dyn ResolvesClientCert>, Error>;
}

impl CertificateProvider for Module {
    fn name(&self) -> String {
        format!("PKCS#11 module {}", self.path().display())
    }

    /// The certificates with a private key on every present token.
    fn identities(&self) -> Result<Vec<Identity>, Error> {
        let tokens = self.tokens()?;
        let certificates = match self.certificates(&Pkcs11Uri::default()) {
            Err(Error::NoToken { .. }) => Vec::new(),
            other => other?,
        };
        Ok(certificates
            .into_iter()
            .filter(|c| c.has_private_key)
            .map(|c| {
                let needs_pin = tokens
                    .iter()
                    .find(|t| t.present && t.label == c.token)
                    .is_none_or(|t| {
                        t.flags.login_required && !t.flags.protected_authentication_path
                    });
                Identity {
                    locator: c.uri.to_string(),
                    name: format!("{} on token \"{}\"", c.label, c.token),
                    certificate: c.certificate,
                    subject: c.subject,
                    issuer: c.issuer,
                    key_type: c.key_type,
                    needs_pin,
                }
            })
            .collect())
    }

    /// Parses `locator` as a PKCS#11 URI and calls [`Module::client_auth`]. Without a PIN,
    /// a token that needs one gives [`Error::PinRequired`] (a token with a PIN pad asks on
    /// the reader).
    fn open(
        &self,
        locator: &str,
        pin: Option<&SecretString>,
    ) -> Result<Arc<dyn ResolvesClientCert>, Error> {
        let uri: Pkcs11Uri = locator.parse()?;
        let empty = SecretString::from(String::new());
        let pin = match pin {
            Some(pin) => pin,
            None => {
                let (_, info) =
                    self.matching_tokens(&uri)?
                        .into_iter()
                        .next()
                        .ok_or_else(|| Error::NoToken {
                            module: self.path().to_path_buf(),
                        })?;
                if info.flags.login_required && !info.flags.protected_authentication_path {
                    return Err(Error::PinRequired { token: info.label });
                }
                &empty
            }
        };
        let resolver: Arc<dyn ResolvesClientCert> = self.client_auth(&uri, pin)?;
        Ok(resolver)
    }
}
