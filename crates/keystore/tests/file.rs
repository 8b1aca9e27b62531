//! KeystoreFile: create, load, update under lock, atomicity, permissions.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use cicsx_keystore::{Entry, Error, KeystoreFile, StoreType};
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

#[test]
fn change_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let file = KeystoreFile::new(dir.path().join("ks.p12"));
    file.create(&pass("changeit")).unwrap();
    let p = pki("pw");
    file.update(&pass("changeit"), |ks| ks.add_trusted("root", p.ca.clone()))
        .unwrap();
    assert!(file.uses_default_passphrase());

    // Wrong old pass phrase: an error, and not one byte changes.
    let before = std::fs::read(file.path()).unwrap();
    let err = file
        .change_passphrase(&pass("wrong"), &pass("n3w pass ☺"))
        .unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase { path: Some(ref p), .. } if p == file.path()));
    assert_eq!(std::fs::read(file.path()).unwrap(), before);

    file.change_passphrase(&pass("changeit"), &pass("n3w pass ☺"))
        .unwrap();
    assert!(!file.uses_default_passphrase());
    #[cfg(unix)]
    assert_eq!(mode(file.path()), 0o600);
    assert_eq!(file.load(&pass("changeit")).unwrap_err().id(), "CICSX0101E");
    let ks = file.load(&pass("n3w pass ☺")).unwrap();
    assert!(matches!(ks.get("root"), Some(Entry::Trusted(t)) if t.certificate == p.ca));

    // And back.
    file.change_passphrase(&pass("n3w pass ☺"), &pass("changeit"))
        .unwrap();
    assert!(file.uses_default_passphrase());
    assert_eq!(file.load(&pass("changeit")).unwrap().len(), 1);

    // A missing file.
    let missing = KeystoreFile::new(dir.path().join("none.p12"));
    assert_eq!(
        missing
            .change_passphrase(&pass("changeit"), &pass("x"))
            .unwrap_err()
            .id(),
        "CICSX0107E"
    );
    assert!(!missing.uses_default_passphrase());
}

#[test]
fn default_passphrase_detection_for_every_type() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    // keytool JKS with changeit.
    assert!(KeystoreFile::new(vectors.join("cicsx-keytool.jks")).uses_default_passphrase());
    // OpenSSL -nokeys with changeit; pyca files with other pass phrases.
    assert!(KeystoreFile::new(vectors.join("cicsx-openssl-nokeys.p12")).uses_default_passphrase());
    assert!(!KeystoreFile::new(vectors.join("name-all-pwd.p12")).uses_default_passphrase());
    // No MAC at all: decoded in full.
    assert!(KeystoreFile::new(vectors.join("cicsx-plain-nomac.p12")).uses_default_passphrase());
    // PEM has no pass phrase.
    let pem_path = dir.path().join("c.pem");
    std::fs::write(&pem_path, common::pem("CERTIFICATE", &pki("x").ca)).unwrap();
    assert!(!KeystoreFile::new(&pem_path).uses_default_passphrase());
    // Garbage.
    let junk = dir.path().join("junk.p12");
    std::fs::write(&junk, b"junk").unwrap();
    assert!(!KeystoreFile::new(&junk).uses_default_passphrase());

    let text = cicsx_keystore::default_passphrase_warning(std::path::Path::new("/ws/keystore.p12"));
    assert_eq!(
        text,
        "CICSX0150W The keystore /ws/keystore.p12 still has the default pass phrase changeit: \
         anyone who can read the file can read your keys. Change it with `cicsx keystore passwd`."
    );
    assert!(text.starts_with(cicsx_keystore::DEFAULT_PASSPHRASE_WARNING_ID));
}

