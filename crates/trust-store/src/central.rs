//! The central truststore: a read-only set of anchors an organisation shares, at a path or an
//! `https://` URL, re-read at every start and cached for when it cannot be reached.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use cicsx_keystore::{DEFAULT_PASSPHRASE, Keystore, SecretString};
use rustls_pki_types::CertificateDer;

use crate::info::rfc3339;
use crate::store::parse_pem_certificates;
use crate::{AnchorSource, Error, Fingerprint};

/// The message ID of the warning given when the cached copy of the central truststore is used.
pub const CENTRAL_STALE_ID: &str = "CICSX0213W";

/// Where the central truststore is: a file path, or an `https://` URL.
///
/// Its content is a PEM bundle of certificates, or a PKCS#12 or JKS truststore (recognised by
/// its bytes); every certificate in it is an anchor. A PKCS#12 or JKS truststore is opened with
/// the pass phrase `changeit` (Java's and CICS Explorer's default) unless another is given to
/// [`CentralTruststore::resolve_with`].
///
/// Sans-IO: the caller reads the file or fetches the URL, keeps the cache file (named
/// [`CentralTruststore::cache_file_name`]) and hands both to [`CentralTruststore::resolve`],
/// which decides what to trust.
///
/// ```
/// use cicsx_truststore::CentralTruststore;
///
/// let central = CentralTruststore::parse("https://pki.example.com/cics/truststore.pem")?;
/// assert!(central.is_url());
/// assert!(central.cache_file_name().starts_with("central-truststore-"));
///
/// // Nothing fetched and nothing cached: an error with its message ID.
/// let err = central.resolve(Err("connection refused".into()), None).unwrap_err();
/// assert_eq!(err.id(), "CICSX0212E");
///
/// // Plain http:// is refused: the truststore decides whom to trust.
/// assert_eq!(CentralTruststore::parse("http://pki.example.com/t.pem").unwrap_err().id(), "CICSX0211E");
/// # Ok::<(), cicsx_truststore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CentralTruststore {
    /// The path or `https://` URL, as given (trimmed).
    pub location: String,
}

/// What to trust from the central truststore this time, and what to cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralResolution {
    /// The certificates to add as anchors (source [`AnchorSource::Central`]); never empty.
    pub anchors: Vec<CertificateDer<'static>>,
    /// New content for the cache file, when the truststore was read now: the anchors as a PEM
    /// bundle (readable without a pass phrase, and with `openssl`). `None` when the cache was
    /// used.
    pub write_cache: Option<Vec<u8>>,
    /// When the cached copy had to be used: one line to show the user, starting with the message
    /// ID `CICSX0213W`, naming the location, why it could not be used and the copy's age.
    pub warning: Option<String>,
}

