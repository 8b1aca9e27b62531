//! Network work off the UI thread: one `std::thread` per connect, running a tokio
//! current-thread runtime with [`cicsx_cmci::flow::open_and_query`]. The thread and the UI talk
//! over `std::sync::mpsc` channels: the flow's questions arrive as [`Event::Ask`] with a reply
//! channel, the UI answers from a dialog, and the worker (blocked on the reply) carries on.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use cicsx_cmci::flow::{self, Mismatch, Prompter};
use cicsx_cmci::message::Failure;
use cicsx_cmci::{Query, Response};
use cicsx_keystore::SecretString;
use cicsx_profile::{Connection, Preferences, Workspace};
use cicsx_truststore::CertificateInfo;

/// A question the connect flow asks the user.
pub(crate) enum Question {
    /// Certificate alert on first use.
    Certificate {
        endpoint: String,
        info: Box<CertificateInfo>,
    },
    /// The mismatch or "Ambiguity in connection security" dialog.
    Mismatch {
        title: String,
        explanation: String,
        question: String,
        /// The setting the connection has now (the retry uses the other one).
        secure: bool,
    },
    /// The password of a user ID.
    Password { user: String, endpoint: String },
    /// The pass phrase of a PKCS#12 file.
    Pkcs12 { path: PathBuf },
    /// A smart card PIN.
    Pin { token: String },
}

/// The user's answer.
pub(crate) enum Reply {
    /// Accept, retry.
    Yes,
    /// Cancel.
    No,
    /// A password, pass phrase or PIN.
    Secret(SecretString),
}

/// What the worker reports.
pub(crate) enum Event {
    Ask(Question, Sender<Reply>),
    Warning(String),
    Notice(String),
    /// Connected; the first query's answer.
    Connected {
        connection: Box<Connection>,
        details: Vec<String>,
        query: Query,
        response: Response,
    },
    /// The answer to a later query.
    Answer {
        query: Query,
        response: Result<Response, Failure>,
    },
    /// The connect failed.
    Failed(Failure),
}

/// What the UI asks of a connected worker.
pub(crate) enum Command {
    Query(Query),
}

/// One connection's worker, as the UI sees it.
pub(crate) struct Job {
    events: Receiver<Event>,
    commands: Sender<Command>,
    /// The worker is doing network work (spinner).
    pub(crate) busy: bool,
    /// The worker ended (failed, or its channel closed).
    pub(crate) ended: bool,
}

impl Job {
    /// The next event, if any; notes the end of the worker.
    pub(crate) fn poll(&mut self) -> Option<Event> {
        match self.events.try_recv() {
            Ok(event) => {
                match &event {
                    Event::Connected { .. } | Event::Answer { .. } => self.busy = false,
                    Event::Failed(_) => {
                        self.busy = false;
                        self.ended = true;
                    }
                    _ => {}
                }
                Some(event)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.busy = false;
                self.ended = true;
                None
            }
        }
    }

    /// Runs one more query on the open session.
    pub(crate) fn query(&mut self, query: Query) {
        if self.commands.send(Command::Query(query)).is_ok() {
            self.busy = true;
        } else {
            self.ended = true;
        }
    }
}

/// What a connect needs, taken from the workspace when the user clicks Connect.
pub(crate) struct ConnectRequest {
    pub(crate) workspace: Workspace,
    pub(crate) preferences: Preferences,
    pub(crate) connection: Connection,
    pub(crate) origin: Option<String>,
    pub(crate) keystore_passphrase: Option<SecretString>,
    pub(crate) first: Query,
}

/// Starts a connect on its own thread. Dropping the returned [`Job`] disconnects: the worker
/// sees its command channel close and ends, closing the session.
pub(crate) fn connect(request: ConnectRequest) -> Job {
    let (events_tx, events) = mpsc::channel();
    let (commands, commands_rx) = mpsc::channel();
    let failed = events_tx.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("connect {}", request.connection.name))
        .spawn(move || work(request, events_tx, commands_rx));
    if let Err(e) = spawned {
        let _ = failed.send(Event::Failed(Failure::io(
            "cannot start the connect thread",
            e,
        )));
    }
    Job {
        events,
        commands,
        busy: true,
        ended: false,
    }
}

fn work(request: ConnectRequest, events: Sender<Event>, commands: Receiver<Command>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = events.send(Event::Failed(Failure::io(
                "cannot start the async runtime",
                e,
            )));
            return;
        }
    };
    runtime.block_on(async move {
        let ConnectRequest {
            workspace,
            preferences,
            connection,
            origin,
            keystore_passphrase,
            first,
        } = request;
        let mut ask = GuiPrompter {
            events: events.clone(),
            keystore_passphrase,
        };
        let opened = flow::open_and_query(
            &workspace,
            &preferences,
            &connection,
            origin.as_deref(),
            &mut ask,
            &first,
        )
        .await;
        let (mut session, response, effective) = match opened {
            Ok(opened) => opened,
            Err(failure) => {
                let _ = events.send(Event::Failed(failure));
                return;
            }
        };
        let details = details(&session);
        let _ = events.send(Event::Connected {
            connection: Box::new(effective),
            details,
            query: first,
            response,
        });
        // A blocking receive: this thread is the runtime's only one, and it has nothing else
        // to do until the UI asks for more.
        while let Ok(Command::Query(query)) = commands.recv() {
            let response = flow::query(&mut session, &query).await;
            if events.send(Event::Answer { query, response }).is_err() {
                break;
            }
        }
    });
}

