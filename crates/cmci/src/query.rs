//! Building CMCI request URLs: `GET /CICSSystemManagement/<resource>/<context>[/<scope>][//<count>]?...`.

use crate::error::{Error, echo};

/// The first path segment of every CMCI URL. CMCI compares it case-sensitively.
pub const ROOT: &str = "/CICSSystemManagement";

/// The longest resource, context or scope name accepted. CICS names are at most 8 characters
/// and resource table names a few dozen; anything longer is a mistake.
const MAX_NAME: usize = 64;

/// The longest criteria or parameter value accepted, in bytes.
const MAX_VALUE: usize = 4096;

/// A CMCI query: which resources, where, and how many.
///
/// ```
/// use cicsx_cmci::Query;
///
/// let q = Query::new("CICSProgram", "CICSPLEX1")
///     .scope("IYK2ZAB1")
///     .count(10)
///     .criteria("PROGRAM=DFH*")
///     .flag("NODISCARD");
/// assert_eq!(
///     q.path_and_query()?,
///     "/CICSSystemManagement/CICSProgram/CICSPLEX1/IYK2ZAB1//10?CRITERIA=PROGRAM%3DDFH*&NODISCARD"
/// );
/// # Ok::<(), cicsx_cmci::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The resource table, e.g. `CICSProgram`, `CICSRegion`, `CICSLocalTransaction`.
    pub resource: String,
    /// The context: a CICSplex name, or the region's APPLID for a stand-alone region (SMSS).
    pub context: String,
    /// The scope inside the CICSplex: a region or a group of regions.
    pub scope: Option<String>,
    /// How many records to return (CMCI's `//count`).
    pub count: Option<u32>,
    /// The `CRITERIA=` filter, e.g. `PROGRAM=DFH*` or `(STATUS=ENABLED) AND (PROGRAM=A*)`.
    pub criteria: Option<String>,
    /// The `PARAMETER=` value, e.g. `CSDGROUP(*)` for definitional resources.
    pub parameter: Option<String>,
    /// Flags such as `NODISCARD`, `SUMMONLY`, `OVERRIDEWARNINGCOUNT`, or a flag with a value
    /// such as `ORDERBY=PROGRAM`.
    pub flags: Vec<String>,
}

impl Query {
    /// A query for every record of `resource` in `context`.
    pub fn new(resource: impl Into<String>, context: impl Into<String>) -> Self {
        Query {
            resource: resource.into(),
            context: context.into(),
            scope: None,
            count: None,
            criteria: None,
            parameter: None,
            flags: Vec::new(),
        }
    }

    /// Sets the scope (a region or region group inside the CICSplex).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Asks for at most `count` records.
    pub fn count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Sets the `CRITERIA=` filter.
    pub fn criteria(mut self, criteria: impl Into<String>) -> Self {
        self.criteria = Some(criteria.into());
        self
    }

    /// Sets the `PARAMETER=` value.
    pub fn parameter(mut self, parameter: impl Into<String>) -> Self {
        self.parameter = Some(parameter.into());
        self
    }

    /// Adds a flag such as `NODISCARD` or `ORDERBY=PROGRAM`.
    pub fn flag(mut self, flag: impl Into<String>) -> Self {
        self.flags.push(flag.into());
        self
    }

    /// Checks every part without building the URL.
    pub fn validate(&self) -> Result<(), Error> {
        self.path_and_query().map(|_| ())
    }

    /// The path and query string of the request, percent-encoded, e.g.
    /// `/CICSSystemManagement/CICSProgram/CICSPLEX1/IYK2ZAB1//10?CRITERIA=PROGRAM%3DDFH*&NODISCARD`.
    ///
    /// Resource, context and scope must be CICS names: 1 to 64 characters of letters, digits
    /// and `@ # $ . _ -` (anything else, notably `/`, `?` and whitespace, is refused). Criteria
    /// and parameter may hold any printable characters and are encoded; a count must be at
    /// least 1.
    pub fn path_and_query(&self) -> Result<String, Error> {
        let mut out = String::with_capacity(64);
        out.push_str(ROOT);
        out.push('/');
        push_name(&mut out, "resource", &self.resource)?;
        out.push('/');
        push_name(&mut out, "context", &self.context)?;
        if let Some(scope) = &self.scope {
            out.push('/');
            push_name(&mut out, "scope", scope)?;
        }
        if let Some(count) = self.count {
            if count == 0 {
                return Err(invalid("count", "0", "a count must be at least 1"));
            }
            out.push_str("//");
            out.push_str(&count.to_string());
        }

        let mut sep = '?';
        if let Some(criteria) = &self.criteria {
            out.push(sep);
            sep = '&';
            out.push_str("CRITERIA=");
            push_value(&mut out, "criteria", criteria)?;
        }
        if let Some(parameter) = &self.parameter {
            out.push(sep);
            sep = '&';
            out.push_str("PARAMETER=");
            push_value(&mut out, "parameter", parameter)?;
        }
        for flag in &self.flags {
            out.push(sep);
            sep = '&';
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (flag.as_str(), None),
            };
            if name.is_empty()
                || name.len() > MAX_NAME
                || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(invalid(
                    "flag",
                    flag,
                    "a flag is a word of letters, digits and underscores, optionally =value",
                ));
            }
            if name.eq_ignore_ascii_case("CRITERIA") || name.eq_ignore_ascii_case("PARAMETER") {
                return Err(invalid(
                    "flag",
                    flag,
                    "give criteria and parameter through their own fields",
                ));
            }
            out.push_str(name);
            if let Some(value) = value {
                out.push('=');
                push_value(&mut out, "flag", value)?;
            }
        }
        Ok(out)
    }
}

