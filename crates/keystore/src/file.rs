//! A keystore kept in a file: locked, read, changed and written back atomically.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::{Error, Keystore, fs::write_atomic};

/// Permission bits of keystore files (and their lock files): owner read and write only.
pub const KEYSTORE_MODE: u32 = 0o600;

/// A PKCS#12 keystore file.
///
/// Writers take an exclusive lock on a sidecar file `<name>.lock` next to the keystore (the
/// keystore itself is replaced by rename, so it cannot carry the lock); readers take a shared
/// lock on it when they can create or open it, and read without one when they cannot (a
/// read-only shared truststore). The lock file is never deleted: deleting it would let two
/// writers lock different files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreFile {
    path: PathBuf,
}

impl KeystoreFile {
    /// A keystore at `path`. Nothing is read or created yet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The keystore's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True if the keystore file exists.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The sidecar lock file's path: `<name>.lock` in the same directory.
    pub fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
    }

    /// Reads the keystore, under a shared lock when one can be taken.
    ///
    /// # Errors
    /// [`Error::FileMissing`], [`Error::Io`], and every error of [`Keystore::from_pkcs12`] with
    /// the path filled in.
    pub fn load(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        self.require_exists()?;
        let _lock = self.lock_shared();
        self.read(passphrase)
    }

    /// Creates a new, empty keystore file (mode 0600), creating missing parent directories
    /// (mode 0700).
    ///
    /// # Errors
    /// [`Error::FileExists`] if the file is already there (it is never overwritten),
    /// [`Error::Io`].
    pub fn create(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
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
    /// [`KeystoreFile::load_or_create`] first), the errors of [`KeystoreFile::load`], [`Error::Io`]
    /// when writing, and whatever `f` returns.
    pub fn update<T>(
        &self,
        passphrase: &SecretString,
        f: impl FnOnce(&mut Keystore) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.require_exists()?;
        let _lock = self.lock_exclusive()?;
        let mut keystore = self.read(passphrase)?;
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

    fn read(&self, passphrase: &SecretString) -> Result<Keystore, Error> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::FileMissing {
                    path: self.path.clone(),
                });
            }
            Err(e) => return Err(Error::io(&self.path, "read", e)),
        };
        Keystore::from_pkcs12(&bytes, passphrase).map_err(|e| e.with_path(&self.path))
    }

    fn write(&self, keystore: &Keystore, passphrase: &SecretString) -> Result<(), Error> {
        let bytes = keystore.to_pkcs12(passphrase)?;
        write_atomic(&self.path, &bytes, KEYSTORE_MODE)
            .map_err(|e| Error::io(&self.path, "write", e))
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

    /// A shared lock if one can be had; `None` if the lock file cannot be opened (for example a
    /// read-only directory), in which case reading goes ahead unlocked: writers replace the file
    /// by rename, so a reader still sees a complete old or new file.
    fn lock_shared(&self) -> Option<File> {
        let file = match self.open_lock_file() {
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
}
