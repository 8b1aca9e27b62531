//! `cicsx keystore`, `cicsx truststore` and `cicsx prefs`, checked with real keytool and openssl.

mod util;

use std::process::Command;

use util::{Cx, read};

fn have(tool: &str) -> bool {
    Command::new(tool).arg("-help").output().is_ok()
}

/// Runs a peer tool; the test fails (not skips) when CI lacks it: .ci/run installs it.
fn tool(cmd: &str, args: &[&str]) -> String {
    assert!(
        have(cmd),
        "{cmd} is not installed (.ci/run installs openssl and openjdk-17-jre-headless)"
    );
    let out = Command::new(cmd).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd} {args:?} failed:\n{text}");
    text
}

fn fixture(path: &str) -> String {
    format!("{}/../../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn prefs_set_show_and_refuse() {
    let cx = Cx::new();
    cx.run(&["prefs", "set", "protocol", "tls1.3"], &[])
        .await
        .ok();
    cx.run(&["prefs", "set", "trust_verification", "off"], &[])
        .await
        .ok();
    let show = cx.run(&["prefs", "show", "--json"], &[]).await;
    let v: serde_json::Value = serde_json::from_str(show.ok()).unwrap();
    assert_eq!(v["protocol"], "TLSv1.3");
    assert_eq!(v["trust_verification"], false);
    let before = cx.snapshot();
    cx.run(
        &[
            "prefs",
            "set",
            "central_truststore",
            "http://example.com/ca.pem",
        ],
        &[],
    )
    .await
    .fails_with("CICSX0509E");
    cx.run(&["prefs", "set", "no_such_thing", "1"], &[])
        .await
        .fails_with("CICSX0509E");
    assert_eq!(
        cx.snapshot(),
        before,
        "a refused preference changes nothing"
    );
    cx.run(&["prefs", "set", "trust_verification", "on"], &[])
        .await
        .ok();
}

#[tokio::test]
async fn keystore_written_here_is_read_by_keytool_and_openssl() {
    let cx = Cx::new();
    let trust = cx
        .run(
            &[
                "keystore",
                "trust",
                &fixture("ca/root.pem"),
                "--alias",
                "cicsx-root",
            ],
            &[],
        )
        .await;
    trust.ok();
    cx.run(
        &["keystore", "import", &fixture("client/rsa.p12")],
        &[("CICSX_SRC_STOREPASS", "changeit")],
    )
    .await
    .ok();
    let ks = cx.workspace().join("keystore.p12");
    let ks = ks.to_str().unwrap();

    let list = cx.run(&["keystore", "list", "--json"], &[]).await;
    let v: serde_json::Value = serde_json::from_str(list.ok()).unwrap();
    let ours: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["alias"].as_str().unwrap().to_owned(),
                e["type"].as_str().unwrap().to_owned(),
                e["sha256"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(ours.len(), 2, "{list}");

    let keytool = tool(
        "keytool",
        &[
            "-list",
            "-v",
            "-storetype",
            "PKCS12",
            "-keystore",
            ks,
            "-storepass",
            "changeit",
        ],
    );
    for (alias, kind, sha) in &ours {
        assert!(
            keytool.contains(&format!("Alias name: {alias}")),
            "{keytool}"
        );
        assert!(
            keytool.contains(sha.as_str()),
            "{sha} missing in\n{keytool}"
        );
        let want = if kind == "key" {
            "PrivateKeyEntry"
        } else {
            "trustedCertEntry"
        };
        let section = keytool
            .split(&format!("Alias name: {alias}"))
            .nth(1)
            .unwrap();
        assert!(
            section.contains(want),
            "{alias} should be {want}\n{keytool}"
        );
    }
    let openssl = tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-in",
            ks,
            "-passin",
            "pass:changeit",
            "-nodes",
        ],
    );
    for (alias, _, _) in &ours {
        assert!(
            openssl.contains(&format!("friendlyName: {alias}")),
            "{openssl}"
        );
    }
}

