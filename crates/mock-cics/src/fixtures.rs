//! The test PKI from the workspace's `fixtures/` directory, compiled in.
//!
//! Embedding means a mock region runs from any directory (the `cicsx demo` command uses it).
//! `fixtures/README.md` describes every file; `cargo xtask fixtures` regenerates them.
//! Everything here is test material: the private keys are public.

/// Root CA certificate (PEM) that every "good" certificate chains to (`ca/root.pem`).
pub const ROOT_CA_PEM: &str = include_str!("../../../fixtures/ca/root.pem");
/// Intermediate CA certificate (PEM) that issued the server and client certificates
/// (`ca/intermediate.pem`).
pub const INTERMEDIATE_CA_PEM: &str = include_str!("../../../fixtures/ca/intermediate.pem");
/// An unrelated root CA certificate (PEM) that nothing trusts (`other-ca/root.pem`).
pub const OTHER_CA_PEM: &str = include_str!("../../../fixtures/other-ca/root.pem");
/// PKCS#12 trust store with the root and intermediate CA as trusted entries
/// (`ca/truststore.p12`, pass phrase [`P12_PASSPHRASE`]).
pub const TRUSTSTORE_P12: &[u8] = include_bytes!("../../../fixtures/ca/truststore.p12");

/// Pass phrase of every PKCS#12 fixture.
pub const P12_PASSPHRASE: &str = "changeit";
/// Common name of both client certificates; a mock region signs their holder on as this user.
pub const CLIENT_CN: &str = "CICSUSER";
/// Alias of the key entry in [`CLIENT_ECDSA_P12`].
pub const CLIENT_ECDSA_ALIAS: &str = "cicsuser-ecdsa";
/// Alias of the key entry in [`CLIENT_RSA_P12`].
pub const CLIENT_RSA_ALIAS: &str = "cicsuser-rsa";

/// Client certificate (ECDSA P-256) followed by the intermediate CA, PEM.
pub const CLIENT_ECDSA_PEM: &str = include_str!("../../../fixtures/client/ecdsa.pem");
/// Key of [`CLIENT_ECDSA_PEM`], PKCS#8 PEM.
pub const CLIENT_ECDSA_KEY_PEM: &str = include_str!("../../../fixtures/client/ecdsa.key.pem");
/// PKCS#12 holding the ECDSA client key with its chain (leaf, intermediate, root).
pub const CLIENT_ECDSA_P12: &[u8] = include_bytes!("../../../fixtures/client/ecdsa.p12");
/// Client certificate (RSA-2048) followed by the intermediate CA, PEM.
pub const CLIENT_RSA_PEM: &str = include_str!("../../../fixtures/client/rsa.pem");
/// Key of [`CLIENT_RSA_PEM`], PKCS#8 PEM.
pub const CLIENT_RSA_KEY_PEM: &str = include_str!("../../../fixtures/client/rsa.key.pem");
/// PKCS#12 holding the RSA client key with its chain (leaf, intermediate, root).
pub const CLIENT_RSA_P12: &[u8] = include_bytes!("../../../fixtures/client/rsa.p12");

/// Server certificate (ECDSA P-256, `localhost`, `127.0.0.1`, `::1`) + intermediate, PEM.
pub const SERVER_ECDSA_PEM: &str = include_str!("../../../fixtures/server/ecdsa.pem");
/// Key of [`SERVER_ECDSA_PEM`].
pub const SERVER_ECDSA_KEY_PEM: &str = include_str!("../../../fixtures/server/ecdsa.key.pem");
/// Server certificate with an RSA-2048 key + intermediate, PEM.
pub const SERVER_RSA_PEM: &str = include_str!("../../../fixtures/server/rsa.pem");
/// Key of [`SERVER_RSA_PEM`].
pub const SERVER_RSA_KEY_PEM: &str = include_str!("../../../fixtures/server/rsa.key.pem");
/// Server certificate that expired on 2021-01-01 + intermediate, PEM.
pub const SERVER_EXPIRED_PEM: &str = include_str!("../../../fixtures/server/expired.pem");
/// Key of [`SERVER_EXPIRED_PEM`].
pub const SERVER_EXPIRED_KEY_PEM: &str = include_str!("../../../fixtures/server/expired.key.pem");
/// Server certificate for `wrong.example.invalid` only + intermediate, PEM.
pub const SERVER_WRONG_HOST_PEM: &str = include_str!("../../../fixtures/server/wrong-host.pem");
/// Key of [`SERVER_WRONG_HOST_PEM`].
pub const SERVER_WRONG_HOST_KEY_PEM: &str =
    include_str!("../../../fixtures/server/wrong-host.key.pem");
/// Self-signed server certificate (`localhost`, `127.0.0.1`, `::1`), PEM.
pub const SERVER_SELF_SIGNED_PEM: &str = include_str!("../../../fixtures/server/self-signed.pem");
/// Key of [`SERVER_SELF_SIGNED_PEM`].
pub const SERVER_SELF_SIGNED_KEY_PEM: &str =
    include_str!("../../../fixtures/server/self-signed.key.pem");
/// Server certificate issued by the unrelated CA ([`OTHER_CA_PEM`]), PEM.
pub const SERVER_UNKNOWN_CA_PEM: &str = include_str!("../../../fixtures/server/unknown-ca.pem");
/// Key of [`SERVER_UNKNOWN_CA_PEM`].
pub const SERVER_UNKNOWN_CA_KEY_PEM: &str =
    include_str!("../../../fixtures/server/unknown-ca.key.pem");

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};

    fn certs(pem: &str) -> usize {
        CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.len())
            .unwrap_or(0)
    }

    #[test]
    fn pem_fixtures_parse() {
        for (pem, n) in [
            (ROOT_CA_PEM, 1),
            (INTERMEDIATE_CA_PEM, 1),
            (OTHER_CA_PEM, 1),
            (CLIENT_ECDSA_PEM, 2),
            (CLIENT_RSA_PEM, 2),
            (SERVER_ECDSA_PEM, 2),
            (SERVER_RSA_PEM, 2),
            (SERVER_EXPIRED_PEM, 2),
            (SERVER_WRONG_HOST_PEM, 2),
            (SERVER_SELF_SIGNED_PEM, 1),
            (SERVER_UNKNOWN_CA_PEM, 1),
        ] {
            assert_eq!(certs(pem), n, "{pem}");
        }
        for key in [
            CLIENT_ECDSA_KEY_PEM,
            CLIENT_RSA_KEY_PEM,
            SERVER_ECDSA_KEY_PEM,
            SERVER_RSA_KEY_PEM,
            SERVER_EXPIRED_KEY_PEM,
            SERVER_WRONG_HOST_KEY_PEM,
            SERVER_SELF_SIGNED_KEY_PEM,
            SERVER_UNKNOWN_CA_KEY_PEM,
        ] {
            assert!(matches!(
                PrivateKeyDer::from_pem_slice(key.as_bytes()),
                Ok(PrivateKeyDer::Pkcs8(_))
            ));
        }
    }
}
