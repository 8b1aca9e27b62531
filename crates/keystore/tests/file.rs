//! KeystoreFile: create, load, update under lock, atomicity, permissions.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use cicsx_keystore::{Entry, Error, KeystoreFile};
use common::{pass, pki};

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn create_load_update() {
    let dir = tempfile::tempdir().unwrap();
    let file = KeystoreFile::new(dir.path().join("sub/dir/keystore.p12"));
    assert!(!file.exists());
    assert!(matches!(
        file.load(&pass("changeit")),
        Err(Error::FileMissing { .. })
    ));

    let ks = file.create(&pass("changeit")).unwrap();
    assert!(ks.is_empty());
    assert!(file.exists());
    #[cfg(unix)]
    {
        assert_eq!(mode(file.path()), 0o600);
        assert_eq!(mode(&dir.path().join("sub/dir")), 0o700);
    }
    // Never overwrites.
    let err = file.create(&pass("changeit")).unwrap_err();
    assert_eq!(err.id(), "CICSX0108E");

    let p = pki("f");
    let n = file
        .update(&pass("changeit"), |ks| {
            ks.add_trusted("root", p.ca.clone())?;
            Ok(ks.len())
        })
        .unwrap();
    assert_eq!(n, 1);
    #[cfg(unix)]
    assert_eq!(mode(file.path()), 0o600);

    let ks = file.load(&pass("changeit")).unwrap();
    assert!(matches!(ks.get("root"), Some(Entry::Trusted(t)) if t.certificate == p.ca));

    let (ks, created) = file.load_or_create(&pass("changeit")).unwrap();
    assert!(!created);
    assert_eq!(ks.len(), 1);

    // Nothing but the keystore and its lock file in the directory.
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("sub/dir"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["keystore.p12", "keystore.p12.lock"]);
}

#[test]
fn load_or_create_creates_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = KeystoreFile::new(dir.path().join("ks.p12"));
    let (_, created) = file.load_or_create(&pass("changeit")).unwrap();
    assert!(created);
    let (_, created) = file.load_or_create(&pass("changeit")).unwrap();
    assert!(!created);
    // The wrong pass phrase does not silently create anything.
    let err = file.load_or_create(&pass("nope")).unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase { path: Some(ref p), .. } if p == file.path()));
    assert!(err.to_string().contains("ks.p12"), "{err}");
}

#[test]
fn failures_leave_the_file_byte_for_byte_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = KeystoreFile::new(dir.path().join("ks.p12"));
    file.create(&pass("changeit")).unwrap();
    let p = pki("u");
    file.update(&pass("changeit"), |ks| ks.add_trusted("root", p.ca.clone()))
        .unwrap();
    let before = std::fs::read(file.path()).unwrap();

    // Wrong pass phrase.
    let err = file
        .update(&pass("wrong"), |ks| ks.add_trusted("other", p.leaf.clone()))
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0101E");
    assert_eq!(std::fs::read(file.path()).unwrap(), before);

    // The closure fails after changing the keystore in memory.
    let err = file
        .update(&pass("changeit"), |ks| {
            ks.remove("root")?;
            ks.add_trusted("x", p.leaf.clone())?;
            ks.add_trusted("X", p.leaf.clone()) // AliasExists
        })
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0105E");
    assert_eq!(std::fs::read(file.path()).unwrap(), before);

    // A damaged file is reported and left alone.
    std::fs::write(file.path(), &before[..before.len() / 2]).unwrap();
    let damaged = std::fs::read(file.path()).unwrap();
    let err = file.update(&pass("changeit"), |_| Ok(())).unwrap_err();
    assert_eq!(err.id(), "CICSX0102E", "{err}");
    assert_eq!(std::fs::read(file.path()).unwrap(), damaged);

    // Update of a missing keystore: an error, and no file appears.
    let missing = KeystoreFile::new(dir.path().join("none.p12"));
    let err = missing.update(&pass("changeit"), |_| Ok(())).unwrap_err();
    assert_eq!(err.id(), "CICSX0107E");
    assert!(!missing.exists());
}

#[test]
fn concurrent_updates_are_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ks.p12");
    KeystoreFile::new(&path).create(&pass("changeit")).unwrap();
    let certs: Vec<_> = (0..2).map(|i| pki(&format!("t{i}")).leaf).collect();

    const PER_THREAD: usize = 4;
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = certs
        .into_iter()
        .enumerate()
        .map(|(t, cert)| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                // Separate KeystoreFile values, as separate processes would have.
                let file = KeystoreFile::new(path);
                barrier.wait();
                for i in 0..PER_THREAD {
                    file.update(&pass("changeit"), |ks| {
                        ks.add_trusted(&format!("thread{t}-{i}"), cert.clone())
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let ks = KeystoreFile::new(&path).load(&pass("changeit")).unwrap();
    let mut aliases: Vec<&str> = ks.entries().iter().map(Entry::alias).collect();
    aliases.sort_unstable();
    let mut want: Vec<String> = (0..2)
        .flat_map(|t| (0..PER_THREAD).map(move |i| format!("thread{t}-{i}")))
        .collect();
    want.sort();
    assert_eq!(aliases, want);
}

#[test]
fn concurrent_readers_see_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ks.p12");
    KeystoreFile::new(&path).create(&pass("changeit")).unwrap();
    let cert = pki("r").leaf;
    let writer = {
        let path = path.clone();
        thread::spawn(move || {
            let file = KeystoreFile::new(path);
            for i in 0..4 {
                file.update(&pass("changeit"), |ks| {
                    ks.add_trusted(&format!("c{i}"), cert.clone())
                })
                .unwrap();
            }
        })
    };
    let file = KeystoreFile::new(&path);
    let mut last = 0;
    while !writer.is_finished() {
        let n = file.load(&pass("changeit")).unwrap().len();
        assert!(n >= last, "entries went backwards");
        last = n;
    }
    writer.join().unwrap();
    assert_eq!(file.load(&pass("changeit")).unwrap().len(), 4);
}