#[tokio::test]
async fn import_from_keytool_jks_and_export_for_openssl() {
    let cx = Cx::new();
    let jks = cx.path("from-keytool.jks");
    let jks = jks.to_str().unwrap();
    tool(
        "keytool",
        &[
            "-importcert",
            "-noprompt",
            "-storetype",
            "JKS",
            "-keystore",
            jks,
            "-storepass",
            "changeit",
            "-alias",
            "corp-root",
            "-file",
            &fixture("ca/root.pem"),
        ],
    );
    tool(
        "keytool",
        &[
            "-genkeypair",
            "-storetype",
            "JKS",
            "-keystore",
            jks,
            "-storepass",
            "changeit",
            "-keypass",
            "changeit",
            "-alias",
            "me",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=ME",
            "-validity",
            "3650",
        ],
    );
    let run = cx
        .run(
            &["keystore", "import", jks, "--srcstoretype", "jks"],
            &[("CICSX_SRC_STOREPASS", "changeit")],
        )
        .await;
    assert!(run.ok().contains("Imported 2 entries"), "{run}");

    // PEM export of the key entry, read back by openssl.
    let pem = cx.path("me.pem");
    let pem_s = pem.to_str().unwrap();
    cx.run(
        &[
            "keystore",
            "export",
            "me",
            "--format",
            "pem",
            "--include-key",
            "--out",
            pem_s,
        ],
        &[],
    )
    .await
    .ok();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777,
        0o600,
        "a key file is private"
    );
    let subject = tool("openssl", &["x509", "-in", pem_s, "-noout", "-subject"]);
    assert!(
        subject.contains("CN = ME") || subject.contains("CN=ME"),
        "{subject}"
    );
    tool("openssl", &["pkey", "-in", pem_s, "-noout"]);

    // PKCS#12 export, opened by openssl with the new pass phrase.
    let p12 = cx.path("me.p12");
    let p12_s = p12.to_str().unwrap();
    cx.run(
        &[
            "keystore", "export", "me", "--format", "p12", "--out", p12_s,
        ],
        &[("CICSX_EXPORT_STOREPASS", "s3cret!")],
    )
    .await
    .ok();
    let info = tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-in",
            p12_s,
            "-passin",
            "pass:s3cret!",
            "-nodes",
        ],
    );
    assert!(info.contains("friendlyName: me"), "{info}");
}

#[tokio::test]
async fn rename_delete_and_change_pass_phrase() {
    let cx = Cx::new();
    cx.run(
        &["keystore", "trust", &fixture("ca/root.pem"), "--alias", "a"],
        &[],
    )
    .await
    .ok();
    cx.run(
        &[
            "keystore",
            "trust",
            &fixture("other-ca/root.pem"),
            "--alias",
            "b",
        ],
        &[],
    )
    .await
    .ok();
    cx.run(&["keystore", "rename", "a", "root"], &[]).await.ok();
    cx.run(&["keystore", "delete", "b"], &[]).await.ok();
    cx.run(&["keystore", "delete", "b"], &[])
        .await
        .fails_with("CICSX01");

    let newpass = cx.path("newpass");
    std::fs::write(&newpass, "correct horse battery\n").unwrap();
    let run = cx
        .run(
            &[
                "keystore",
                "passwd",
                "--new-storepass-file",
                newpass.to_str().unwrap(),
            ],
            &[],
        )
        .await;
    run.ok();
    assert!(
        run.stderr.contains("CICSX0150W"),
        "changeit is warned about while in use\n{run}"
    );

    // The old pass phrase no longer opens it, and a wrong one changes nothing.
    let before = cx.snapshot();
    cx.run(
        &["keystore", "list"],
        &[("CICSX_KEYSTORE_PASSWORD", "changeit")],
    )
    .await
    .fails_with("CICSX01");
    cx.run(
        &["keystore", "delete", "root"],
        &[("CICSX_KEYSTORE_PASSWORD", "wrong")],
    )
    .await
    .fails_with("CICSX01");
    assert_eq!(cx.snapshot(), before);
    let run = cx
        .run(
            &[
                "keystore",
                "list",
                "--storepass-file",
                newpass.to_str().unwrap(),
            ],
            &[],
        )
        .await;
    assert!(run.ok().contains("root"), "{run}");
    assert!(!run.stderr.contains("CICSX0150W"), "{run}");
}

#[tokio::test]
async fn truststore_list_merges_keystore_and_truststore_file() {
    let cx = Cx::new();
    cx.run(
        &[
            "keystore",
            "trust",
            &fixture("ca/root.pem"),
            "--alias",
            "corp",
        ],
        &[],
    )
    .await
    .ok();
    cx.run(
        &["prefs", "set", "truststore", &fixture("other-ca/root.pem")],
        &[],
    )
    .await
    .ok();
    let run = cx.run(&["truststore", "list", "--json"], &[]).await;
    let v: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    let sources: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 2, "{run}");
    assert!(sources.iter().any(|s| s.contains("keystore.p12")), "{run}");
    assert!(
        sources.iter().any(|s| s.contains("other-ca/root.pem")),
        "{run}"
    );
}

