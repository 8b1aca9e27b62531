//! The user's view of a failure: [`cicsx_cmci::message::Failure`], shared with the GUI.

pub(crate) use cicsx_cmci::message::Failure;