#[test]
fn jks_and_pem_files_are_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let jks = dir.path().join("java.jks");
    let original = common::vector("cicsx-keytool.jks");
    std::fs::write(&jks, &original).unwrap();
    let p = pki("ro");

    let file = KeystoreFile::new(&jks);
    assert_eq!(file.store_type(), StoreType::Jks);
    assert_eq!(file.load(&pass("changeit")).unwrap().len(), 3);
    let err = file
        .update(&pass("changeit"), |ks| ks.add_trusted("x", p.ca.clone()))
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0114E");
    assert!(err.to_string().contains("cicsx keystore import"), "{err}");
    assert_eq!(
        file.change_passphrase(&pass("changeit"), &pass("x"))
            .unwrap_err()
            .id(),
        "CICSX0114E"
    );
    assert_eq!(file.load_or_create(&pass("changeit")).unwrap().0.len(), 3);
    assert_eq!(
        file.create(&pass("changeit")).unwrap_err().id(),
        "CICSX0114E"
    );
    assert_eq!(std::fs::read(&jks).unwrap(), original);

    // Detected from content whatever the name; the explicit type wins over both.
    let renamed = dir.path().join("java.p12");
    std::fs::copy(&jks, &renamed).unwrap();
    assert_eq!(KeystoreFile::new(&renamed).store_type(), StoreType::Jks);
    assert_eq!(
        KeystoreFile::new(&renamed)
            .load(&pass("changeit"))
            .unwrap()
            .len(),
        3
    );
    let forced = KeystoreFile::with_type(&renamed, StoreType::Pkcs12);
    assert_eq!(forced.store_type(), StoreType::Pkcs12);
    assert_eq!(
        forced.load(&pass("changeit")).unwrap_err().id(),
        "CICSX0102E"
    );
    let err = forced.update(&pass("changeit"), |_| Ok(())).unwrap_err();
    assert_eq!(err.id(), "CICSX0102E");
    assert_eq!(std::fs::read(&renamed).unwrap(), original);

    // PEM: any pass phrase, never written.
    let pem_path = dir.path().join("bundle.crt");
    let text = common::pem("CERTIFICATE", &p.ca);
    std::fs::write(&pem_path, &text).unwrap();
    let file = KeystoreFile::new(&pem_path);
    assert_eq!(file.store_type(), StoreType::Pem);
    assert_eq!(file.load(&pass("")).unwrap().len(), 1);
    let err = file.update(&pass(""), |_| Ok(())).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ReadOnly {
                store_type: StoreType::Pem,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(std::fs::read_to_string(&pem_path).unwrap(), text);

    // New files named .jks / .pem, or given those types, are not created.
    for f in [
        KeystoreFile::new(dir.path().join("new.jks")),
        KeystoreFile::new(dir.path().join("new.pem")),
        KeystoreFile::with_type(dir.path().join("new.p12"), StoreType::Jks),
    ] {
        assert_eq!(f.create(&pass("changeit")).unwrap_err().id(), "CICSX0114E");
        assert_eq!(
            f.load_or_create(&pass("changeit")).unwrap_err().id(),
            "CICSX0114E"
        );
        assert!(!f.exists());
    }
    // An explicit PKCS#12 type makes any name writable.
    let f = KeystoreFile::with_type(dir.path().join("odd.pem"), StoreType::Pkcs12);
    f.create(&pass("changeit")).unwrap();
    assert_eq!(f.load(&pass("changeit")).unwrap().len(), 0);
}

#[test]
fn orphaned_temporary_files_are_removed_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let file = KeystoreFile::new(dir.path().join("ks.p12"));
    file.create(&pass("changeit")).unwrap();
    let orphan = dir.path().join(".ks.p12.4242.7.tmp");
    let keep = [
        ".ks.p12.x.7.tmp",
        ".other.p12.4242.7.tmp",
        "ks.p12.4242.7.tmp",
    ];
    std::fs::write(&orphan, b"half a keystore").unwrap();
    for k in keep {
        std::fs::write(dir.path().join(k), b"not ours").unwrap();
    }
    // Reading never removes anything.
    file.load(&pass("changeit")).unwrap();
    assert!(orphan.exists());
    // A failed update (wrong pass phrase) neither.
    file.update(&pass("wrong"), |_| Ok(())).unwrap_err();
    assert!(orphan.exists());
    file.update(&pass("changeit"), |_| Ok(())).unwrap();
    assert!(!orphan.exists());
    for k in keep {
        assert!(dir.path().join(k).exists(), "{k} was removed");
    }
}