/// What QA found: an export wrote over any file (the keystore itself included), an empty new
/// pass phrase was taken, an alias could turn an accepted certificate into an anchor, a
/// symbolic link to the keystore was replaced by a copy, and reading left a lock file behind.
#[tokio::test]
async fn exports_aliases_pass_phrases_and_links_keep_what_is_there() {
    let cx = Cx::new();
    let ks = cx.workspace().join("keystore.p12");
    cx.run(
        &["keystore", "import", &fixture("client/ecdsa.p12")],
        &[("CICSX_SRC_STOREPASS", "changeit")],
    )
    .await
    .ok();
    cx.run(
        &[
            "keystore",
            "trust",
            &fixture("ca/root.pem"),
            "--alias",
            "root",
        ],
        &[],
    )
    .await
    .ok();
    let before = std::fs::read(&ks).unwrap();

    // Export: never over the keystore, never over another file without --force.
    let ks_s = ks.to_str().unwrap();
    let export = |out: &str, force: bool| {
        let mut args = vec!["keystore", "export", "root", "--format", "pem", "--out"];
        args.push(out);
        if force {
            args.push("--force");
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let cx = &cx;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cx.run(&args, &[]).await
        }
    };
    run(export(ks_s, true)).await.fails_with("CICSX0941E");
    run(export(ks_s, false)).await.fails_with("CICSX0941E");
    let other = cx.path("other.p12");
    std::fs::write(&other, b"someone's keys").unwrap();
    let other_s = other.to_str().unwrap();
    run(export(other_s, false)).await.fails_with("CICSX0942E");
    assert_eq!(std::fs::read(&other).unwrap(), b"someone's keys");
    run(export(other_s, true)).await.ok();
    assert!(read(&other).contains("BEGIN CERTIFICATE"));
    assert_eq!(
        std::fs::read(&ks).unwrap(),
        before,
        "the keystore is untouched"
    );

    // A PKCS#12 export is a keystore: 0600 even without a key.
    let p12 = cx.path("root.p12");
    let pass = cx.path("pass");
    std::fs::write(&pass, "exportpass\n").unwrap();
    cx.run(
        &[
            "keystore",
            "export",
            "root",
            "--format",
            "p12",
            "--out",
            p12.to_str().unwrap(),
            "--outpass-file",
            pass.to_str().unwrap(),
        ],
        &[],
    )
    .await
    .ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p12).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // An empty new pass phrase is refused, and the keystore keeps its pass phrase.
    cx.run(
        &["keystore", "passwd"],
        &[("CICSX_KEYSTORE_NEW_PASSWORD", "")],
    )
    .await
    .fails_with("CICSX0940E");
    assert_eq!(std::fs::read(&ks).unwrap(), before);

    // Aliases keep their role: host:port is for certificates accepted on first use.
    cx.run(
        &[
            "keystore",
            "trust",
            &fixture("other-ca/root.pem"),
            "--alias",
            "mvs1.example.com:1490",
        ],
        &[],
    )
    .await
    .fails_with("CICSX0217E");
    cx.run(&["keystore", "rename", "root", "127.0.0.1:1490"], &[])
        .await
        .fails_with("CICSX0217E");
    assert_eq!(std::fs::read(&ks).unwrap(), before);
    let explain = cx.run(&["explain", "CICSX0217E"], &[]).await;
    assert!(explain.ok().contains("host:port"), "{explain}");

    // Reading creates nothing beside a file; writing through a link keeps the link.
    let shared = cx.path("shared");
    std::fs::create_dir(&shared).unwrap();
    let team = shared.join("team.p12");
    std::fs::copy(&ks, &team).unwrap();
    cx.run(
        &["keystore", "list", "--keystore", team.to_str().unwrap()],
        &[],
    )
    .await
    .ok();
    assert_eq!(
        std::fs::read_dir(&shared).unwrap().count(),
        1,
        "no lock file"
    );
    #[cfg(unix)]
    {
        let link = cx.path("team-link.p12");
        std::os::unix::fs::symlink(&team, &link).unwrap();
        cx.run(
            &[
                "keystore",
                "trust",
                &fixture("other-ca/root.pem"),
                "--alias",
                "other",
                "--keystore",
                link.to_str().unwrap(),
            ],
            &[],
        )
        .await
        .ok();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let list = cx
            .run(
                &["keystore", "list", "--keystore", team.to_str().unwrap()],
                &[],
            )
            .await;
        assert!(list.ok().contains("other"), "{list}");
    }
}

