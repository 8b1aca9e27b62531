//! The session layer: from a stored connection to an open, trusted CMCI connection.
//!
//! [`Connector`] turns a [`Connection`] and the security [`Preferences`] of a workspace into everything a connect
//! needs: the trust store (the workspace keystore's trusted entries and first-use pins, and the
//! configured truststore), the client certificate, the secure socket protocol. Its
//! [`Connector::connect`] returns either an open connection or an error that says what to do;
//! a server certificate that nothing trusts comes back as [`Error::UntrustedCertificate`] with
//! the chain, so that the caller (CLI prompt, GUI dialog) can show a certificate alert and call
//! [`Connector::accept_certificate`], which pins it in the keystore for that host and port.
//!
//! The CLI and the GUI both connect through here, so they behave the same.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use cicsx_handshake::{ClientAuth, Endpoint, HttpConnection, Timeouts, TlsOptions, TlsVersions};
use cicsx_keystore::{Keystore, KeystoreFile, SecretString};
use cicsx_profile::{Connection, Credential, Preferences, Protocol, Workspace};
use cicsx_truststore::{
    AnchorSource, CentralTruststore, Rejection, TrustOutcome, TrustStore, TrustVerifier,
    Verification,
};
use rustls::ClientConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::Error;

/// The secrets a connect may need, gathered by the caller (prompt, environment, GUI field).
#[derive(Default)]
pub struct Secrets {
    /// The pass phrase of the keystore; `None` means the default, `changeit`.
    pub keystore_passphrase: Option<SecretString>,
    /// The pass phrase of a PKCS#12 file named by the connection's credential.
    pub pkcs12_passphrase: Option<SecretString>,
    /// The PIN of the smart card named by the connection's credential.
    pub pin: Option<SecretString>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

/// Everything needed to connect to one CICS region, prepared from a stored connection.
pub struct Connector {
    endpoint: Endpoint,
    secure: bool,
    trust: Arc<TrustStore>,
    verification: Verification,
    client_key: Option<Identity>,
    versions: TlsVersions,
    timeouts: Timeouts,
    keystore: KeystoreFile,
    keystore_passphrase: SecretString,
    warnings: Vec<String>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("endpoint", &self.endpoint)
            .field("secure", &self.secure)
            .field("client_certificate", &self.client_key.is_some())
            .finish_non_exhaustive()
    }
}

/// What every connect of one workspace shares: the keystore opened once, the merged trust
/// store (the central truststore re-read once), the security preferences, and the warnings
/// about them. Prepare once, then make a [`Connector`] per connection with
/// [`Connector::prepared`]: a query across many connections opens the keystore once, not once
/// per connection.
pub struct Preparation {
    keystore: KeystoreFile,
    store: Keystore,
    keystore_passphrase: SecretString,
    trust: Arc<TrustStore>,
    verification: Verification,
    versions: TlsVersions,
    timeouts: Timeouts,
    warnings: Vec<String>,
    /// Client certificate files opened so far, by path and a digest of the pass phrase that
    /// opened them (so a wrong pass phrase never gets a file opened with the right one).
    client_files: Mutex<HashMap<ClientFileKey, Arc<Keystore>>>,
}

/// A client certificate file: its path and a digest of the pass phrase that opened it.
type ClientFileKey = (PathBuf, [u8; 32]);

impl std::fmt::Debug for Preparation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preparation")
            .field("keystore", &self.keystore.path())
            .field("anchors", &self.trust.anchors().len())
            .finish_non_exhaustive()
    }
}

