//! Command-line flags: the only place that knows clap.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

/// cicsx: connect securely (TLS) to IBM CICS systems over CMCI.
#[derive(Debug, Parser)]
#[command(name = "cicsx", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// The workspace directory holding preferences.toml, connections.toml and keystore.p12
    /// (default: $CICSX_WORKSPACE, or the platform's data directory, e.g. ~/.local/share/cicsx).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) workspace: Option<PathBuf>,

    /// Seconds to wait for the connection, the TLS handshake and each response (overrides the
    /// timeout preference).
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) timeout: Option<u64>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Manage stored CMCI connections.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Connect to a stored connection: TLS handshake, sign-on and one CMCI request.
    Connect(ConnectArgs),
    /// Query CICS resources over CMCI and print them as a table (or JSON).
    Get(GetArgs),
    /// Manage a keystore (as keytool or iKeyman do), in files those tools also read.
    #[command(subcommand)]
    Keystore(KeystoreCommand),
    /// Show the trust anchors cicsx uses, and where each comes from.
    #[command(subcommand)]
    Truststore(TruststoreCommand),
    /// Show or set the security preferences.
    #[command(subcommand)]
    Prefs(PrefsCommand),
    /// Smart cards (PKCS#11 tokens): the tokens the driver sees, and their certificates.
    #[command(subcommand)]
    Smartcard(SmartcardCommand),
    /// Find out why a connection fails: TLS or plain, protocol versions and cipher suites
    /// (rated), the certificate chain and its trust, client certificate requests, and the fix.
    Diagnose(DiagnoseArgs),
    /// Explain a message ID (e.g. CICSX0407E): what it means and what to change on the
    /// client and on the CICS region. `--list` lists every message.
    Explain {
        /// The message ID; with or without the severity letter, any case.
        id: Option<String>,
        /// List every message ID with its title.
        #[arg(long, conflicts_with = "id")]
        list: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the whole flow against a mock CICS region started in this process.
    Demo,
}

#[derive(Debug, Args)]
pub(crate) struct DiagnoseArgs {
    /// The endpoint: HOST:PORT (an IPv6 address in brackets, e.g. `[::1]:1490`), or the name of a
    /// stored connection.
    pub(crate) target: String,
    /// The server name to send (SNI) and to check the certificate against, if not the host.
    #[arg(long)]
    pub(crate) sni: Option<String>,
    /// Print the report as JSON (schema: docs/diagnose.md).
    #[arg(long)]
    pub(crate) json: bool,
}

