//! Command-line flags: the only place that knows clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// cicsx: connect securely (TLS) to IBM CICS systems over CMCI.
#[derive(Debug, Parser)]
#[command(name = "cicsx", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// The workspace directory holding preferences.toml, connections.toml and keystore.p12
    /// (default: $CICSX_WORKSPACE, or the platform's data directory, e.g. ~/.local/share/cicsx).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) workspace: Option<PathBuf>,

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
    /// Run the whole flow against a mock CICS region started in this process.
    Demo,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConnectionCommand {
    /// Add a CMCI connection.
    Add(AddArgs),
    /// List the stored connections.
    List,
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
    #[arg(long, value_name = "ALIAS")]
    pub(crate) keystore_cert: Option<String>,
    /// The alias of the key to use in the --client-cert file, when it holds several.
    #[arg(long, value_name = "ALIAS", requires = "client_cert")]
    pub(crate) client_cert_alias: Option<String>,
    /// The CMCI context used by `cicsx connect` and as the default for `cicsx get`: the
    /// CICSplex name, or the APPLID of a stand-alone region.
    #[arg(long)]
    pub(crate) context: Option<String>,
}

/// How to answer a certificate alert without a terminal.
#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// Accept the server's certificate on first use if, and only if, its SHA-256 fingerprint
    /// is this one (for scripts; without a terminal nothing is ever accepted otherwise).
    #[arg(long, value_name = "SHA256")]
    pub(crate) accept_certificate: Option<String>,
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

#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// The resource tables, e.g. CICSRegion, CICSProgram, CICSLocalTransaction, CICSLocalFile,
    /// CICSTCPIPService. Several are queried over one connection and one sign-on (later
    /// requests carry the region's LTPA token instead of the password).
    #[arg(required = true, value_name = "RESOURCE")]
    pub(crate) resources: Vec<String>,
    /// The connection to use.
    #[arg(long, short = 'c')]
    pub(crate) connection: String,
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
