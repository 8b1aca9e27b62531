//! A keystore kept in a file: locked, read, changed and written back atomically.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::{DEFAULT_PASSPHRASE, Error, Keystore, StoreType, fs::write_atomic, jks, mac};

/// Permission bits of keystore files (and their lock files): owner read and write only.
pub const KEYSTORE_MODE: u32 = 0o600;

/// How much of a file [`KeystoreFile::store_type`] reads to recognise it.
const DETECT_LIMIT: u64 = 1 << 20;

/// A keystore file: PKCS#12, which is read and written, or JKS or PEM, which are only read.
///
/// Its [`StoreType`] is the one given to [`KeystoreFile::with_type`], else what the file's
/// content shows, else what its extension says, else PKCS#12. Every method that would write a
/// JKS or PEM file fails with [`Error::ReadOnly`] and leaves it alone.
///
/// Writers take an exclusive lock on a sidecar file `<name>.lock` next to the keystore (the
/// keystore itself is replaced by rename, so it cannot carry the lock); readers take a shared
/// lock on it when it exists, and read without one when it does not or cannot be opened (a
/// read-only shared truststore): reading never creates a file. The lock file is never deleted: deleting it would let two
/// writers lock different files. A writer killed half-way leaves only a temporary file
/// (`.<name>.<pid>.<n>.tmp`) beside the untouched keystore; the next write removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreFile {
    path: PathBuf,
    store_type: Option<StoreType>,
}