/// Which keystore, and how to open it. Pass phrases never come from the command line.
#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
    /// The keystore file (default: the keystore preference, else the workspace's keystore.p12).
    #[arg(long, value_name = "PATH")]
    pub(crate) keystore: Option<PathBuf>,
    /// Its type: p12, jks or pem (default: guessed from the file).
    #[arg(long, value_name = "TYPE")]
    pub(crate) storetype: Option<String>,
    /// Read the pass phrase from the first line of this file (else $CICSX_KEYSTORE_PASSWORD,
    /// else the default changeit, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub(crate) storepass_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeystoreCommand {
    /// Create an empty keystore (PKCS#12).
    Create {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the entries.
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one entry in full.
    Show {
        /// The entry's alias.
        alias: String,
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import the entries of another keystore (PKCS#12, JKS) or PEM file.
    Import {
        /// The file to import from.
        file: PathBuf,
        /// The alias to give the entry (only when the file holds one entry).
        #[arg(long)]
        alias: Option<String>,
        /// The type of the file: p12, jks or pem (default: guessed).
        #[arg(long, value_name = "TYPE")]
        srcstoretype: Option<String>,
        /// Read the file's pass phrase from this file (else $CICSX_SRC_STOREPASS, else a prompt).
        #[arg(long, value_name = "FILE")]
        srcstorepass_file: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Export one entry as PEM (certificate chain; the key only with --include-key) or PKCS#12.
    Export {
        /// The entry's alias.
        alias: String,
        /// pem or p12.
        #[arg(long, value_parser = ["pem", "p12"])]
        format: String,
        /// Where to write it: a new file (mode 0600 for PKCS#12 or a key), unless --force.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// PEM: include the private key (PKCS#8, unencrypted: keep the file safe).
        #[arg(long)]
        include_key: bool,
        /// p12: read the new file's pass phrase from this file (else $CICSX_EXPORT_STOREPASS,
        /// else a prompt).
        #[arg(long, value_name = "FILE")]
        outpass_file: Option<PathBuf>,
        /// Replace the --out file if it exists (never the keystore exported from).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Delete an entry.
    Delete {
        /// The entry's alias.
        alias: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Rename an entry.
    Rename {
        /// The current alias.
        old: String,
        /// The new alias.
        new: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Change the keystore's pass phrase.
    Passwd {
        /// Read the new pass phrase from this file (else $CICSX_KEYSTORE_NEW_PASSWORD, else a
        /// prompt, asked twice).
        #[arg(long, value_name = "FILE")]
        new_storepass_file: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Add a certificate (PEM or DER) as a trusted entry.
    Trust {
        /// The certificate file.
        cert: PathBuf,
        /// The alias to store it under.
        #[arg(long)]
        alias: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SmartcardCommand {
    /// List the slots and tokens of the PKCS#11 module.
    List {
        /// The PKCS#11 module (default: the smartcard_module preference).
        #[arg(long, value_name = "PATH")]
        module: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the certificates on the tokens, with their PKCS#11 URIs for
    /// `cicsx connection add --smartcard`.
    Certs {
        /// Only this token (its label).
        #[arg(long)]
        token: Option<String>,
        /// The PKCS#11 module (default: the smartcard_module preference).
        #[arg(long, value_name = "PATH")]
        module: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TruststoreCommand {
    /// List every trust anchor and pinned certificate, with its source.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum PrefsCommand {
    /// Show every preference.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set one preference (`none` unsets it): trust_verification, keystore, keystore_type,
    /// truststore, central_truststore, smartcard_module, protocol.
    Set {
        /// The preference.
        key: String,
        /// Its new value.
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConnectionCommand {
    /// Add a CMCI connection.
    Add(AddArgs),
    /// Change a connection: only the options given change. Changing the host, port or secure
    /// setting makes the TLS setting unconfirmed again; credential and context keep it.
    Edit(EditArgs),
    /// List the stored connections.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one connection.
    Show {
        /// The connection's name.
        name: String,
    },
    /// Remove a connection.
    Remove {
        /// The connection's name.
        name: String,
    },
    /// Write connections to a file others can import or load (no passwords, no confirmations).
    Export {
        /// The file to write.
        file: PathBuf,
        /// The connections to export (default: all of your own).
        names: Vec<String>,
    },
    /// Copy the connections of a shared file, or of a Zowe team configuration
    /// (zowe.config.json), into this workspace. Imported connections are unconfirmed; existing
    /// ones keep their credentials.
    Import {
        /// The file: a cicsx connections file, or zowe.config.json.
        file: PathBuf,
    },
    /// Link a shared connections file or https URL, read-only and re-read at every start.
    Load {
        /// The path or https:// URL.
        location: String,
    },
    /// Remove the link to a loaded file or URL.
    Unload {
        /// The path or URL, as `cicsx connection list` shows it.
        location: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// A name for the connection.
    pub(crate) name: String,
    /// Host name or IP address of the CICS region (or CICSPlex SM WUI server).
    #[arg(long)]
    pub(crate) host: String,
    /// Port of its CMCI TCPIPSERVICE.
    #[arg(long)]
    pub(crate) port: u16,
    /// Secure connection (TLS/SSL).
    #[arg(
        long,
        conflicts_with = "no_secure",
        required_unless_present = "no_secure"
    )]
    pub(crate) secure: bool,
    /// Plain HTTP, without TLS.
    #[arg(long)]
    pub(crate) no_secure: bool,
    /// User ID to sign on with (the password is asked for at connect time, or taken from
    /// $CICSX_PASSWORD; it is never stored).
    #[arg(long)]
    pub(crate) user: Option<String>,
    /// Sign on with the client certificate in this PKCS#12 file (needs --secure).
    #[arg(long, value_name = "FILE.p12", conflicts_with = "keystore_cert")]
    pub(crate) client_cert: Option<PathBuf>,
    /// Sign on with the client certificate stored under this alias in the keystore
    /// (needs --secure).
    #[arg(long, value_name = "ALIAS", conflicts_with = "smartcard")]
    pub(crate) keystore_cert: Option<String>,
    /// Sign on with a certificate on a smart card, named by its PKCS#11 URI (see
    /// `cicsx smartcard certs`; needs --secure). The PIN is asked for at connect time, or
    /// taken from $CICSX_PIN.
    #[arg(long, value_name = "PKCS11-URI", conflicts_with = "client_cert")]
    pub(crate) smartcard: Option<String>,
    /// The alias of the key to use in the --client-cert file, when it holds several.
    #[arg(long, value_name = "ALIAS", requires = "client_cert")]
    pub(crate) client_cert_alias: Option<String>,
    /// The CMCI context used by `cicsx connect` and as the default for `cicsx get`: the
    /// CICSplex name, or the APPLID of a stand-alone region.
    #[arg(long)]
    pub(crate) context: Option<String>,
}

/// `cicsx connection edit`: the options of `connection add`, each optional, and a few to take
/// something away. At least one must be given.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("change").required(true).multiple(true)),
    override_usage = "cicsx connection edit <NAME> <OPTION>..."
)]
pub(crate) struct EditArgs {
    /// The connection's name.
    pub(crate) name: String,
    /// New host name or IP address.
    #[arg(long, group = "change")]
    pub(crate) host: Option<String>,
    /// New port of the CMCI TCPIPSERVICE.
    #[arg(long, group = "change")]
    pub(crate) port: Option<u16>,
    /// Make it a secure connection (TLS/SSL).
    #[arg(long, conflicts_with = "no_secure", group = "change")]
    pub(crate) secure: bool,
    /// Make it plain HTTP, without TLS (not with a client certificate).
    #[arg(long, group = "change")]
    pub(crate) no_secure: bool,
    /// New user ID (the client certificate, if any, is kept). Without a certificate the
    /// connection signs on with this user ID and a password asked for at connect time.
    #[arg(long, conflicts_with = "no_user", group = "change")]
    pub(crate) user: Option<String>,
    /// Remove the user ID (without a certificate: sign on with nothing).
    #[arg(long, group = "change")]
    pub(crate) no_user: bool,
    /// Sign on with the client certificate in this PKCS#12 file (needs a secure connection).
    #[arg(
        long,
        value_name = "FILE.p12",
        conflicts_with = "keystore_cert",
        group = "change"
    )]
    pub(crate) client_cert: Option<PathBuf>,
    /// Sign on with the client certificate stored under this alias in the keystore.
    #[arg(
        long,
        value_name = "ALIAS",
        conflicts_with = "smartcard",
        group = "change"
    )]
    pub(crate) keystore_cert: Option<String>,
    /// Sign on with a certificate on a smart card, named by its PKCS#11 URI.
    #[arg(
        long,
        value_name = "PKCS11-URI",
        conflicts_with = "client_cert",
        group = "change"
    )]
    pub(crate) smartcard: Option<String>,
    /// The alias of the key to use in the client certificate file (with --client-cert, or
    /// alone for the file the connection already uses).
    #[arg(long, value_name = "ALIAS", conflicts_with_all = ["keystore_cert", "smartcard"], group = "change")]
    pub(crate) client_cert_alias: Option<String>,
    /// Stop using a client certificate: sign on with the user ID and a password (or with
    /// nothing if there is no user ID).
    #[arg(long, conflicts_with_all = ["client_cert", "keystore_cert", "smartcard", "client_cert_alias"], group = "change")]
    pub(crate) no_certificate: bool,
    /// New CMCI context: the CICSplex name, or the APPLID of a stand-alone region.
    #[arg(long, conflicts_with = "no_context", group = "change")]
    pub(crate) context: Option<String>,
    /// Remove the stored CMCI context.
    #[arg(long, group = "change")]
    pub(crate) no_context: bool,
}

/// How to answer a certificate alert without a terminal.
#[derive(Debug, Clone, Args)]
pub(crate) struct TrustArgs {
    /// Accept the server's certificate on first use if, and only if, its SHA-256 fingerprint
    /// is this one (for scripts; without a terminal nothing is ever accepted otherwise).
    #[arg(long, value_name = "SHA256")]
    pub(crate) accept_certificate: Option<String>,
    /// When the port turns out to speak the other protocol (TLS or plain HTTP) than the
    /// connection is set to, retry once with the other setting without asking.
    #[arg(long)]
    pub(crate) switch_security: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ConnectArgs {
    /// The connection's name.
    pub(crate) name: String,
    /// The CMCI context to query (default: the connection's context).
    #[arg(long)]
    pub(crate) context: Option<String>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct GetArgs {
    /// The resource tables, e.g. CICSRegion, CICSProgram, CICSLocalTransaction, CICSLocalFile,
    /// CICSTCPIPService. Several are queried over one connection and one sign-on (later
    /// requests carry the region's LTPA token instead of the password).
    #[arg(required = true, value_name = "RESOURCE")]
    pub(crate) resources: Vec<String>,
    /// The connection to use. Give it several times, or a pattern with `*` and `?` (quoted),
    /// to query several connections at once: the result is one table with a CONNECTION
    /// column, and a line for each connection that failed.
    #[arg(
        long,
        short = 'c',
        value_name = "NAME",
        required_unless_present = "all"
    )]
    pub(crate) connection: Vec<String>,
    /// Query every connection (the workspace's own and loaded ones).
    #[arg(long, conflicts_with = "connection")]
    pub(crate) all: bool,
    /// With several connections: how many to connect to at once.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) jobs: u16,
    /// The CMCI context: a CICSplex name or a region's APPLID (default: the connection's).
    #[arg(long)]
    pub(crate) context: Option<String>,
    /// The CMCI scope within the context.
    #[arg(long)]
    pub(crate) scope: Option<String>,
    /// A CMCI filter, e.g. "PROGRAM=DFH*" or "(STATUS=ENABLED) AND (LANGUAGE=COBOL)".
    #[arg(long)]
    pub(crate) criteria: Option<String>,
    /// At most this many records.
    #[arg(long)]
    pub(crate) count: Option<u32>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}
