//! Questions the CLI asks a person: certificate alerts and passwords.
//!
//! [`Terminal`] asks at the terminal (or takes the answer from flags and the environment when
//! there is none); the demo answers its own questions through [`Scripted`], in the open, so
//! that the output shows what a user would see.

use std::io::{IsTerminal, Write};

use cicsx_keystore::SecretString;
use cicsx_truststore::{CertificateInfo, Fingerprint};

use cicsx_cmci::flow::{Mismatch, Prompter};

use crate::error::Failure;

/// Prints a certificate alert.
/// Seconds since 1970 (0 if the clock is before then).
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub(crate) fn show_certificate_alert(out: &mut dyn Write, endpoint: &str, info: &CertificateInfo) {
    let _ = writeln!(
        out,
        "Certificate alert: {endpoint} presented a certificate that no keystore or truststore trusts."
    );
    let host = endpoint
        .rsplit_once(':')
        .map_or(endpoint, |(host, _)| host)
        .trim_start_matches('[')
        .trim_end_matches(']');
    for problem in info.alert_problems(host, now_unix()) {
        let _ = writeln!(out, "  WARNING:       {problem}");
    }
    let _ = writeln!(out, "  Subject:       {}", info.subject);
    let _ = writeln!(out, "  Issuer:        {}", info.issuer);
    let _ = writeln!(out, "  Valid from:    {}", info.not_before);
    let _ = writeln!(out, "  Valid until:   {}", info.not_after);
    let _ = writeln!(
        out,
        "  Host names:    {}",
        info.subject_alt_names.join(", ")
    );
    let _ = writeln!(out, "  Key:           {}", info.key_algorithm);
    let _ = writeln!(out, "  Serial number: {}", info.serial);
    let _ = writeln!(out, "  SHA-256:       {}", info.sha256);
    if info.self_signed {
        let _ = writeln!(out, "  (self-signed)");
    }
    let _ = writeln!(
        out,
        "Read it carefully and satisfy yourself that this is the server you expect: compare the \
         SHA-256 fingerprint with the one the region's administrator gives you. A WARNING above \
         is a reason to ask the administrator first: an accepted certificate is trusted as it \
         is, for this host and port, until it changes."
    );
}

/// The real terminal, with flags and environment variables for scripts.
pub(crate) struct Terminal {
    /// `--accept-certificate`: the only fingerprint that may be accepted without asking.
    pub(crate) accept_fingerprint: Option<Fingerprint>,
    /// `--switch-security`: retry with the other TLS setting on a mismatch without asking.
    pub(crate) switch_security: bool,
    /// Print notices on standard error (when standard output carries data, e.g. JSON).
    pub(crate) notices_to_stderr: bool,
}

impl Terminal {
    fn interactive() -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }
}

impl Prompter for Terminal {
    fn keystore_passphrase(&mut self) -> Option<SecretString> {
        crate::session::keystore_passphrase()
    }

    fn warning(&mut self, text: &str) {
        eprintln!("{text}");
    }