impl KeystoreFile {
    /// A keystore at `path`, of the type its content or name shows. Nothing is read or created
    /// yet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            store_type: None,
        }
    }

    /// A keystore at `path` of the given type, whatever its content or name suggest. JKS and
    /// PEM files can be loaded but not created or changed; a PEM file needs no pass phrase
    /// (any given is ignored).
    pub fn with_type(path: impl Into<PathBuf>, store_type: StoreType) -> Self {
        Self {
            path: path.into(),
            store_type: Some(store_type),
        }
    }

    /// The keystore's type: the one given to [`KeystoreFile::with_type`], else the one
    /// [`StoreType::detect`] finds in the file (if it exists), else the one its extension
    /// suggests ([`StoreType::from_path`]), else [`StoreType::Pkcs12`].
    pub fn store_type(&self) -> StoreType {
        if let Some(t) = self.store_type {
            return t;
        }
        let head = File::open(&self.path).and_then(|f| {
            use std::io::Read;
            let mut head = Vec::new();
            f.take(DETECT_LIMIT).read_to_end(&mut head)?;
            Ok(head)
        });
        self.type_of(head.ok().as_deref())
    }

    /// The type for a file with these contents (`None`: no file).
    fn type_of(&self, bytes: Option<&[u8]>) -> StoreType {
        self.store_type
            .or_else(|| bytes.and_then(StoreType::detect))
            .or_else(|| StoreType::from_path(&self.path))
            .unwrap_or(StoreType::Pkcs12)
    }

    /// The keystore's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True if the keystore file exists.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The sidecar lock file's path: `<name>.lock` beside the keystore file (beside the
    /// target of a symbolic link, so that the link and the real path lock alike).
    pub fn lock_path(&self) -> PathBuf {
        let target = self.target();
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        target.with_file_name(name)
    }

    /// The file written: the target of a symbolic link, else the path itself.
    fn target(&self) -> PathBuf {
        crate::fs::resolve(&self.path)
    }

    /// Reads the keystore, under a shared lock when one can be taken.
    ///
    /// # Errors
    /// [`Error::FileMissing`], [`Error::Io`], and every error of [`Keystore::from_pkcs12`],
    /// [`Keystore::from_jks`] or [`Keystore::from_pem`] (by its type) with the path filled in.
    pub fn load(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        self.require_exists()?;
        let _lock = self.lock_shared();
        self.read(passphrase)
    }

    /// Changes the pass phrase: takes the exclusive lock, reads the keystore with `old` and
    /// writes it again, atomically, protected by `new`. If `old` is wrong, or anything fails,
    /// the file is left exactly as it was.
    ///
    /// # Errors
    /// [`Error::WrongPassphrase`] if `old` does not open it, [`Error::ReadOnly`] for a JKS or
    /// PEM file, and the errors of [`KeystoreFile::update`].
    pub fn change_passphrase(&self, old: &SecretString, new: &SecretString) -> Result<(), Error> {
        self.require_exists()?;
        let _lock = self.lock_exclusive()?;
        let keystore = self.read_writable(old)?;
        self.write(&keystore, new)?;
        tracing::info!(path = %self.path.display(), "changed keystore pass phrase");
        Ok(())
    }

    /// True if the keystore opens with [`DEFAULT_PASSPHRASE`] (`changeit`); show
    /// [`crate::default_passphrase_warning`] then. False if it does not, if it cannot be read,
    /// and for PEM files (which have no pass phrase).
    ///
    /// Cost: for PKCS#12 only the integrity check (MAC) is computed, about 10,000 hash
    /// iterations as written by cicsx (well under a millisecond in a release build), and nothing
    /// is decrypted; a file without a MAC is decoded in full (one key derivation per encrypted
    /// part). For JKS one SHA-1 over the file. No lock is taken: files are replaced by rename,
    /// so a complete file is always read.
    pub fn uses_default_passphrase(&self) -> bool {
        let Ok(bytes) = fs::read(&self.path) else {
            return false;
        };
        match self.type_of(Some(&bytes)) {
            StoreType::Pkcs12 => {
                if crate::asn1::pfx_has_mac(&bytes) {
                    mac::pfx_mac_verifies(&bytes, DEFAULT_PASSPHRASE)
                } else {
                    Keystore::from_pkcs12(&bytes, &SecretString::from(DEFAULT_PASSPHRASE)).is_ok()
                }
            }
            StoreType::Jks => jks::digest_matches(&bytes, DEFAULT_PASSPHRASE),
            StoreType::Pem => false,
        }
    }

    /// Creates a new, empty keystore file (mode 0600), creating missing parent directories
    /// (mode 0700).
    ///
    /// # Errors
    /// [`Error::FileExists`] if the file is already there (it is never overwritten),
    /// [`Error::ReadOnly`] if the type given or the extension is JKS or PEM, [`Error::Io`].
    pub fn create(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        self.require_writable_new()?;
        self.ensure_parent()?;
        let _lock = self.lock_exclusive()?;
        self.create_locked(passphrase)
    }

    /// Reads the keystore, or creates an empty one if the file does not exist. The flag is true
    /// if it was created.
    ///
    /// # Errors
    /// As [`KeystoreFile::load`] and [`KeystoreFile::create`].
    pub fn load_or_create(&self, passphrase: &SecretString) -> Result<(Keystore, bool), Error> {
        if !self.exists() {
            self.require_writable_new()?;
        }
        self.ensure_parent()?;
        let _lock = self.lock_exclusive()?;
        if self.exists() {
            Ok((self.read(passphrase)?, false))
        } else {
            Ok((self.create_locked(passphrase)?, true))
        }
    }

    /// Changes the keystore: takes the exclusive lock, reads the file afresh, applies `f`, and
    /// writes the result atomically (mode 0600).
    ///
    /// If `f` returns an error, or reading, encoding or writing fails, the file is left exactly
    /// as it was and the error is returned. Concurrent updates (threads or processes) are
    /// serialised, so none is lost.
    ///
    /// # Errors
    /// [`Error::FileMissing`] if there is no keystore yet (use
    /// [`KeystoreFile::load_or_create`] first), [`Error::ReadOnly`] for a JKS or PEM file, the
    /// errors of [`KeystoreFile::load`], [`Error::Io`] when writing, and whatever `f` returns.
    pub fn update<T>(
        &self,
        passphrase: &SecretString,
        f: impl FnOnce(&mut Keystore) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.require_exists()?;
        let _lock = self.lock_exclusive()?;
        let mut keystore = self.read_writable(passphrase)?;
        let value = f(&mut keystore)?;
        self.write(&keystore, passphrase)?;
        Ok(value)
    }

    fn require_exists(&self) -> Result<(), Error> {
        match fs::symlink_metadata(&self.path) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::FileMissing {
                path: self.path.clone(),
            }),
            Err(e) => Err(Error::io(&self.path, "read", e)),
        }
    }

    fn read_bytes(&self) -> Result<Vec<u8>, Error> {
        match fs::read(&self.path) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::FileMissing {
                path: self.path.clone(),
            }),
            Err(e) => Err(Error::io(&self.path, "read", e)),
        }
    }

    fn read(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        let bytes = self.read_bytes()?;
        let store_type = self.type_of(Some(&bytes));
        Keystore::read(&bytes, Some(store_type), passphrase).map_err(|e| e.with_path(&self.path))
    }

    /// Reads a keystore that is about to be written back: PKCS#12 only.
    fn read_writable(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        let bytes = self.read_bytes()?;
        let store_type = self.type_of(Some(&bytes));
        if !store_type.is_writable() {
            return Err(Error::ReadOnly {
                path: self.path.clone(),
                store_type,
            });
        }
        Keystore::from_pkcs12(&bytes, passphrase).map_err(|e| e.with_path(&self.path))
    }

    /// A keystore about to be created must be PKCS#12 by its given type or its name.
    fn require_writable_new(&self) -> Result<(), Error> {
        let store_type = self.type_of(None);
        if store_type.is_writable() {
            Ok(())
        } else {
            Err(Error::ReadOnly {
                path: self.path.clone(),
                store_type,
            })
        }
    }

    /// Called with the exclusive lock held.
    fn write(&self, keystore: &Keystore, passphrase: &SecretString) -> Result<(), Error> {
        let bytes = keystore.to_pkcs12(passphrase)?;
        self.remove_stale_temp_files();
        write_atomic(&self.path, &bytes, KEYSTORE_MODE)
            .map_err(|e| Error::io(&self.path, "write", e))
    }

    /// Removes temporary files that [`write_atomic`] left for this keystore when a writer was
    /// killed half-way (`.<name>.<pid>.<n>.tmp`). Every writer holds the exclusive lock while
    /// its temporary file exists, so with the lock held any such file is an orphan.
    fn remove_stale_temp_files(&self) {
        let target = self.target();
        let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        let prefix = format!(".{name}.");
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(middle) = file_name
                .to_str()
                .and_then(|f| f.strip_prefix(&prefix))
                .and_then(|r| r.strip_suffix(".tmp"))
            else {
                continue;
            };
            let numbers: Vec<&str> = middle.split('.').collect();
            if numbers.len() == 2
                && numbers
                    .iter()
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            {
                match fs::remove_file(entry.path()) {
                    Ok(()) => {
                        tracing::debug!(path = %entry.path().display(), "removed orphaned temporary file")
                    }
                    Err(e) => {
                        tracing::debug!(path = %entry.path().display(), error = %e, "cannot remove orphaned temporary file")
                    }
                }
            }
        }
    }

    fn create_locked(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        if self.exists() {
            return Err(Error::FileExists {
                path: self.path.clone(),
            });
        }
        let keystore = Keystore::new();
        self.write(&keystore, passphrase)?;
        tracing::info!(path = %self.path.display(), "created keystore");
        Ok(keystore)
    }

    fn ensure_parent(&self) -> Result<(), Error> {
        let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(());
        };
        if parent.is_dir() {
            return Ok(());
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(parent)
            .map_err(|e| Error::io(parent, "create directory", e))
    }

    fn open_lock_file(&self) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(KEYSTORE_MODE);
        }
        options.open(self.lock_path())
    }

    /// The exclusive lock, held until the returned file is dropped.
    fn lock_exclusive(&self) -> Result<File, Error> {
        let lock_path = self.lock_path();
        let file = self
            .open_lock_file()
            .map_err(|e| Error::io(&lock_path, "create lock file", e))?;
        file.lock().map_err(|e| Error::io(&lock_path, "lock", e))?;
        Ok(file)
    }

    /// A shared lock if the lock file exists; `None` if it does not (a file nobody has changed
    /// with cicsx: reading creates no file beside it) or cannot be opened (a read-only
    /// directory). Reading without the lock is safe: writers replace the file by rename, so a
    /// reader sees a complete old or new file either way.
    fn lock_shared(&self) -> Option<File> {
        let file = match File::open(self.lock_path()) {
            Ok(f) => f,
            Err(e) => {
                tracing::debug!(path = %self.lock_path().display(), error = %e, "reading keystore without a lock");
                return None;
            }
        };
        match file.lock_shared() {
            Ok(()) => Some(file),
            Err(e) => {
                tracing::debug!(path = %self.lock_path().display(), error = %e, "reading keystore without a lock");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_path_is_a_sidecar() {
        let f = KeystoreFile::new("/ws/.cicsx/keystore.p12");
        assert_eq!(f.lock_path(), PathBuf::from("/ws/.cicsx/keystore.p12.lock"));
        assert_eq!(f.path(), Path::new("/ws/.cicsx/keystore.p12"));
    }

    #[test]
    fn reading_creates_no_file_and_a_link_locks_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.p12");
        let pass = SecretString::from("s3cret".to_owned());
        std::fs::write(&path, Keystore::new().to_pkcs12(&pass).unwrap()).unwrap();
        KeystoreFile::new(&path).load(&pass).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("team.p12")]);
        #[cfg(unix)]
        {
            let link = dir.path().join("link.p12");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            assert_eq!(
                KeystoreFile::new(&link).lock_path(),
                dir.path().join("team.p12.lock")
            );
        }
    }

    #[test]
    fn type_from_name_when_there_is_no_file() {
        let t = |p: &str| KeystoreFile::new(format!("/nonexistent/{p}")).store_type();
        assert_eq!(t("a.p12"), StoreType::Pkcs12);
        assert_eq!(t("a.jks"), StoreType::Jks);
        assert_eq!(t("a.pem"), StoreType::Pem);
        assert_eq!(t("keystore"), StoreType::Pkcs12);
        let f = KeystoreFile::with_type("/nonexistent/a.p12", StoreType::Jks);
        assert_eq!(f.store_type(), StoreType::Jks);
        assert_ne!(f, KeystoreFile::new("/nonexistent/a.p12"));
    }
}