impl Preparation {
    /// Opens the keystore (creating the workspace's default keystore with pass phrase
    /// `changeit` on first use) and builds the trust store; with `secure`, also re-reads the
    /// central truststore (which may mean fetching it over https) and collects warnings (a
    /// stale central truststore, certificates that expire within 30 days). Nothing is sent to
    /// a CICS region.
    pub async fn new(
        workspace: &Workspace,
        preferences: &Preferences,
        secrets: &Secrets,
        secure: bool,
    ) -> Result<Self, Error> {
        let Prepared {
            keystore,
            store,
            keystore_passphrase,
            mut trust,
        } = prepare(workspace, preferences, secrets, secure)?;
        let mut warnings = Vec::new();
        if secure {
            if let Some(warning) = add_central(workspace, preferences, &mut trust, true).await? {
                warnings.push(warning);
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            warnings.extend(
                cicsx_truststore::expiry_warnings(&trust, &store, now, EXPIRY_WARNING_DAYS)
                    .iter()
                    .map(|w| format!("{} {w}", w.id())),
            );
        }
        Ok(Self {
            keystore,
            store,
            keystore_passphrase,
            trust: Arc::new(trust),
            verification: if preferences.trust_verification {
                Verification::On
            } else {
                Verification::Off
            },
            versions: match preferences.protocol {
                Protocol::Default => TlsVersions::Default,
                Protocol::Tls12 => TlsVersions::Tls12,
                Protocol::Tls13 => TlsVersions::Tls13,
            },
            timeouts: match preferences.timeout {
                Some(secs) => {
                    let limit = std::time::Duration::from_secs(secs);
                    Timeouts {
                        connect: limit,
                        handshake: limit,
                        response: limit,
                    }
                }
                None => Timeouts::default(),
            },
            warnings,
            client_files: Mutex::new(HashMap::new()),
        })
    }

    /// Warnings to show before connecting: a central truststore that could not be re-read,
    /// certificates that expire within 30 days or have expired.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The merged trust store.
    pub fn trust_store(&self) -> &TrustStore {
        &self.trust
    }

    /// Opens a client certificate file once per path and pass phrase.
    fn client_file(&self, path: &Path, passphrase: &SecretString) -> Result<Arc<Keystore>, Error> {
        use secrecy::ExposeSecret as _;
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            passphrase.expose_secret().as_bytes(),
        );
        let mut id = [0u8; 32];
        id.copy_from_slice(digest.as_ref());
        let key = (path.to_path_buf(), id);
        let mut files = self.client_files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = files.get(&key) {
            return Ok(Arc::clone(store));
        }
        let store = Arc::new(KeystoreFile::new(path.to_path_buf()).load(passphrase)?);
        files.insert(key, Arc::clone(&store));
        Ok(store)
    }
}

/// The client certificate of a connection: a key in memory, or one that stays on a token.
enum Identity {
    Key(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>),
    Token(Arc<cicsx_smartcard::TokenClientAuth>),
}

/// The smart card named by a connection: its module, the token part of its URI, and how the
/// token's PIN stands, so that a caller can warn before asking for the PIN.
pub fn smart_card(
    preferences: &Preferences,
    connection: &Connection,
) -> Result<Option<(cicsx_smartcard::Module, cicsx_smartcard::Pkcs11Uri)>, Error> {
    let Credential::SmartCard { uri, .. } = &connection.credential else {
        return Ok(None);
    };
    let module_path =
        preferences
            .smartcard_module
            .as_ref()
            .ok_or_else(|| Error::NoSmartCardModule {
                connection: connection.name.clone(),
            })?;
    let module = cicsx_smartcard::Module::load(module_path)?;
    let uri: cicsx_smartcard::Pkcs11Uri = uri.parse()?;
    Ok(Some((module, uri)))
}

/// An open connection, and how its server was trusted.
#[derive(Debug)]
pub struct Connected {
    /// The HTTP connection, ready for a [`crate::client::Client`].
    pub http: HttpConnection,
    /// How the server's certificate was trusted (`None` for a plain connection).
    pub trust: Option<TrustOutcome>,
}

impl Connector {
    /// Prepares a connect: a [`Preparation`] for this one connection (see there), then the
    /// client certificate. Nothing is sent to the CICS region.
    pub async fn new(
        workspace: &Workspace,
        preferences: &Preferences,
        connection: &Connection,
        secrets: &Secrets,
    ) -> Result<Self, Error> {
        connection.validate()?;
        let prepared = Preparation::new(workspace, preferences, secrets, connection.secure).await?;
        let mut connector = Self::prepared(&prepared, preferences, connection, secrets)?;
        connector.warnings = prepared.warnings;
        Ok(connector)
    }

