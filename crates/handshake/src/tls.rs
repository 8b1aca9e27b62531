//! rustls client configuration: strong cryptography only.

use std::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, SupportedCipherSuite};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::Error;

/// Which TLS protocol versions to offer: the "secure socket protocol" preference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsVersions {
    /// The best available: TLS 1.3, falling back to TLS 1.2.
    #[default]
    Default,
    /// TLS 1.2 only.
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

/// The certificate cicsx presents when the server asks for one.
pub enum ClientAuth {
    /// A certificate chain (leaf first) and its private key, e.g. from a PKCS#12 keystore.
    Key {
        /// Leaf first, then intermediates.
        chain: Vec<CertificateDer<'static>>,
        /// The private key of the leaf.
        key: PrivateKeyDer<'static>,
    },
    /// A resolver that signs elsewhere, e.g. on a smart card.
    Resolver(Arc<dyn ResolvesClientCert>),
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Key { chain, .. } => f
                .debug_struct("ClientAuth::Key")
                .field("chain_len", &chain.len())
                .finish_non_exhaustive(),
            Self::Resolver(_) => f.write_str("ClientAuth::Resolver"),
        }
    }
}

/// Everything needed to build a TLS client configuration for one connection.
#[derive(Debug)]
pub struct TlsOptions {
    /// Decides whether the server's certificate is trusted.
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// The client certificate, if any.
    pub client_auth: Option<ClientAuth>,
    /// Protocol versions to offer.
    pub versions: TlsVersions,
    /// Server name to send (SNI) and to verify, when it differs from the host connected to.
    pub server_name: Option<String>,
}

/// The cipher suites cicsx will ever negotiate: TLS 1.3 suites, and TLS 1.2 suites with ECDHE
/// key exchange and AEAD encryption. (rustls offers nothing weaker; this filter states the
/// policy rather than relying on a default.)
pub fn strong_cipher_suites() -> Vec<SupportedCipherSuite> {
    rustls::crypto::aws_lc_rs::default_provider()
        .cipher_suites
        .into_iter()
        .filter(|suite| match suite {
            SupportedCipherSuite::Tls13(_) => true,
            SupportedCipherSuite::Tls12(s) => {
                let name = format!("{:?}", s.common.suite);
                name.starts_with("TLS_ECDHE_")
                    && (name.contains("_GCM_") || name.contains("CHACHA20_POLY1305"))
            }
        })
        .collect()
}

/// Builds the rustls client configuration for `options`.
///
/// Build it once and reuse it for every connection to the same server: the configuration holds
/// the TLS session cache that makes reconnects cheap (resumption).
pub fn client_config(options: TlsOptions) -> Result<Arc<ClientConfig>, Error> {
    let provider = CryptoProvider {
        cipher_suites: strong_cipher_suites(),
        ..rustls::crypto::aws_lc_rs::default_provider()
    };
    let versions: &[&'static rustls::SupportedProtocolVersion] = match options.versions {
        TlsVersions::Default => &[&rustls::version::TLS13, &rustls::version::TLS12],
        TlsVersions::Tls12 => &[&rustls::version::TLS12],
        TlsVersions::Tls13 => &[&rustls::version::TLS13],
    };
    let builder = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions)
        .map_err(|e| Error::Config {
            reason: format!("the TLS protocol settings are not usable: {e}"),
        })?
        .dangerous()
        .with_custom_certificate_verifier(options.verifier);
    let mut config =
        match options.client_auth {
            None => builder.with_no_client_auth(),
            Some(ClientAuth::Key { chain, key }) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| Error::Config {
                    reason: format!("the client certificate or its key cannot be used: {e}"),
                })?,
            Some(ClientAuth::Resolver(resolver)) => builder.with_client_cert_resolver(resolver),
        };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forward_secret_aead_suites() {
        let suites = strong_cipher_suites();
        assert!(!suites.is_empty());
        for suite in &suites {
            let name = format!("{:?}", suite.suite());
            assert!(
                name.starts_with("TLS13_") || name.starts_with("TLS_ECDHE_"),
                "{name}"
            );
            assert!(
                !name.contains("CBC") && !name.contains("SHA_") || name.starts_with("TLS13_"),
                "{name}"
            );
        }
        assert!(
            suites
                .iter()
                .any(|s| matches!(s, SupportedCipherSuite::Tls12(_)))
        );
    }
}
