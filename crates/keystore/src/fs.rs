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
/// is left as it was. If `path` is a symbolic link, the link is replaced, not its target.
///
/// On platforms other than Unix, `mode` is ignored.
///
/// # Errors
/// Any I/O error; `InvalidInput` if `path` has no file name.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };

    let (mut file, temp) = create_temp(&dir, &name.to_string_lossy(), mode)?;
    let mut guard = RemoveOnDrop(Some(temp.clone()));
    set_mode(&file, mode)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)?;
    guard.0 = None;
    sync_dir(&dir)
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