    fn notice(&mut self, text: &str) {
        if self.notices_to_stderr {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }

    async fn pin(&mut self, token: &str) -> Result<SecretString, Failure> {
        if let Ok(pin) = std::env::var("CICSX_PIN") {
            return Ok(SecretString::from(pin));
        }
        if !Self::interactive() {
            return Err(Failure::new(
                "CICSX0936E",
                format!(
                    "the PIN of smart card {token} is needed, and there is no terminal to ask for it"
                ),
                "A smart card signs only after its PIN is given; cicsx never stores it.",
                "Set CICSX_PIN in the environment of the command, or run it at a terminal.",
            ));
        }
        dialoguer::Password::new()
            .with_prompt(format!("PIN of smart card {token}"))
            .interact()
            .map(SecretString::from)
            .map_err(|e| Failure::io("cannot read the PIN", std::io::Error::other(e)))
    }

    async fn switch_security(&mut self, mismatch: &Mismatch) -> Result<bool, Failure> {
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{}", mismatch.explanation());
        if self.switch_security {
            let _ = writeln!(
                err,
                "{} Yes: --switch-security was given.",
                mismatch.question()
            );
            return Ok(true);
        }
        if !Self::interactive() {
            return Ok(false);
        }
        let _ = writeln!(err, "{}", mismatch.question());
        dialoguer::Confirm::new()
            .with_prompt("Retry with the other setting?")
            .default(false)
            .interact()
            .map_err(|e| Failure::io("cannot read the answer", std::io::Error::other(e)))
    }

    async fn accept_certificate(
        &mut self,
        endpoint: &str,
        info: &CertificateInfo,
    ) -> Result<bool, Failure> {
        let mut err = std::io::stderr();
        show_certificate_alert(&mut err, endpoint, info);
        if let Some(expected) = &self.accept_fingerprint {
            if *expected == info.sha256 {
                let _ = writeln!(
                    err,
                    "Accepted: the fingerprint matches --accept-certificate."
                );
                return Ok(true);
            }
            return Err(Failure::new(
                "CICSX0904E",
                format!(
                    "the certificate of {endpoint} has the SHA-256 fingerprint {}, not the {expected} given with --accept-certificate",
                    info.sha256
                ),
                "The server presented a different certificate from the one you were told to expect.",
                "Do not accept it until the region's administrator confirms which certificate the server should present.",
            ));
        }
        if !Self::interactive() {
            return Err(Failure::new(
                "CICSX0902E",
                format!(
                    "the certificate of {endpoint} is not trusted, and there is no terminal to ask whether to accept it"
                ),
                "Nothing in the keystore or truststore vouches for this server, and cicsx never accepts a certificate silently.",
                format!(
                    "After checking the fingerprint with the region's administrator, run again with --accept-certificate {}",
                    info.sha256
                ),
            ));
        }
        dialoguer::Confirm::new()
            .with_prompt("Accept this certificate and store it in the keystore?")
            .default(false)
            .interact()
            .map_err(|e| Failure::io("cannot read the answer", std::io::Error::other(e)))
    }

    async fn password(&mut self, user: &str, endpoint: &str) -> Result<SecretString, Failure> {
        if let Ok(password) = std::env::var("CICSX_PASSWORD") {
            return Ok(SecretString::from(password));
        }
        if !Self::interactive() {
            return Err(Failure::new(
                "CICSX0903E",
                format!(
                    "a password is needed for {user} at {endpoint}, and there is no terminal to ask for it"
                ),
                "Passwords are never stored in the workspace.",
                "Set CICSX_PASSWORD in the environment of the command, or run it at a terminal.",
            ));
        }
        dialoguer::Password::new()
            .with_prompt(format!("Password for {user} at {endpoint}"))
            .interact()
            .map(SecretString::from)
            .map_err(|e| Failure::io("cannot read the password", std::io::Error::other(e)))
    }

    async fn pkcs12_passphrase(&mut self, path: &std::path::Path) -> Result<SecretString, Failure> {
        if let Ok(pass) = std::env::var("CICSX_CLIENT_CERT_PASSWORD") {
            return Ok(SecretString::from(pass));
        }
        if !Self::interactive() {
            return Err(Failure::new(
                "CICSX0905E",
                format!(
                    "the pass phrase of {} is needed, and there is no terminal to ask for it",
                    path.display()
                ),
                "The client certificate's PKCS#12 file is encrypted with a pass phrase.",
                "Set CICSX_CLIENT_CERT_PASSWORD in the environment of the command, or run it at a terminal.",
            ));
        }
        dialoguer::Password::new()
            .with_prompt(format!("Pass phrase of {}", path.display()))
            .interact()
            .map(SecretString::from)
            .map_err(|e| Failure::io("cannot read the pass phrase", std::io::Error::other(e)))
    }
}

/// Answers given in advance, printed as a user would type them.
pub(crate) struct Scripted {
    pub(crate) accept: bool,
    pub(crate) password: SecretString,
    pub(crate) switch: bool,
}

impl Prompter for Scripted {
    fn keystore_passphrase(&mut self) -> Option<SecretString> {
        None
    }

    fn warning(&mut self, text: &str) {
        println!("{text}");
    }

    fn notice(&mut self, text: &str) {
        println!("{text}");
    }

    async fn pin(&mut self, token: &str) -> Result<SecretString, Failure> {
        println!("PIN of smart card {token}: ****   (typed by the demo)");
        Ok(self.password.clone())
    }

    async fn switch_security(&mut self, mismatch: &Mismatch) -> Result<bool, Failure> {
        println!(
            "{}\n[y/N] {}   (answered by the demo)",
            mismatch.text(),
            if self.switch { "y" } else { "n" }
        );
        Ok(self.switch)
    }

    async fn accept_certificate(
        &mut self,
        endpoint: &str,
        info: &CertificateInfo,
    ) -> Result<bool, Failure> {
        let mut out = std::io::stdout();
        show_certificate_alert(&mut out, endpoint, info);
        let _ = writeln!(
            out,
            "Accept this certificate and store it in the keystore? [y/N] {}   (answered by the demo)",
            if self.accept { "y" } else { "n" }
        );
        Ok(self.accept)
    }

    async fn password(&mut self, user: &str, endpoint: &str) -> Result<SecretString, Failure> {
        println!("Password for {user} at {endpoint}: ********   (typed by the demo)");
        Ok(self.password.clone())
    }

    async fn pkcs12_passphrase(
        &mut self,
        _path: &std::path::Path,
    ) -> Result<SecretString, Failure> {
        Ok(SecretString::from(
            cicsx_keystore::DEFAULT_PASSPHRASE.to_owned(),
        ))
    }
}