/// A truststore preference naming a file with no certificates (garbage, empty, a key alone)
/// is an error naming the file, not an empty trust list that turns every connect into a
/// certificate alert.
#[tokio::test]
async fn a_truststore_without_certificates_is_an_error() {
    let cx = Cx::new();
    for (name, content) in [
        ("garbage.pem", b"garbage\n".to_vec()),
        ("empty.pem", Vec::new()),
        (
            "key-only.pem",
            std::fs::read(fixture("server/rsa.key.pem")).unwrap(),
        ),
    ] {
        let path = cx.path(name);
        std::fs::write(&path, content).unwrap();
        let path = path.to_str().unwrap();
        cx.run(&["prefs", "set", "truststore", path], &[])
            .await
            .ok();
        let run = cx.run(&["truststore", "list"], &[]).await;
        let err = run.fails_with("CICSX0208E");
        assert!(err.contains(name), "{run}");
    }
}

/// A central truststore that is a file is listed as a connect would read it, before any
/// connect; one that cannot be read is the connect's error, not an empty list.
#[tokio::test]
async fn truststore_list_reads_a_central_file_at_once() {
    let cx = Cx::new();
    let central = cx.path("central.pem");
    std::fs::copy(fixture("ca/root.pem"), &central).unwrap();
    cx.run(
        &[
            "prefs",
            "set",
            "central_truststore",
            central.to_str().unwrap(),
        ],
        &[],
    )
    .await
    .ok();
    let run = cx.run(&["truststore", "list"], &[]).await;
    assert!(run.ok().contains("cicsx Test Root CA"), "{run}");
    std::fs::remove_file(&central).unwrap();
    // The copy kept from the read above still serves; without it, the connect's error.
    let run = cx.run(&["truststore", "list"], &[]).await;
    assert!(run.ok().contains("cicsx Test Root CA"), "{run}");
    let cache: Vec<_> = std::fs::read_dir(cx.workspace())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("central"))
        .collect();
    for p in &cache {
        std::fs::remove_file(p).unwrap();
    }
    assert!(!cache.is_empty(), "a cached copy was kept");
    cx.run(&["truststore", "list"], &[])
        .await
        .fails_with("CICSX0212E");
}

/// A bundle given to `keystore trust` is refused, not cut to its first certificate.
#[tokio::test]
async fn trust_refuses_a_bundle() {
    let cx = Cx::new();
    let bundle = cx.path("bundle.pem");
    let text = [fixture("ca/root.pem"), fixture("other-ca/root.pem")]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<String>();
    std::fs::write(&bundle, text).unwrap();
    cx.run(
        &[
            "keystore",
            "trust",
            bundle.to_str().unwrap(),
            "--alias",
            "b",
        ],
        &[],
    )
    .await
    .fails_with("CICSX0943E");
    assert!(!cx.workspace().join("keystore.p12").exists());
}

/// An import's errors name the file being imported, and the advice names its own flag.
#[tokio::test]
async fn import_errors_name_the_source_file() {
    let cx = Cx::new();
    let src = fixture("client/ecdsa.p12");
    let run = cx
        .run(
            &["keystore", "import", &src],
            &[("CICSX_SRC_STOREPASS", "not-the-pass")],
        )
        .await;
    assert!(run.fails_with("CICSX0101E").contains(&src), "{run}");
    // A file whose pass phrase is not the default, and no terminal to ask for it.
    let other = cx.path("other.p12");
    tool(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-in",
            &fixture("client/ecdsa.pem"),
            "-inkey",
            &fixture("client/ecdsa.key.pem"),
            "-passout",
            "pass:other-pass",
            "-out",
            other.to_str().unwrap(),
        ],
    );
    let run = cx
        .run(&["keystore", "import", other.to_str().unwrap()], &[])
        .await;
    let err = run.fails_with("CICSX0930E");
    assert!(err.contains("--srcstorepass-file"), "{run}");
}
