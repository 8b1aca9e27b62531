//! The workspace directory: where connections, preferences and the default keystore live.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::connection::Connections;
use crate::error::Error;
use crate::preferences::Preferences;

/// The environment variable naming the workspace directory.
pub const WORKSPACE_ENV: &str = "CICSX_WORKSPACE";

/// The file holding the connections.
pub const CONNECTIONS_FILE: &str = "connections.toml";

/// The file holding the preferences.
pub const PREFERENCES_FILE: &str = "preferences.toml";

/// The workspace keystore (and default truststore).
pub const KEYSTORE_FILE: &str = "keystore.p12";

/// Permission bits of the files written here: owner read and write only.
const FILE_MODE: u32 = 0o600;

/// Permission bits of a workspace directory this crate creates: owner only.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// The workspace directory and the files in it.
///
/// ```
/// use cicsx_profile::{Connection, Workspace};
///
/// let dir = std::env::temp_dir().join(format!("cicsx-doc-{}", std::process::id()));
/// let workspace = Workspace::at(&dir);
/// assert!(workspace.load_connections()?.is_empty()); // no file yet
/// workspace.update_connections(|c| c.add(Connection::new("Test", "localhost", 1490)))?;
/// assert!(workspace.load_connections()?.get("test").is_some());
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), cicsx_profile::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    /// Finds the workspace directory: `explicit` (the `--workspace` flag) if given, else the
    /// `CICSX_WORKSPACE` environment variable if set and not empty, else the platform's data
    /// directory for cicsx (`~/.local/share/cicsx` on Linux, `~/Library/Application
    /// Support/cicsx` on macOS, `%APPDATA%\cicsx\data` on Windows). Nothing is created.
    pub fn locate(explicit: Option<PathBuf>) -> Result<Workspace, Error> {
        resolve(explicit, std::env::var_os(WORKSPACE_ENV), platform_dir).map(Workspace::at)
    }

    /// The workspace in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Workspace {
        Workspace { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/preferences.toml`.
    pub fn preferences_path(&self) -> PathBuf {
        self.dir.join(PREFERENCES_FILE)
    }

    /// `<dir>/connections.toml`.
    pub fn connections_path(&self) -> PathBuf {
        self.dir.join(CONNECTIONS_FILE)
    }

    /// `<dir>/keystore.p12`, the workspace keystore.
    pub fn keystore_path(&self) -> PathBuf {
        self.dir.join(KEYSTORE_FILE)
    }

    /// Creates the directory (and missing parents) with mode 0700 if it does not exist. An
    /// existing directory is left as it is.
    pub fn ensure_dir(&self) -> Result<(), Error> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(DIR_MODE);
        }
        builder.create(&self.dir).map_err(|source| Error::Io {
            op: "create",
            path: self.dir.clone(),
            source,
        })
    }

    /// Reads the preferences; a missing file gives the defaults.
    pub fn load_preferences(&self) -> Result<Preferences, Error> {
        let path = self.preferences_path();
        match read_text(&path)? {
            None => Ok(Preferences::default()),
            Some(text) => Preferences::parse(&text).map_err(|e| e.in_file(&path)),
        }
    }

    /// Validates and saves the preferences (atomically, mode 0600), creating the directory if
    /// needed.
    pub fn save_preferences(&self, preferences: &Preferences) -> Result<(), Error> {
        let path = self.preferences_path();
        preferences.validate().map_err(|e| e.in_file(&path))?;
        self.ensure_dir()?;
        let _lock = self.lock(&path)?;
        write(&path, preferences.to_toml().as_bytes())
    }

    /// Changes the preferences under the lock, as [`Workspace::update_connections`] does for
    /// connections: re-read, apply `f`, validate, write atomically; on any error the file is
    /// left untouched.
    pub fn update_preferences<T>(
        &self,
        f: impl FnOnce(&mut Preferences) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.ensure_dir()?;
        let path = self.preferences_path();
        let _lock = self.lock(&path)?;
        let mut preferences = self.load_preferences()?;
        let result = f(&mut preferences)?;
        preferences.validate().map_err(|e| e.in_file(&path))?;
        write(&path, preferences.to_toml().as_bytes())?;
        Ok(result)
    }

    /// `state.toml`: what the user confirmed about loaded connections.
    pub fn state_path(&self) -> PathBuf {
        self.dir.join("state.toml")
    }

    /// Reads `state.toml`; a missing file gives an empty state.
    pub fn load_state(&self) -> Result<crate::State, Error> {
        let path = self.state_path();
        match read_text(&path)? {
            None => Ok(crate::State::default()),
            Some(text) => crate::State::parse(&text).map_err(|e| e.in_file(&path)),
        }
    }

    /// Changes `state.toml` under its lock, atomically.
    pub fn update_state<T>(
        &self,
        f: impl FnOnce(&mut crate::State) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.ensure_dir()?;
        let path = self.state_path();
        let _lock = self.lock(&path)?;
        let mut state = self.load_state()?;
        let result = f(&mut state)?;
        write(&path, state.to_toml().as_bytes())?;
        Ok(result)
    }

    /// Reads the connections of every loaded location, with the user's confirmations
    /// applied. Paths are read here; `fetch` reads URLs (only cicsx-handshake opens sockets).
    /// A location that cannot be read is reported in its [`crate::Loaded::error`], and the
    /// others are still read.
    pub fn load_shared(
        &self,
        connections: &Connections,
        fetch: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<Vec<crate::Loaded>, Error> {
        let state = self.load_state()?;
        let mut out = Vec::new();
        for location in connections.loads() {
            let text = if location.starts_with("https://") || location.starts_with("http://") {
                fetch(location)
            } else {
                fs::read_to_string(location).map_err(|e| e.to_string())
            };
            let parsed = text
                .map_err(|reason| Error::SharedSource {
                    location: location.clone(),
                    reason,
                })
                .and_then(|t| crate::parse_shared(&t, Path::new(location)));
            out.push(match parsed {
                Ok((mut list, _)) => {
                    state.apply(location, &mut list);
                    crate::Loaded {
                        location: location.clone(),
                        connections: list,
                        error: None,
                    }
                }
                Err(e) => crate::Loaded {
                    location: location.clone(),
                    connections: Vec::new(),
                    error: Some(e),
                },
            });
        }
        Ok(out)
    }

    /// Reads the connections; a missing file gives none.
    pub fn load_connections(&self) -> Result<Connections, Error> {
        let path = self.connections_path();
        match read_text(&path)? {
            None => Ok(Connections::default()),
            Some(text) => Connections::parse(&text).map_err(|e| e.in_file(&path)),
        }
    }

    /// Changes the connections safely against other cicsx processes: takes an exclusive lock
    /// (the sidecar file `connections.toml.lock`), reads the current file, applies `f`,
    /// validates the result and writes it atomically (mode 0600). If reading, `f`, validation
    /// or writing fails, the file is left untouched and the error returned.
    pub fn update_connections<T>(
        &self,
        f: impl FnOnce(&mut Connections) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.ensure_dir()?;
        let path = self.connections_path();
        let _lock = self.lock(&path)?;
        let mut connections = self.load_connections()?;
        let result = f(&mut connections)?;
        connections.validate().map_err(|e| e.in_file(&path))?;
        write(&path, connections.to_toml().as_bytes())?;
        Ok(result)
    }

    /// Takes the exclusive lock that guards `path`; released when the file is dropped.
    fn lock(&self, path: &Path) -> Result<File, Error> {
        let mut name = path.as_os_str().to_owned();
        name.push(".lock");
        let lock_path = PathBuf::from(name);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(FILE_MODE);
        }
        let file = options.open(&lock_path).map_err(|source| Error::Io {
            op: "create",
            path: lock_path.clone(),
            source,
        })?;
        file.lock().map_err(|source| Error::Io {
            op: "lock",
            path: lock_path,
            source,
        })?;
        Ok(file)
    }
}

/// The workspace directory from the flag, the environment variable's value and the platform.
/// Empty values count as not given.
pub(crate) fn resolve(
    explicit: Option<PathBuf>,
    env: Option<OsString>,
    platform: impl FnOnce() -> Option<PathBuf>,
) -> Result<PathBuf, Error> {
    if let Some(dir) = explicit.filter(|d| !d.as_os_str().is_empty()) {
        return Ok(dir);
    }
    if let Some(dir) = env.filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    platform().ok_or(Error::NoWorkspaceDir)
}

fn platform_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "cicsx").map(|d| d.data_dir().to_path_buf())
}

/// The text of a file; `None` if it does not exist.
fn read_text(path: &Path) -> Result<Option<String>, Error> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                op: "read",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]);
            let mut at = crate::error::Location::of_offset(&text, valid);
            at.path = Some(path.to_path_buf());
            Err(Error::Syntax {
                at,
                message: "the file is not UTF-8 text".to_owned(),
            })
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    cicsx_keystore::fs::write_atomic(path, bytes, FILE_MODE).map_err(|source| Error::Io {
        op: "write",
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Option<PathBuf> {
        Some(PathBuf::from("/home/u/.local/share/cicsx"))
    }

    #[test]
    fn explicit_beats_environment_beats_platform() {
        assert_eq!(
            resolve(Some("/flag".into()), Some("/env".into()), platform).unwrap(),
            PathBuf::from("/flag")
        );
        assert_eq!(
            resolve(None, Some("/env".into()), platform).unwrap(),
            PathBuf::from("/env")
        );
        assert_eq!(
            resolve(None, None, platform).unwrap(),
            PathBuf::from("/home/u/.local/share/cicsx")
        );
    }

    #[test]
    fn empty_values_count_as_not_given() {
        assert_eq!(
            resolve(Some(PathBuf::new()), Some(OsString::new()), platform).unwrap(),
            PathBuf::from("/home/u/.local/share/cicsx")
        );
        assert_eq!(resolve(None, None, || None).unwrap_err().id(), "CICSX0510E");
    }

    #[test]
    fn platform_dir_is_named_for_cicsx() {
        // On a machine with a home directory the platform directory ends in "cicsx".
        if let Some(dir) = platform_dir() {
            assert!(dir.to_string_lossy().contains("cicsx"), "{}", dir.display());
        }
    }

    #[test]
    fn paths_are_inside_the_directory() {
        let w = Workspace::at("/w");
        assert_eq!(w.dir(), Path::new("/w"));
        assert_eq!(w.connections_path(), PathBuf::from("/w/connections.toml"));
        assert_eq!(w.preferences_path(), PathBuf::from("/w/preferences.toml"));
        assert_eq!(w.keystore_path(), PathBuf::from("/w/keystore.p12"));
    }
}