impl CentralTruststore {
    /// Checks a location: a file path, or an `https://` URL with a host.
    ///
    /// # Errors
    /// [`Error::CentralLocation`] for an empty location, `http://` (not authenticated, so
    /// anyone on the way could change what is trusted), another scheme, a URL without a host or
    /// with a user name or password in it, or control characters.
    pub fn parse(location: &str) -> Result<Self, Error> {
        let location = location.trim();
        let refuse_as = |shown: &str, reason: &str| Error::CentralLocation {
            location: shown
                .chars()
                .take(200)
                .flat_map(char::escape_debug)
                .collect(),
            reason: reason.to_owned(),
        };
        let refuse = |reason: &str| refuse_as(location, reason);
        if location.is_empty() {
            return Err(refuse("it is empty"));
        }
        if location.chars().any(char::is_control) {
            return Err(refuse("it contains control characters"));
        }
        let Some((scheme, rest)) = location.split_once("://") else {
            return Ok(Self {
                location: location.to_owned(),
            });
        };
        match scheme.to_ascii_lowercase().as_str() {
            "https" => {}
            "http" => {
                return Err(refuse(
                    "http:// is not authenticated, so anyone between here and the server could \
                     change which servers are trusted; use https:// or a file",
                ));
            }
            "file" => return Err(refuse("give the file's path itself, without file://")),
            _ => return Err(refuse("only a file path or an https:// URL can be used")),
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((_, host_part)) = authority.rsplit_once('@') {
            // Never repeat the credentials, not even in the error.
            let shown = format!("{scheme}://***@{host_part}{}", &rest[authority.len()..]);
            return Err(refuse_as(
                &shown,
                "a user name or password in the URL is not supported (it would end up in logs)",
            ));
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        if host.is_empty() || location.chars().any(char::is_whitespace) {
            return Err(refuse("it is not a valid https:// URL"));
        }
        Ok(Self {
            location: location.to_owned(),
        })
    }

    /// True for an `https://` URL, false for a file path.
    pub fn is_url(&self) -> bool {
        self.location
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    }

    /// The file name for the cached copy in the workspace:
    /// `central-truststore-<first 16 hex digits of the SHA-256 of the location>.pem`. Stable
    /// across runs, different for different locations; the content is always PEM (see
    /// [`CentralResolution::write_cache`]).
    pub fn cache_file_name(&self) -> String {
        let digest = Fingerprint::of(self.location.as_bytes());
        let hex: String = digest.as_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("central-truststore-{hex}.pem")
    }

    /// The source to record for its anchors.
    pub fn source(&self) -> AnchorSource {
        AnchorSource::Central(self.location.clone())
    }

    /// Decides which anchors to use, with the pass phrase `changeit` and the clock now: see
    /// [`CentralTruststore::resolve_with`].
    ///
    /// # Errors
    /// [`Error::CentralUnavailable`] if neither what was read now nor the cache gives any
    /// certificate.
    pub fn resolve(
        &self,
        fetched: Result<Vec<u8>, String>,
        cached: Option<(Vec<u8>, SystemTime)>,
    ) -> Result<CentralResolution, Error> {
        self.resolve_with(
            fetched,
            cached,
            &SecretString::from(DEFAULT_PASSPHRASE),
            SystemTime::now(),
        )
    }

    /// Decides which anchors to use.
    ///
    /// `fetched` is what reading the file or URL gave now: its bytes, or why it failed.
    /// `cached` is the cache file's content and modification time, if there is one.
    ///
    /// - The fresh bytes hold certificates (PEM bundle, or a PKCS#12/JKS truststore opened with
    ///   `passphrase`): use them, and write them to the cache.
    /// - Otherwise (not reachable, or what came back is damaged, empty, or not a truststore, such
    ///   as a proxy's HTML page): use the cached copy, with a `CICSX0213W` warning saying why and
    ///   how old the copy is.
    /// - Neither: [`Error::CentralUnavailable`].
    ///
    /// # Errors
    /// [`Error::CentralUnavailable`] as above.
    pub fn resolve_with(
        &self,
        fetched: Result<Vec<u8>, String>,
        cached: Option<(Vec<u8>, SystemTime)>,
        passphrase: &SecretString,
        now: SystemTime,
    ) -> Result<CentralResolution, Error> {
        let reason = match fetched {
            Ok(bytes) => match read_anchors(&bytes, passphrase) {
                Ok(anchors) => {
                    let write_cache = Some(pem_bundle(&anchors));
                    return Ok(CentralResolution {
                        anchors,
                        write_cache,
                        warning: None,
                    });
                }
                Err(problem) => format!("is not a usable truststore ({problem})"),
            },
            Err(problem) => format!("cannot be read ({problem})"),
        };
        let unavailable = |cache: Option<String>| Error::CentralUnavailable {
            location: self.location.clone(),
            reason: reason.clone(),
            cache,
        };
        let Some((bytes, modified)) = cached else {
            return Err(unavailable(None));
        };
        let anchors = read_anchors(&bytes, passphrase).map_err(|p| unavailable(Some(p)))?;
        let age = now.duration_since(modified).unwrap_or(Duration::ZERO);
        let saved = modified
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .map(rfc3339)
            .unwrap_or_else(|| "an unknown time".to_owned());
        let warning = format!(
            "{CENTRAL_STALE_ID} the central truststore {} {reason}; using the copy saved {} ago \
             ({saved}), {} certificate(s)",
            self.location,
            describe_age(age),
            anchors.len()
        );
        tracing::warn!("{warning}");
        Ok(CentralResolution {
            anchors,
            write_cache: None,
            warning: Some(warning),
        })
    }
}

/// The certificates of a central truststore's content; why not, as text.
fn read_anchors(
    bytes: &[u8],
    passphrase: &SecretString,
) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<CertificateDer<'static>> = if is_pem(bytes) {
        parse_pem_certificates(bytes).map_err(|e| format!("{} {e}", e.id()))?
    } else {
        let store =
            Keystore::read(bytes, None, passphrase).map_err(|e| format!("{} {e}", e.id()))?;
        store.trusted().map(|t| t.certificate.clone()).collect()
    };
    if certs.is_empty() {
        return Err("it holds no certificates".into());
    }
    Ok(certs)
}