    /// A connector for `connection` from a shared [`Preparation`]: loads the connection's
    /// client certificate (a file is opened once per preparation). The preparation's warnings
    /// are not repeated here.
    pub fn prepared(
        prepared: &Preparation,
        preferences: &Preferences,
        connection: &Connection,
        secrets: &Secrets,
    ) -> Result<Self, Error> {
        connection.validate()?;
        let client_key = match &connection.credential {
            Credential::Pkcs12File { path, alias, .. } => {
                let passphrase = secrets.pkcs12_passphrase.clone().unwrap_or_else(|| {
                    SecretString::from(cicsx_keystore::DEFAULT_PASSPHRASE.to_owned())
                });
                let ks = prepared.client_file(path, &passphrase)?;
                Some(pick_key(&ks, alias.as_deref(), path)?)
            }
            Credential::KeystoreCertificate {
                keystore: Some(path),
                alias,
                ..
            } => {
                let ks = prepared.client_file(path, &prepared.keystore_passphrase)?;
                Some(pick_key(&ks, alias.as_deref(), path)?)
            }
            Credential::KeystoreCertificate {
                keystore: None,
                alias,
                ..
            } => Some(pick_key(
                &prepared.store,
                alias.as_deref(),
                prepared.keystore.path(),
            )?),
            Credential::SmartCard { .. } => {
                let Some((module, uri)) = smart_card(preferences, connection)? else {
                    unreachable!("the credential is a smart card")
                };
                let pin = secrets
                    .pin
                    .clone()
                    .unwrap_or_else(|| SecretString::from(String::new()));
                Some(Identity::Token(module.client_auth(&uri, &pin)?))
            }
            _ => None,
        };
        Ok(Self {
            endpoint: Endpoint::new(connection.host.clone(), connection.port),
            secure: connection.secure,
            trust: Arc::clone(&prepared.trust),
            verification: prepared.verification,
            client_key,
            versions: prepared.versions,
            timeouts: prepared.timeouts.clone(),
            keystore: prepared.keystore.clone(),
            keystore_passphrase: prepared.keystore_passphrase.clone(),
            warnings: Vec::new(),
        })
    }

    /// Warnings to show before connecting: a central truststore that could not be re-read,
    /// certificates that expire within 30 days or have expired.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Replaces the time limits.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Where this connector connects.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Whether the connection uses TLS.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// Whether trust verification is off (every connect should then warn).
    pub fn verification_off(&self) -> bool {
        matches!(self.verification, Verification::Off)
    }

    /// Connects: TCP, then (for a secure connection) the TLS handshake with the trust store's
    /// verifier and the client certificate.
    pub async fn connect(&self) -> Result<Connected, Error> {
        if !self.secure {
            let http = HttpConnection::open(&self.endpoint, None, &self.timeouts).await?;
            return Ok(Connected { http, trust: None });
        }
        let ((config, verifier), key) = self.tls_config()?;
        match HttpConnection::open(&self.endpoint, Some((&config, None)), &self.timeouts).await {
            Ok(http) => {
                // Kept only after a handshake that worked, so that a verifier never reports
                // the outcome of an earlier, failed one.
                if let Some(key) = key {
                    configs().insert(key, Arc::clone(&config), Arc::clone(&verifier));
                }
                Ok(Connected {
                    http,
                    trust: verifier.outcome(),
                })
            }
            Err(err) => {
                // A kept configuration whose verifier has now seen a failure is dropped: its
                // record would otherwise colour how a later, unrelated failure is explained.
                if let Some(key) = key {
                    configs().remove(&key);
                }
                Err(self.explain_failure(err, &verifier))
            }
        }
    }

    /// Turns a failed TLS connect into the error to show, from what the verifier saw.
    fn explain_failure(&self, err: cicsx_handshake::Error, verifier: &TrustVerifier) -> Error {
        match (verifier.outcome(), verifier.presented_chain()) {
            (Some(TrustOutcome::Rejected(Rejection::UnknownIssuer)), Some(chain))
                if !chain.is_empty() =>
            {
                Error::UntrustedCertificate {
                    endpoint: self.endpoint.clone(),
                    chain,
                }
            }
            (Some(TrustOutcome::Rejected(rejection @ Rejection::WeakKey { .. })), _) => {
                Error::Trust(cicsx_truststore::Error::Rejected {
                    host: self.endpoint.host.clone(),
                    port: self.endpoint.port,
                    rejection,
                })
            }
            (Some(TrustOutcome::Rejected(Rejection::Changed { pinned, presented })), _) => {
                Error::CertificateChanged {
                    endpoint: self.endpoint.clone(),
                    pinned,
                    presented,
                }
            }
            _ => Error::Transport(err),
        }
    }