/// The path of a page of a retained result set:
/// `/CICSSystemManagement/CICSResultCache/<token>/<index>[/<count>][?NODISCARD]`.
///
/// `index` is 1-based, as in CMCI. Keep `nodiscard` set on every page but the last, or CMCI
/// discards the result set after this request.
///
/// ```
/// assert_eq!(
///     cicsx_cmci::result_cache_path("E0B6C5A8", 11, Some(10), true)?,
///     "/CICSSystemManagement/CICSResultCache/E0B6C5A8/11/10?NODISCARD"
/// );
/// # Ok::<(), cicsx_cmci::Error>(())
/// ```
pub fn result_cache_path(
    token: &str,
    index: u64,
    count: Option<u32>,
    nodiscard: bool,
) -> Result<String, Error> {
    let mut out = format!("{ROOT}/CICSResultCache/");
    push_name(&mut out, "cache token", token)?;
    if index == 0 {
        return Err(invalid(
            "count",
            "0",
            "the first record of a result set is 1",
        ));
    }
    out.push('/');
    out.push_str(&index.to_string());
    if let Some(count) = count {
        if count == 0 {
            return Err(invalid("count", "0", "a count must be at least 1"));
        }
        out.push('/');
        out.push_str(&count.to_string());
    }
    if nodiscard {
        out.push_str("?NODISCARD");
    }
    Ok(out)
}

/// The XML body of a `PUT` that performs an action on the resources a query selects, e.g.
/// `<request><action name="ENABLE"/></request>`.
///
/// ```
/// assert_eq!(
///     cicsx_cmci::action_body("NEWCOPY")?,
///     r#"<request><action name="NEWCOPY"/></request>"#
/// );
/// # Ok::<(), cicsx_cmci::Error>(())
/// ```
pub fn action_body(action: &str) -> Result<String, Error> {
    if action.is_empty()
        || action.len() > MAX_NAME
        || !action
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(invalid(
            "action",
            action,
            "an action is a word of letters, digits and underscores",
        ));
    }
    Ok(format!(r#"<request><action name="{action}"/></request>"#))
}

fn invalid(part: &'static str, value: &str, reason: &'static str) -> Error {
    Error::InvalidQuery {
        part,
        value: echo(value),
        reason,
    }
}

/// Appends a CICS name as one path segment. `#` is allowed in CICS names and is encoded.
fn push_name(out: &mut String, part: &'static str, name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(invalid(part, name, "it must not be empty"));
    }
    if name.len() > MAX_NAME {
        return Err(invalid(part, name, "it is longer than 64 characters"));
    }
    for c in name.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '@' | '$' | '.' | '_' | '-' => out.push(c),
            '#' => out.push_str("%23"),
            '/' => return Err(invalid(part, name, "it must not contain '/'")),
            '?' => return Err(invalid(part, name, "it must not contain '?'")),
            c if c.is_whitespace() => {
                return Err(invalid(part, name, "it must not contain whitespace"));
            }
            _ => {
                return Err(invalid(
                    part,
                    name,
                    "only letters, digits and @ # $ . _ - are allowed",
                ));
            }
        }
    }
    if name == "." || name == ".." {
        return Err(invalid(part, name, "it must be a name, not a path step"));
    }
    Ok(())
}