fn is_pem(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii_start();
    text.starts_with(b"-----BEGIN ") || bytes.windows(12).any(|w| w == b"\n-----BEGIN ")
}

/// Certificates as a PEM bundle, 64 base64 characters a line.
pub(crate) fn pem_bundle(certs: &[CertificateDer<'_>]) -> Vec<u8> {
    let mut out = String::new();
    for cert in certs {
        let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            // base64 output is ASCII.
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out.into_bytes()
}

/// "5 minutes", "3 hours", "12 days".
fn describe_age(age: Duration) -> String {
    let secs = age.as_secs();
    let (n, unit) = if secs < 2 * 3600 {
        (secs / 60, "minute")
    } else if secs < 2 * 86_400 {
        (secs / 3600, "hour")
    } else {
        (secs / 86_400, "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        for ok in [
            "/etc/cicsx/truststore.p12",
            "  relative/ts.pem ",
            "C:\\Users\\me\\ts.jks",
            "https://pki.example.com/ts.pem",
            "HTTPS://pki.example.com:8443/a/b?x=1",
            "https://[2001:db8::1]/ts.pem",
        ] {
            let c = CentralTruststore::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(c.location, ok.trim());
        }
        assert!(CentralTruststore::parse("HTTPS://x/y").unwrap().is_url());
        assert!(!CentralTruststore::parse("/x/y").unwrap().is_url());

        for (bad, says) in [
            ("", "empty"),
            ("   ", "empty"),
            ("http://pki.example.com/ts.pem", "https://"),
            ("HTTP://pki.example.com/ts.pem", "https://"),
            ("ftp://pki.example.com/ts.pem", "https://"),
            ("file:///etc/ts.pem", "path"),
            ("https://", "valid"),
            ("https:///ts.pem", "valid"),
            ("https://user:secret@pki.example.com/ts.pem", "password"),
            ("https://pki.example.com/a b", "valid"),
            ("/etc/ts\n.pem", "control"),
        ] {
            let err = CentralTruststore::parse(bad).unwrap_err();
            assert_eq!(err.id(), "CICSX0211E", "{bad}");
            assert!(err.to_string().contains(says), "{bad}: {err}");
            assert!(!err.to_string().contains("secret"), "{err}");
        }
    }

    #[test]
    fn cache_names_are_stable_and_distinct() {
        let a = CentralTruststore::parse("https://a.example.com/ts.pem").unwrap();
        let b = CentralTruststore::parse("https://b.example.com/ts.pem").unwrap();
        assert_eq!(a.cache_file_name(), a.clone().cache_file_name());
        assert_ne!(a.cache_file_name(), b.cache_file_name());
        let name = a.cache_file_name();
        let hex = name
            .strip_prefix("central-truststore-")
            .and_then(|n| n.strip_suffix(".pem"))
            .unwrap();
        assert_eq!(hex.len(), 16);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        // SHA-256("https://a.example.com/ts.pem"), first 8 bytes: fixed forever, or users
        // lose their cached copy on upgrade.
        assert_eq!(name, "central-truststore-cf40355afa367661.pem");
        assert_eq!(
            a.source().to_string(),
            "central truststore https://a.example.com/ts.pem"
        );
    }

    #[test]
    fn ages() {
        assert_eq!(describe_age(Duration::from_secs(59)), "0 minutes");
        assert_eq!(describe_age(Duration::from_secs(60)), "1 minute");
        assert_eq!(describe_age(Duration::from_secs(3 * 3600)), "3 hours");
        assert_eq!(describe_age(Duration::from_secs(86_400 + 3600)), "25 hours");
        assert_eq!(describe_age(Duration::from_secs(12 * 86_400)), "12 days");
    }

    #[test]
    fn pem_bundle_round_trips() {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["x.example.com".to_owned()]).unwrap();
        let cert = params.self_signed(&key).unwrap().der().clone();
        let pem = pem_bundle(&[cert.clone(), cert.clone()]);
        let text = String::from_utf8(pem.clone()).unwrap();
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(
            parse_pem_certificates(&pem).unwrap(),
            vec![cert.clone(), cert]
        );
    }
}