    /// The TLS client configuration for this connect, and its verifier: the one kept from an
    /// earlier connect in this process with the same key, so that the handshake can resume
    /// that session, or a new one. The key (also returned, to keep the configuration after a
    /// good handshake) covers the server, everything that decides trust
    /// ([`TrustStore::policy_digest`]), the client certificate and the protocol setting; rustls
    /// itself resumes only with the verifier that checked the session. Smart-card
    /// connections get no key: their signer holds a token session of its own connect.
    fn tls_config(&self) -> Result<(Kept, Option<[u8; 32]>), Error> {
        let key = self.config_key();
        if let Some(key) = key
            && let Some((config, verifier)) = configs().get(&key)
        {
            return Ok(((config, verifier), Some(key)));
        }
        let verifier =
            self.trust
                .verifier(&self.endpoint.host, self.endpoint.port, self.verification);
        let config = cicsx_handshake::client_config(TlsOptions {
            verifier: verifier.clone(),
            client_auth: self.client_key.as_ref().map(|identity| match identity {
                Identity::Key(chain, key) => ClientAuth::Key {
                    chain: chain.clone(),
                    key: key.clone_key(),
                },
                Identity::Token(token) => ClientAuth::Resolver(token.clone()),
            }),
            versions: self.versions,
            server_name: None,
        })?;
        Ok(((config, verifier), key))
    }

    fn config_key(&self) -> Option<[u8; 32]> {
        use aws_lc_rs::digest::{Context, SHA256};
        let mut ctx = Context::new(&SHA256);
        ctx.update(b"cicsx client config v1");
        ctx.update(&self.trust.policy_digest(
            &self.endpoint.host,
            self.endpoint.port,
            self.verification,
        ));
        ctx.update(&[match self.versions {
            TlsVersions::Default => 0,
            TlsVersions::Tls12 => 2,
            TlsVersions::Tls13 => 3,
        }]);
        match &self.client_key {
            None => ctx.update(&[0]),
            Some(Identity::Key(chain, _)) => {
                // The certificate names the key: the same certificate has the same key.
                ctx.update(&[1]);
                for cert in chain {
                    ctx.update(&(cert.len() as u64).to_be_bytes());
                    ctx.update(cert);
                }
            }
            Some(Identity::Token(_)) => return None,
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(ctx.finish().as_ref());
        Some(key)
    }

    /// Accepts `certificate` for this host and port: stores it in the keystore as a trusted
    /// entry (alias `host:port`), so that it is never asked about again, and trusts it in
    /// this connector.
    pub fn accept_certificate(
        &mut self,
        certificate: CertificateDer<'static>,
    ) -> Result<(), Error> {
        let alias = cicsx_truststore::pin_alias(&self.endpoint.host, self.endpoint.port);
        let cert = certificate.clone();
        self.keystore.update(&self.keystore_passphrase, |ks| {
            if ks.contains(&alias) {
                ks.remove(&alias)?;
            }
            ks.add_trusted(&alias, cert)
        })?;
        // Add the pin to the trust store this connector already has (keeping the truststore,
        // central truststore and system roots it was prepared with).
        let (host, port) = (self.endpoint.host.clone(), self.endpoint.port);
        Arc::make_mut(&mut self.trust).add_pin(
            &host,
            port,
            certificate,
            AnchorSource::Keystore(self.keystore.path().to_path_buf()),
        );
        Ok(())
    }
}

/// A kept configuration and the verifier inside it.
type Kept = (Arc<ClientConfig>, Arc<TrustVerifier>);

/// TLS client configurations kept for reuse within the process (see [`Connector::tls_config`]).
#[derive(Default)]
struct ConfigCache {
    map: Mutex<HashMap<[u8; 32], Kept>>,
}

impl ConfigCache {
    /// Most configurations kept; beyond that an arbitrary one is dropped (its next connect is
    /// a full handshake).
    const MAX: usize = 4096;