/// How the session was secured, for the results panel.
fn details(session: &flow::Session) -> Vec<String> {
    let mut out = Vec::new();
    match session.client.tls_info() {
        Some(tls) => {
            out.push(format!("Protocol: {}", tls.version));
            out.push(format!("Cipher suite: {}", tls.cipher_suite));
            if let Some(info) = tls
                .peer_certificates
                .first()
                .and_then(|leaf| CertificateInfo::from_der(leaf).ok())
            {
                out.push(format!("Server: {}", info.subject));
            }
            let trust = match session.trust {
                Some(cicsx_truststore::TrustOutcome::Anchored) => {
                    "issued by a trusted certificate authority"
                }
                Some(cicsx_truststore::TrustOutcome::Pinned) if session.accepted_now => {
                    "accepted just now and stored in the keystore"
                }
                Some(cicsx_truststore::TrustOutcome::Pinned) => {
                    "accepted on first use earlier (stored in the keystore)"
                }
                Some(cicsx_truststore::TrustOutcome::Unverified) => {
                    "NOT VERIFIED (trust verification is off)"
                }
                _ => "unknown",
            };
            out.push(format!("Trust: {trust}"));
        }
        None => out.push("Protocol: plain HTTP (not encrypted)".to_owned()),
    }
    out
}

/// The GUI's answers to the connect flow: each question becomes a dialog.
struct GuiPrompter {
    events: Sender<Event>,
    keystore_passphrase: Option<SecretString>,
}

impl GuiPrompter {
    fn ask(&self, question: Question) -> Result<Reply, Failure> {
        let (tx, rx) = mpsc::channel();
        self.events
            .send(Event::Ask(question, tx))
            .map_err(|_| closed())?;
        rx.recv().map_err(|_| closed())
    }

    fn secret(&self, question: Question, what: &str) -> Result<SecretString, Failure> {
        match self.ask(question)? {
            Reply::Secret(secret) => Ok(secret),
            Reply::Yes | Reply::No => Err(cancelled(what)),
        }
    }
}

/// The window closed while a connect was waiting for an answer.
fn closed() -> Failure {
    Failure::new(
        "CICSX0992E",
        "the connect was stopped: the window no longer waits for it",
        "The connection was disconnected or the app closed while a question was open.",
        "Connect again.",
    )
}

/// The user cancelled a dialog.
pub(crate) fn cancelled(what: &str) -> Failure {
    Failure::new(
        "CICSX0991E",
        format!("{what} was cancelled; the connection was not made"),
        "A dialog the connect needed was answered with Cancel.",
        "Connect again when you have the answer.",
    )
}

impl Prompter for GuiPrompter {
    async fn accept_certificate(
        &mut self,
        endpoint: &str,
        info: &CertificateInfo,
    ) -> Result<bool, Failure> {
        let reply = self.ask(Question::Certificate {
            endpoint: endpoint.to_owned(),
            info: Box::new(info.clone()),
        })?;
        Ok(matches!(reply, Reply::Yes))
    }

    async fn password(&mut self, user: &str, endpoint: &str) -> Result<SecretString, Failure> {
        self.secret(
            Question::Password {
                user: user.to_owned(),
                endpoint: endpoint.to_owned(),
            },
            "the password dialog",
        )
    }

    async fn pkcs12_passphrase(&mut self, path: &Path) -> Result<SecretString, Failure> {
        self.secret(
            Question::Pkcs12 {
                path: path.to_path_buf(),
            },
            "the pass phrase dialog",
        )
    }

    async fn switch_security(&mut self, mismatch: &Mismatch) -> Result<bool, Failure> {
        let title = if mismatch.confirmed {
            "Connection security mismatch"
        } else {
            "Ambiguity in connection security"
        };
        let reply = self.ask(Question::Mismatch {
            title: title.to_owned(),
            explanation: mismatch.explanation(),
            question: mismatch.question(),
            secure: mismatch.secure,
        })?;
        Ok(matches!(reply, Reply::Yes))
    }

    async fn pin(&mut self, token: &str) -> Result<SecretString, Failure> {
        self.secret(
            Question::Pin {
                token: token.to_owned(),
            },
            "the PIN dialog",
        )
    }

    fn keystore_passphrase(&mut self) -> Option<SecretString> {
        self.keystore_passphrase.clone()
    }

    fn warning(&mut self, text: &str) {
        let _ = self.events.send(Event::Warning(text.to_owned()));
    }

    fn notice(&mut self, text: &str) {
        let _ = self.events.send(Event::Notice(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_secret_dialog_is_a_failure_with_an_id() {
        let (events, rx) = mpsc::channel();
        let prompter = GuiPrompter {
            events,
            keystore_passphrase: None,
        };
        let answer = std::thread::spawn(move || {
            if let Ok(Event::Ask(Question::Pin { token }, reply)) = rx.recv() {
                assert_eq!(token, "card");
                reply.send(Reply::No).unwrap();
            }
        });
        let err = prompter
            .secret(
                Question::Pin {
                    token: "card".into(),
                },
                "the PIN dialog",
            )
            .err()
            .unwrap();
        answer.join().unwrap();
        assert_eq!(err.id, "CICSX0991E");
        assert!(err.message.contains("PIN dialog"));
    }

    #[test]
    fn a_closed_window_stops_the_worker_instead_of_hanging() {
        let (events, rx) = mpsc::channel();
        drop(rx);
        let prompter = GuiPrompter {
            events,
            keystore_passphrase: None,
        };
        let err = prompter
            .ask(Question::Password {
                user: "u".into(),
                endpoint: "h:1".into(),
            })
            .err()
            .unwrap();
        assert_eq!(err.id, "CICSX0992E");
    }
}
