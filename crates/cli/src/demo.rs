//! `cicsx demo`: the whole flow against a mock CICS region started in this process, in a
//! temporary workspace, with no input needed. Every step runs the same code as the commands.

use std::io::Write;

use cicsx_cmci::Query;
use cicsx_keystore::SecretString;
use cicsx_mock_cics::{Config, MockRegion};
use cicsx_profile::{Connection, Credential, Workspace};

use crate::commands::{connect_and_report, print_response, runtime};
use crate::error::Failure;
use crate::interact::Scripted;
use crate::session;

const CONTEXT: &str = "CICSPLEX1";

pub(crate) fn run() -> Result<(), Failure> {
    let dir =
        tempfile::tempdir().map_err(|e| Failure::io("cannot create a temporary workspace", e))?;
    let workspace = Workspace::at(dir.path().join("workspace"));
    runtime()?.block_on(flow(&workspace))
}

fn step(out: &mut dyn Write, title: &str, command: &str) {
    let _ = writeln!(out, "\n== {title}\n$ {command}");
}

async fn flow(workspace: &Workspace) -> Result<(), Failure> {
    let mut out = std::io::stdout();
    let region = MockRegion::start(Config::default()).await.map_err(|e| {
        Failure::new(
            "CICSX0911E",
            format!("cannot start the mock CICS region: {e}"),
            "",
            "",
        )
    })?;
    let port = region.addr().port();
    let _ = writeln!(
        out,
        "cicsx demo: a mock CICS region is listening on 127.0.0.1:{port} (TLS 1.2 and 1.3, \
         certificate from a test CA that this new workspace does not trust yet).\n\
         Workspace: {}",
        workspace.dir().display()
    );

    step(
        &mut out,
        "1. Add a connection",
        &format!(
            "cicsx connection add demo --host 127.0.0.1 --port {port} --secure --user cicsuser --context {CONTEXT}"
        ),
    );
    let connection = Connection {
        name: "demo".into(),
        host: "127.0.0.1".into(),
        port,
        secure: true,
        credential: Credential::Password {
            user: "cicsuser".into(),
        },
        tls_confirmed: false,
        context: Some(CONTEXT.into()),
    };
    connection.validate()?;
    workspace.ensure_dir()?;
    workspace.update_connections(|all| all.add(connection.clone()))?;
    let _ = writeln!(out, "Added connection \"demo\".");

    let preferences = workspace.load_preferences()?;
    let mut ask = Scripted {
        accept: true,
        password: SecretString::from("cicspass".to_owned()),
        switch: false,
    };

    step(
        &mut out,
        "2. First connect: the server's certificate is new, so cicsx shows a certificate alert",
        "cicsx connect demo",
    );
    let connection = reload(workspace, "demo")?;
    connect_and_report(
        workspace,
        &preferences,
        &connection,
        None,
        CONTEXT,
        &mut ask,
        &mut out,
    )
    .await?;

    step(
        &mut out,
        "3. Second connect: the certificate is stored, so there is no alert",
        "cicsx connect demo",
    );
    let connection = reload(workspace, "demo")?;
    connect_and_report(
        workspace,
        &preferences,
        &connection,
        None,
        CONTEXT,
        &mut ask,
        &mut out,
    )
    .await?;

    let query = Query::new("CICSProgram", CONTEXT).criteria("PROGRAM=DFH*");
    step(
        &mut out,
        "4. A CMCI query, printed as a table",
        "cicsx get CICSProgram --connection demo --criteria 'PROGRAM=DFH*'",
    );
    let (_session, response, _) =
        session::open_and_query(workspace, &preferences, &connection, None, &mut ask, &query)
            .await?;
    print_response(&mut out, &query, &response, false)?;

    let stats = region.stats();
    let _ = writeln!(
        out,
        "\nThe mock region saw {} connections and {} HTTP requests. Done.",
        stats.connections, stats.http_requests
    );
    region.shutdown().await;
    Ok(())
}

fn reload(workspace: &Workspace, name: &str) -> Result<Connection, Failure> {
    workspace
        .load_connections()?
        .get(name)
        .cloned()
        .ok_or_else(|| Failure::unknown_connection(name))
}