    fn get(&self, key: &[u8; 32]) -> Option<Kept> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).map(|(c, v)| (Arc::clone(c), Arc::clone(v)))
    }

    fn remove(&self, key: &[u8; 32]) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }

    fn insert(&self, key: [u8; 32], config: Arc<ClientConfig>, verifier: Arc<TrustVerifier>) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(&key)
            && map.len() >= Self::MAX
            && let Some(victim) = map.keys().next().copied()
        {
            map.remove(&victim);
        }
        map.insert(key, (config, verifier));
    }
}

fn configs() -> &'static ConfigCache {
    static CONFIGS: OnceLock<ConfigCache> = OnceLock::new();
    CONFIGS.get_or_init(ConfigCache::default)
}

impl crate::client::Reconnect for Connector {
    fn reconnect(
        &self,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<HttpConnection, Error>> + Send + '_>> {
        Box::pin(async move { self.connect().await.map(|c| c.http) })
    }
}

/// Trusted and client certificates that expire within this many days are warned about.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Adds the central truststore's anchors. With `reread`, a path is read and an https URL
/// fetched now (the fetch trusts the anchors so far and the operating system's roots), and a
/// good copy is cached in the workspace; when it cannot be read, the cached copy is used with
/// a warning. Without `reread` (listing commands) only the cached copy is used, if any.
async fn add_central(
    workspace: &Workspace,
    preferences: &Preferences,
    trust: &mut TrustStore,
    reread: bool,
) -> Result<Option<String>, Error> {
    let Some(location) = &preferences.central_truststore else {
        return Ok(None);
    };
    let central = CentralTruststore::parse(location)?;
    let cache_path = workspace.dir().join(central.cache_file_name());
    let cached = std::fs::read(&cache_path).ok().map(|bytes| {
        let modified = std::fs::metadata(&cache_path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| std::time::SystemTime::now());
        (bytes, modified)
    });
    let fetched = if !reread {
        match &cached {
            Some((bytes, _)) => Ok(bytes.clone()),
            None => Err("it has not been read yet".to_owned()),
        }
    } else if central.is_url() {
        let mut fetch_trust = trust.clone();
        let _ = fetch_trust.add_os_roots();
        fetch_https_bytes(location, &fetch_trust, &Timeouts::default()).await
    } else {
        std::fs::read(location).map_err(|e| e.to_string())
    };
    let resolution = central.resolve(fetched, cached)?;
    if let Some(bytes) = &resolution.write_cache
        && reread
    {
        workspace.ensure_dir()?;
        cicsx_keystore::fs::write_atomic(&cache_path, bytes, 0o644).map_err(|source| {
            Error::File {
                path: cache_path.clone(),
                source,
            }
        })?;
    }
    trust.add_central(&central, &resolution);
    Ok(resolution.warning)
}

/// What every connect (and `cicsx truststore list`) builds from the workspace and preferences.
struct Prepared {
    keystore: KeystoreFile,
    store: Keystore,
    keystore_passphrase: SecretString,
    trust: TrustStore,
}

fn prepare(
    workspace: &Workspace,
    preferences: &Preferences,
    secrets: &Secrets,
    open_keystore: bool,
) -> Result<Prepared, Error> {
    let keystore_path = preferences
        .keystore
        .clone()
        .unwrap_or_else(|| workspace.keystore_path());
    let keystore = KeystoreFile::new(keystore_path.clone());
    let keystore_passphrase = secrets
        .keystore_passphrase
        .clone()
        .unwrap_or_else(|| SecretString::from(cicsx_keystore::DEFAULT_PASSPHRASE.to_owned()));
    let store = if open_keystore {
        if !keystore.exists() {
            workspace.ensure_dir()?;
        }
        keystore.load_or_create(&keystore_passphrase)?.0
    } else {
        Keystore::new()
    };
    let mut trust = TrustStore::from_keystore(&store, AnchorSource::Keystore(keystore_path));
    if let Some(path) = &preferences.truststore {
        add_truststore(&mut trust, path, &keystore_passphrase)?;
    }
    if preferences.system_roots {
        trust.add_os_roots()?;
    }
    Ok(Prepared {
        keystore,
        store,
        keystore_passphrase,
        trust,
    })
}

