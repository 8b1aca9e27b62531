//! Atomic file writing, shared by every crate that saves files (see `docs/CONVENTIONS.md`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temporary files of concurrent writers in one process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces the file at `path` with `bytes`, so that readers see either the old or the new
/// content and never a mix, even if the process or machine stops half-way.
///
/// A temporary file is created in the same directory (`.<name>.<pid>.<n>.tmp`), written,
/// flushed to disk (fsync), given exactly `mode` (Unix permission bits; use `0o600` for anything
/// holding secrets or trust decisions) and renamed over `path`; then the directory itself is
/// flushed so the rename survives a crash. On failure the temporary file is removed and `path`
/// is left as it was. If `path` is a symbolic link, its target is replaced and the link kept
/// (as keytool does): a keystore linked from a shared place stays one file.
///
/// On platforms other than Unix, `mode` is ignored.
///
/// # Errors
/// Any I/O error; `InvalidInput` if `path` has no file name.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let target = resolve(path);
    let (temp, dir, guard) = write_temp(&target, bytes, mode)?;
    fs::rename(&temp, &target)?;
    drop(guard.disarm());
    sync_dir(&dir)
}

/// Writes `bytes` to a new file at `path` as [`write_atomic`] does, but never over an existing
/// file (or symbolic link): then it fails with `AlreadyExists` and changes nothing. For
/// exports, where the name the user typed may be that of a keystore holding keys that exist
/// nowhere else.
///
/// # Errors
/// `AlreadyExists` if `path` exists; any other I/O error; `InvalidInput` if `path` has no file
/// name.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let (temp, dir, guard) = write_temp(path, bytes, mode)?;
    // A hard link fails atomically when the name is taken, where a rename would replace it.
    fs::hard_link(&temp, path)?;
    drop(guard);
    sync_dir(&dir)
}

/// The file a write to `path` should replace: the target of a symbolic link (followed to the
/// end), else `path` itself.
pub fn resolve(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or_else(|_| {
            // A dangling link: its target, relative to the link's directory.
            match fs::read_link(path) {
                Ok(t) if t.is_absolute() => t,
                Ok(t) => path.parent().map_or(t.clone(), |p| p.join(&t)),
                Err(_) => path.to_path_buf(),
            }
        }),
        _ => path.to_path_buf(),
    }
}

/// A temporary file beside `path` holding `bytes` with exactly `mode`, flushed to disk; the
/// guard removes it unless disarmed.
fn write_temp(
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> io::Result<(PathBuf, PathBuf, RemoveOnDrop)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };

    let (mut file, temp) = create_temp(&dir, &name.to_string_lossy(), mode)?;
    let guard = RemoveOnDrop(Some(temp.clone()));
    set_mode(&file, mode)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    Ok((temp, dir, guard))
}

fn create_temp(dir: &Path, name: &str, mode: u32) -> io::Result<(File, PathBuf)> {
    let pid = std::process::id();
    let mut last_err = None;
    for _ in 0..32 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        match options.open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("cannot create a temporary file")))
}

/// Sets exactly `mode`, whatever the umask took away or left.
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (file, mode);
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Removes the temporary file unless the rename succeeded.
struct RemoveOnDrop(Option<PathBuf>);

impl RemoveOnDrop {
    /// Keeps the file: it has been renamed into place.
    fn disarm(mut self) -> Self {
        self.0 = None;
        self
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn writes_and_replaces() {
        let dir = temp_dir();
        let path = dir.path().join("a.p12");
        write_atomic(&path, b"one", 0o600).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        // No temporary files left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.p12")]);
    }

    #[test]
    fn write_new_never_replaces() {
        let dir = temp_dir();
        let path = dir.path().join("keys.p12");
        write_new(&path, b"keys", 0o600).unwrap();
        let err = write_new(&path, b"export", 0o644).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"keys");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("keys.p12")],
            "no temporary file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_keeps_pointing_at_the_written_file() {
        let dir = temp_dir();
        fs::create_dir(dir.path().join("shared")).unwrap();
        let real = dir.path().join("shared/ks.p12");
        write_atomic(&real, b"one", 0o600).unwrap();
        let link = dir.path().join("ks.p12");
        std::os::unix::fs::symlink("shared/ks.p12", &link).unwrap();
        write_atomic(&link, b"two", 0o600).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"two");
        // A link to nowhere yet: the file is created where it points.
        let dangling = dir.path().join("new.p12");
        std::os::unix::fs::symlink("shared/new.p12", &dangling).unwrap();
        write_atomic(&dangling, b"three", 0o600).unwrap();
        assert_eq!(
            fs::read(dir.path().join("shared/new.p12")).unwrap(),
            b"three"
        );
        // write_new does not write through a link either.
        let err = write_new(&link, b"x", 0o600).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }

    #[cfg(unix)]
    #[test]
    fn applies_exact_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir();
        let path = dir.path().join("m");
        write_atomic(&path, b"x", 0o600).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        write_atomic(&path, b"x", 0o644).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }

    #[test]
    fn failure_leaves_target_alone() {
        let dir = temp_dir();
        // Renaming a file over a non-empty directory fails.
        let path = dir.path().join("d");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), b"keep").unwrap();
        assert!(write_atomic(&path, b"new", 0o600).is_err());
        assert_eq!(fs::read(path.join("inside")).unwrap(), b"keep");
        let count = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(count, 1, "temporary file left behind");
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = temp_dir();
        let err = write_atomic(&dir.path().join("no/such/file"), b"x", 0o600).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(write_atomic(Path::new("/"), b"x", 0o600).is_err());
    }
}
