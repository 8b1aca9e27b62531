//! The connect flow lives in [`cicsx_cmci::flow`], shared with the GUI; this module adds what
//! only a command line has: the environment.

pub(crate) use cicsx_cmci::flow::{open_and_query, query};

use cicsx_keystore::SecretString;

/// The keystore pass phrase: $CICSX_KEYSTORE_PASSWORD, or `None` for the default `changeit`.
pub(crate) fn keystore_passphrase() -> Option<SecretString> {
    std::env::var("CICSX_KEYSTORE_PASSWORD")
        .ok()
        .map(SecretString::from)
}