/// The merged trust store of a workspace: the keystore's trusted entries and pins, and the
/// configured truststore. The keystore is read (never created) if it exists.
pub fn trust_store(
    workspace: &Workspace,
    preferences: &Preferences,
    secrets: &Secrets,
) -> Result<TrustStore, Error> {
    let path = preferences
        .keystore
        .clone()
        .unwrap_or_else(|| workspace.keystore_path());
    let exists = KeystoreFile::new(path).exists();
    let mut trust = prepare(workspace, preferences, secrets, exists)?.trust;
    if let Some(location) = &preferences.central_truststore {
        if CentralTruststore::parse(location)?.is_url() {
            // Listing: the copy cached by the last connect, without network.
            let cached_only = add_central(workspace, preferences, &mut trust, false);
            if let Err(e) = block_on_ready(cached_only) {
                tracing::warn!("central truststore not listed: {e}");
            }
        } else {
            // A file is read as a connect reads it (no network involved): what is listed is
            // what a connect would trust, and a missing or damaged file is the same error.
            block_on_ready(add_central(workspace, preferences, &mut trust, true))?;
        }
    }
    Ok(trust)
}

/// Runs a future that never waits (no I/O inside), without a runtime.
fn block_on_ready<T>(f: impl std::future::Future<Output = T>) -> T {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn add_truststore(
    trust: &mut TrustStore,
    path: &Path,
    passphrase: &SecretString,
) -> Result<(), Error> {
    let is_pem = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("pem" | "crt" | "cer")
    );
    if is_pem {
        let bytes = std::fs::read(path).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })?;
        // A truststore that trusts nothing is a mistake to report, not an empty trust list
        // that turns every connect into a certificate alert.
        let named = |detail: String| cicsx_truststore::Error::Pem {
            detail: format!("{}: {detail}", path.display()),
        };
        let added = trust
            .add_pem_bundle(&bytes, AnchorSource::Pem(path.to_path_buf()))
            .map_err(|e| match e {
                cicsx_truststore::Error::Pem { detail } => named(detail),
                cicsx_truststore::Error::InvalidCertificate { detail } => {
                    cicsx_truststore::Error::InvalidCertificate {
                        detail: format!("{}: {detail}", path.display()),
                    }
                }
                other => other,
            })?;
        if added == 0 {
            return Err(named("the file holds no certificates".to_owned()).into());
        }
    } else {
        let store = KeystoreFile::new(path.to_path_buf()).load(passphrase)?;
        for entry in store.trusted() {
            trust.add_anchor(
                entry.certificate.clone(),
                AnchorSource::Truststore(path.to_path_buf()),
            );
        }
    }
    Ok(())
}

fn pick_key(store: &Keystore, alias: Option<&str>, path: &Path) -> Result<Identity, Error> {
    let entry = key_entry(store, alias, path)?;
    Ok(Identity::Key(entry.chain.clone(), entry.key()))
}

/// The key entry a connect uses from `store` (read from `path`): the one named `alias`
/// (compared without regard to case), or the only key entry when no alias is given.
///
/// # Errors
/// [`Error::NoClientKey`], or [`Error::AmbiguousClientKey`] when no alias is given and the
/// file holds several keys.
pub fn key_entry<'a>(
    store: &'a Keystore,
    alias: Option<&str>,
    path: &Path,
) -> Result<&'a cicsx_keystore::PrivateKeyEntry, Error> {
    let mut keys = store.private_keys();
    let entry = match alias {
        Some(alias) => keys.find(|k| k.alias.eq_ignore_ascii_case(alias)),
        None => {
            let first = keys.next();
            if keys.next().is_some() {
                return Err(Error::AmbiguousClientKey {
                    path: path.to_path_buf(),
                    aliases: store.private_keys().map(|k| k.alias.clone()).collect(),
                });
            }
            first
        }
    };
    entry.ok_or_else(|| Error::NoClientKey {
        path: path.to_path_buf(),
        alias: alias.map(str::to_owned),
    })
}