/// Appends a query value, percent-encoded. Letters, digits, `- . _ ~` and the characters CMCI
/// filters use literally (`* ( ) ! '`) are kept; every other byte of the UTF-8 form is encoded.
fn push_value(out: &mut String, part: &'static str, value: &str) -> Result<(), Error> {
    if value.len() > MAX_VALUE {
        return Err(invalid(part, value, "it is longer than 4096 bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(
            part,
            value,
            "it must not contain control characters",
        ));
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'*'
            | b'('
            | b')'
            | b'!'
            | b'\'' => out.push(char::from(b)),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0F)]));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_query_has_no_query_string() {
        let q = Query::new("CICSRegion", "IYK2ZAB1");
        assert_eq!(
            q.path_and_query().unwrap(),
            "/CICSSystemManagement/CICSRegion/IYK2ZAB1"
        );
    }

    #[test]
    fn count_without_scope_uses_double_slash() {
        let q = Query::new("CICSLocalFile", "CICSRGN1").count(5);
        assert_eq!(
            q.path_and_query().unwrap(),
            "/CICSSystemManagement/CICSLocalFile/CICSRGN1//5"
        );
    }

    #[test]
    fn values_are_percent_encoded() {
        let q = Query::new("CICSProgram", "PLEX")
            .criteria("(PROGRAM=DFH*) AND (STATUS=ENABLED)")
            .parameter("CSDGROUP(*)");
        assert_eq!(
            q.path_and_query().unwrap(),
            "/CICSSystemManagement/CICSProgram/PLEX\
             ?CRITERIA=(PROGRAM%3DDFH*)%20AND%20(STATUS%3DENABLED)&PARAMETER=CSDGROUP(*)"
        );
    }

    #[test]
    fn ampersand_percent_hash_and_non_ascii_are_encoded() {
        let mut out = String::new();
        push_value(&mut out, "criteria", "A&B%C#D+E/F?G=é").unwrap();
        assert_eq!(out, "A%26B%25C%23D%2BE%2FF%3FG%3D%C3%A9");
    }

    #[test]
    fn hash_in_a_cics_name_is_encoded() {
        let q = Query::new("CICSProgram", "PLEX#1").scope("R@$1");
        assert_eq!(
            q.path_and_query().unwrap(),
            "/CICSSystemManagement/CICSProgram/PLEX%231/R@$1"
        );
    }

    #[test]
    fn flags_follow_criteria_and_parameter() {
        let q = Query::new("CICSProgram", "PLEX")
            .flag("NODISCARD")
            .flag("ORDERBY=PROGRAM NAME")
            .criteria("PROGRAM=A*");
        assert_eq!(
            q.path_and_query().unwrap(),
            "/CICSSystemManagement/CICSProgram/PLEX?CRITERIA=PROGRAM%3DA*&NODISCARD&ORDERBY=PROGRAM%20NAME"
        );
        let only_flag = Query::new("CICSProgram", "PLEX").flag("SUMMONLY");
        assert_eq!(
            only_flag.path_and_query().unwrap(),
            "/CICSSystemManagement/CICSProgram/PLEX?SUMMONLY"
        );
    }

    fn refused(q: &Query) -> (&'static str, &'static str) {
        match q.path_and_query() {
            Err(Error::InvalidQuery { part, reason, .. }) => (part, reason),
            other => panic!("expected InvalidQuery, got {other:?}"),
        }
    }

    #[test]
    fn names_with_slash_question_mark_or_space_are_refused() {
        assert_eq!(refused(&Query::new("CICSProgram/..", "P")).0, "resource");
        assert_eq!(refused(&Query::new("CICSProgram", "P?X=1")).0, "context");
        let (part, reason) = refused(&Query::new("CICSProgram", "P").scope("A B"));
        assert_eq!(part, "scope");
        assert!(reason.contains("whitespace"));
        assert_eq!(refused(&Query::new("", "P")).0, "resource");
        assert_eq!(refused(&Query::new("CICSProgram", "")).0, "context");
        assert_eq!(
            refused(&Query::new("CICSProgram", "P").scope("")).0,
            "scope"
        );
        assert_eq!(refused(&Query::new("CICSProgram", "..")).0, "context");
        assert_eq!(refused(&Query::new("CICSProgram", "P%2F")).0, "context");
        assert_eq!(refused(&Query::new("x".repeat(65), "P")).0, "resource");
    }

    #[test]
    fn bad_counts_flags_and_values_are_refused() {
        assert_eq!(refused(&Query::new("R", "P").count(0)).0, "count");
        assert_eq!(refused(&Query::new("R", "P").flag("")).0, "flag");
        assert_eq!(refused(&Query::new("R", "P").flag("NO DISCARD")).0, "flag");
        assert_eq!(refused(&Query::new("R", "P").flag("A&B")).0, "flag");
        assert_eq!(refused(&Query::new("R", "P").flag("criteria=X")).0, "flag");
        assert_eq!(
            refused(&Query::new("R", "P").criteria("A\nB")).0,
            "criteria"
        );
        assert_eq!(
            refused(&Query::new("R", "P").parameter("x".repeat(5000))).0,
            "parameter"
        );
        assert!(Query::new("R", "P").validate().is_ok());
    }

    #[test]
    fn result_cache_paths() {
        assert_eq!(
            result_cache_path("E0B6C5A8", 1, None, false).unwrap(),
            "/CICSSystemManagement/CICSResultCache/E0B6C5A8/1"
        );
        assert!(result_cache_path("E0/B6", 1, None, false).is_err());
        assert!(result_cache_path("E0B6", 0, None, false).is_err());
        assert!(result_cache_path("E0B6", 1, Some(0), false).is_err());
    }

    #[test]
    fn action_bodies() {
        assert_eq!(
            action_body("ENABLE").unwrap(),
            r#"<request><action name="ENABLE"/></request>"#
        );
        assert!(action_body(r#"X"/><evil/>"#).is_err());
        assert!(action_body("").is_err());
    }
}
