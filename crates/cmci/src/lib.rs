//! CMCI, the CICS management client interface: the REST interface that CICS regions and
//! CICSPlex SM offer under `/CICSSystemManagement`.
//!
//! Most of this crate is sans-IO: values in, values out, no sockets. [`Query`] builds request
//! paths (`/CICSSystemManagement/<resource>/<context>[/<scope>][//<count>]?CRITERIA=...`),
//! [`parse_response`] reads the XML `<response>` a region answers with, [`parse_error_body`]
//! reads the `<error message_id="DFHWU4xxx">` body of a rejected request, and
//! [`render_table`] lays records out for a terminal. The [`client`] module carries requests
//! over `cicsx-handshake`, the only crate that opens sockets.
//!
//! The parser is written for untrusted input: a broken or hostile server gets an [`Error`]
//! (with a stable `CICSX06xxE` message ID), never a panic, and the limits in
//! [`MAX_BODY_BYTES`], [`MAX_DEPTH`], [`MAX_ATTRIBUTES`] and [`MAX_RECORDS`] bound the work
//! and memory one response can cost.
//!
//! ```
//! use cicsx_cmci::{ApiResponse, Query, default_columns, parse_response, render_table};
//!
//! let path = Query::new("CICSProgram", "IYK2ZAB1").count(2).path_and_query()?;
//! assert_eq!(path, "/CICSSystemManagement/CICSProgram/IYK2ZAB1//2");
//!
//! // What the region answers, trimmed.
//! let body = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" version="3.0" connect_version="0610">
//!   <resultsummary api_response1="1024" api_response2="0" api_response1_alt="OK"
//!       api_response2_alt="" recordcount="2" displayed_recordcount="2"/>
//!   <records>
//!     <cicsprogram _keydata="C4C6C8C1D4D74040" program="DFHAMP" eyu_cicsname="IYK2ZAB1"
//!         language="ASSEMBLER" status="ENABLED" usecount="3"/>
//!     <cicsprogram _keydata="C4C6C8C3C5C3C3D4" program="DFHCECCM" eyu_cicsname="IYK2ZAB1"
//!         language="COBOL" status="DISABLED" usecount="0"/>
//!   </records>
//! </response>"#;
//! let response = parse_response(body)?;
//! assert_eq!(response.summary.api_response1, ApiResponse::Ok);
//! assert_eq!(response.records.len(), 2);
//!
//! let table = render_table(&response.records, default_columns("CICSProgram"));
//! assert!(table.starts_with("PROGRAM   EYU_CICSNAME  LANGUAGE   STATUS    USECOUNT\n"));
//! # Ok::<(), cicsx_cmci::Error>(())
//! ```

#![warn(missing_docs)]

pub mod catalogue;
pub mod client;
pub mod diagnose;
mod error;
pub mod fanout;
pub mod flow;
pub mod message;
mod query;
mod response;
pub mod session;
mod table;

pub use error::Error;
pub use query::{Query, ROOT, action_body, result_cache_path};
pub use response::{
    ApiResponse, CmciHttpError, Feedback, MAX_ATTRIBUTES, MAX_BODY_BYTES, MAX_DEPTH, MAX_RECORDS,
    Record, Response, ResultSummary, parse_error_body, parse_response,
};
pub use table::{default_columns, render_table};