/// Fetches a shared file over https (a loaded connections file or a central truststore),
/// verifying the server against `trust` with no first-use acceptance: a shared source must be
/// trusted already. Plain `http://` is refused. Returns the body as text, or why not.
pub async fn fetch_https(
    url: &str,
    trust: &TrustStore,
    timeouts: &Timeouts,
) -> Result<String, String> {
    let bytes = fetch_https_bytes(url, trust, timeouts).await?;
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_owned())
}

/// [`fetch_https`], returning the bytes.
pub async fn fetch_https_bytes(
    url: &str,
    trust: &TrustStore,
    timeouts: &Timeouts,
) -> Result<Vec<u8>, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    if uri.scheme_str() != Some("https") {
        return Err("only https:// URLs are read (a shared file fetched in clear could be replaced on the way)".into());
    }
    let host = uri
        .host()
        .ok_or("the URL has no host")?
        .trim_matches(['[', ']'])
        .to_owned();
    let port = uri.port_u16().unwrap_or(443);
    let endpoint = Endpoint::new(host.clone(), port);
    let verifier = trust.verifier(&host, port, Verification::On);
    let config = cicsx_handshake::client_config(TlsOptions {
        verifier,
        client_auth: None,
        versions: TlsVersions::Default,
        server_name: None,
    })
    .map_err(|e| e.to_string())?;
    let mut http = HttpConnection::open(&endpoint, Some((&config, None)), timeouts)
        .await
        .map_err(|e| format!("{} {e}", e.id()))?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, endpoint.to_string())
        .header(
            hyper::header::USER_AGENT,
            concat!("cicsx/", env!("CARGO_PKG_VERSION")),
        )
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .map_err(|e| e.to_string())?;
    let response = http
        .send(request)
        .await
        .map_err(|e| format!("{} {e}", e.id()))?;
    if response.status != hyper::StatusCode::OK {
        return Err(format!("the server answered HTTP {}", response.status));
    }
    Ok(response.body.to_vec())
}

/// Fetches the https sources among `urls` (loaded connection files), each verified against
/// the workspace's trust store; one result per URL, in order. Paths are not fetched here:
/// [`Workspace::load_shared`] reads them.
pub async fn fetch_sources(
    workspace: &Workspace,
    preferences: &Preferences,
    secrets: &Secrets,
    urls: &[String],
) -> Vec<(String, Result<String, String>)> {
    let trust = match trust_store(workspace, preferences, secrets) {
        Ok(trust) => trust,
        Err(e) => {
            let why = format!("{} {e}", e.id());
            return urls.iter().map(|u| (u.clone(), Err(why.clone()))).collect();
        }
    };
    let mut out = Vec::with_capacity(urls.len());
    for url in urls {
        out.push((
            url.clone(),
            fetch_https(url, &trust, &Timeouts::default()).await,
        ));
    }
    out
}

/// The keystore a command works on: `explicit` (a `--keystore` flag), else the `keystore`
/// preference, else the workspace's own `keystore.p12`; its type from `explicit_type`, else
/// the `keystore_type` preference (for the preference's keystore only), else guessed from the
/// file. The flag says whether it is the workspace's own default keystore, which is created
/// with the pass phrase `changeit` when first needed.
pub fn keystore_file(
    workspace: &Workspace,
    preferences: &Preferences,
    explicit: Option<&Path>,
    explicit_type: Option<&str>,
) -> Result<(KeystoreFile, bool), Error> {
    let is_default = explicit.is_none() && preferences.keystore.is_none();
    let path = explicit
        .map(Path::to_path_buf)
        .or_else(|| preferences.keystore.clone())
        .unwrap_or_else(|| workspace.keystore_path());
    let kind = explicit_type.or(preferences
        .keystore_type
        .as_deref()
        .filter(|_| explicit.is_none()));
    Ok(match kind {
        Some(t) => (
            KeystoreFile::with_type(path, t.parse::<cicsx_keystore::StoreType>()?),
            is_default,
        ),
        None => (KeystoreFile::new(path), is_default),
    })
}
