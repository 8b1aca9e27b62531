//! PKCS#11 URIs (RFC 7512): naming a token and an object on it.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A PKCS#11 URI (RFC 7512) naming a token, and optionally a certificate and key on it, e.g.
/// `pkcs11:token=cicstest;object=me;id=%01`.
///
/// Every attribute that is `None` matches anything. Parsing percent-decodes the values;
/// [`Display`](fmt::Display) writes the canonical form (attributes in a fixed order, every byte
/// outside `A-Z a-z 0-9 - . _ ~` percent-encoded, `id` always fully encoded), which parses back
/// to an equal value.
///
/// A URI holding a PIN (`pin-value` or `pin-source`) is refused: PINs come from the caller,
/// never from a URI that may end up in a file or a log. Path attributes this crate does not
/// match on (`type`, `library-*`, `slot-description`, `slot-manufacturer`) are accepted and
/// ignored, as are the query attributes `module-name` and `module-path` (the module comes from
/// the preferences); any other attribute is refused, so that a typo cannot silently widen a
/// match.
///
/// ```
/// use cicsx_smartcard::Pkcs11Uri;
///
/// let uri: Pkcs11Uri = "pkcs11:token=CICS%20card;object=me;id=%01%a2".parse()?;
/// assert_eq!(uri.token.as_deref(), Some("CICS card"));
/// assert_eq!(uri.id.as_deref(), Some(&[0x01, 0xa2][..]));
/// assert_eq!(uri.to_string(), "pkcs11:token=CICS%20card;object=me;id=%01%A2");
/// assert!("pkcs11:token=x?pin-value=1234".parse::<Pkcs11Uri>().is_err());
/// # Ok::<(), cicsx_smartcard::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pkcs11Uri {
    /// Token label (`token`).
    pub token: Option<String>,
    /// Object label (`object`), the `CKA_LABEL` of the certificate and key.
    pub object: Option<String>,
    /// Object identifier (`id`), the `CKA_ID` that pairs a certificate with its key.
    pub id: Option<Vec<u8>>,
    /// Token serial number (`serial`).
    pub serial: Option<String>,
    /// Token manufacturer (`manufacturer`).
    pub manufacturer: Option<String>,
    /// Token model (`model`).
    pub model: Option<String>,
    /// Slot identifier (`slot-id`). Slot IDs can change when a token is re-inserted or
    /// re-initialised: prefer the token label or serial.
    pub slot_id: Option<u64>,
}

impl Pkcs11Uri {
    /// A URI naming the token with this label.
    pub fn token(label: impl Into<String>) -> Self {
        Self {
            token: Some(label.into()),
            ..Self::default()
        }
    }

    /// True if no attribute is set: the URI `pkcs11:` that matches everything.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// The same URI with only the token attributes (token, manufacturer, model, serial,
    /// slot-id) kept.
    pub fn token_part(&self) -> Self {
        Self {
            object: None,
            id: None,
            ..self.clone()
        }
    }

    pub(crate) fn matches_token(
        &self,
        slot_id: u64,
        label: &str,
        manufacturer: &str,
        model: &str,
        serial: &str,
    ) -> bool {
        fn eq(want: &Option<String>, have: &str) -> bool {
            want.as_deref().is_none_or(|w| w == have)
        }
        self.slot_id.is_none_or(|s| s == slot_id)
            && eq(&self.token, label)
            && eq(&self.manufacturer, manufacturer)
            && eq(&self.model, model)
            && eq(&self.serial, serial)
    }
}

impl FromStr for Pkcs11Uri {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidUri { reason };
        let rest = s
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("pkcs11:"))
            .map(|_| &s[7..])
            .ok_or_else(|| invalid("it does not start with \"pkcs11:\"".into()))?;
        if rest.contains('#') {
            return Err(invalid(
                "it has a fragment (#), which RFC 7512 does not allow".into(),
            ));
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };

        let mut uri = Pkcs11Uri::default();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| invalid(format!("the path attribute \"{attr}\" has no \"=\"")))?;
            let text = |field: &Option<String>| -> Result<String, Error> {
                if field.is_some() {
                    return Err(invalid(format!("the attribute \"{name}\" appears twice")));
                }
                String::from_utf8(percent_decode(value)?)
                    .map_err(|_| invalid(format!("the value of \"{name}\" is not UTF-8 text")))
            };
            match name {
                "token" => uri.token = Some(text(&uri.token)?),
                "object" => uri.object = Some(text(&uri.object)?),
                "serial" => uri.serial = Some(text(&uri.serial)?),
                "manufacturer" => uri.manufacturer = Some(text(&uri.manufacturer)?),
                "model" => uri.model = Some(text(&uri.model)?),
                "id" => {
                    if uri.id.is_some() {
                        return Err(invalid("the attribute \"id\" appears twice".into()));
                    }
                    uri.id = Some(percent_decode(value)?);
                }
                "slot-id" => {
                    if uri.slot_id.is_some() {
                        return Err(invalid("the attribute \"slot-id\" appears twice".into()));
                    }
                    let digits = String::from_utf8(percent_decode(value)?).unwrap_or_default();
                    let id = digits
                        .parse::<u64>()
                        .ok()
                        .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| {
                            invalid(format!("slot-id \"{value}\" is not a decimal number"))
                        })?;
                    uri.slot_id = Some(id);
                }
                "type"
                | "library-manufacturer"
                | "library-description"
                | "library-version"
                | "slot-description"
                | "slot-manufacturer" => {
                    percent_decode(value)?;
                }
                "pin-value" | "pin-source" => return Err(pin_refused(name)),
                other => {
                    return Err(invalid(format!(
                        "the path attribute \"{other}\" is not one this program knows"
                    )));
                }
            }
        }
        for attr in query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|a| !a.is_empty())
        {
            let name = attr.split_once('=').map_or(attr, |(name, _)| name);
            match name {
                "pin-value" | "pin-source" => return Err(pin_refused(name)),
                "module-name" | "module-path" => {}
                other => {
                    return Err(invalid(format!(
                        "the query attribute \"{other}\" is not one this program knows"
                    )));
                }
            }
        }
        Ok(uri)
    }
}

fn pin_refused(name: &str) -> Error {
    Error::InvalidUri {
        reason: format!(
            "it carries a PIN ({name}); PINs are never taken from a URI, enter the PIN when asked"
        ),
    }
}

fn percent_decode(value: &str) -> Result<Vec<u8>, Error> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| Error::InvalidUri {
                        reason: format!("\"{value}\" has a broken percent-encoding"),
                    })?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn write_encoded(f: &mut fmt::Formatter<'_>, bytes: &[u8], all: bool) -> fmt::Result {
    for &b in bytes {
        if !all && (b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
            write!(f, "{}", b as char)?;
        } else {
            write!(f, "%{b:02X}")?;
        }
    }
    Ok(())
}

impl fmt::Display for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("pkcs11:")?;
        let mut first = true;
        let mut attr = |f: &mut fmt::Formatter<'_>, name: &str, value: &[u8], all: bool| {
            if !first {
                f.write_str(";")?;
            }
            first = false;
            write!(f, "{name}=")?;
            write_encoded(f, value, all)
        };
        let text = [
            ("token", &self.token),
            ("manufacturer", &self.manufacturer),
            ("model", &self.model),
            ("serial", &self.serial),
        ];
        for (name, value) in text {
            if let Some(v) = value {
                attr(f, name, v.as_bytes(), false)?;
            }
        }
        if let Some(slot) = self.slot_id {
            attr(f, "slot-id", slot.to_string().as_bytes(), false)?;
        }
        if let Some(object) = &self.object {
            attr(f, "object", object.as_bytes(), false)?;
        }
        if let Some(id) = &self.id {
            attr(f, "id", id, true)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Pkcs11Uri {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn reason(s: &str) -> String {
        let err = s.parse::<Pkcs11Uri>().unwrap_err();
        assert_eq!(err.id(), "CICSX0313E");
        err.to_string()
    }

    #[test]
    fn rfc7512_examples() {
        assert!(parse("pkcs11:").is_empty());
        let uri = parse("pkcs11:object=my-pubkey;type=public");
        assert_eq!(uri.object.as_deref(), Some("my-pubkey"));
        let uri = parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;\
             manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;\
             type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=",
        );
        assert_eq!(uri.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(uri.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(uri.model.as_deref(), Some("1.0"));
        assert_eq!(uri.serial.as_deref(), Some(""));
        assert_eq!(
            uri.id.as_deref(),
            Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
        );
        let uri = parse(
            "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?module-path=/usr/lib/libsofthsm2.so",
        );
        assert_eq!(uri.token.as_deref(), Some("Software PKCS#11 softtoken"));
        let uri = parse("PKCS11:slot-id=42;library-manufacturer=Snake%20Oil,%20Inc.");
        assert_eq!(uri.slot_id, Some(42));
        // Unreserved and sub-delimiter characters may appear unencoded.
        let uri = parse("pkcs11:object=a:b@c!$'()*+,=d");
        assert_eq!(uri.object.as_deref(), Some("a:b@c!$'()*+,=d"));
    }

    #[test]
    fn canonical_display_round_trips() {
        let uri = Pkcs11Uri {
            token: Some("CICS card; №1".into()),
            object: Some("me & you".into()),
            id: Some(vec![0x00, 0x41, 0xff]),
            serial: Some("0123abc".into()),
            manufacturer: Some("SoftHSM project".into()),
            model: Some("SoftHSM v2".into()),
            slot_id: Some(7),
        };
        let text = uri.to_string();
        assert_eq!(
            text,
            "pkcs11:token=CICS%20card%3B%20%E2%84%961;manufacturer=SoftHSM%20project;\
             model=SoftHSM%20v2;serial=0123abc;slot-id=7;object=me%20%26%20you;id=%00%41%FF"
        );
        assert_eq!(parse(&text), uri);
        assert_eq!(Pkcs11Uri::default().to_string(), "pkcs11:");
        assert_eq!(Pkcs11Uri::token("ec").to_string(), "pkcs11:token=ec");
    }

    #[test]
    fn pins_are_refused_and_not_echoed() {
        for s in [
            "pkcs11:token=x?pin-value=123456",
            "pkcs11:token=x;pin-value=123456",
            "pkcs11:token=x?pin-source=file:/tmp/pin",
        ] {
            let text = reason(s);
            assert!(text.contains("PIN"), "{text}");
            assert!(
                !text.contains("123456") && !text.contains("/tmp/pin"),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_uris_are_refused() {
        assert!(reason("token=x").contains("pkcs11:"));
        assert!(reason("pkcs1").contains("pkcs11:"));
        assert!(reason("pkcs11:token").contains("no \"=\""));
        assert!(reason("pkcs11:token=a;token=b").contains("twice"));
        assert!(reason("pkcs11:id=%01;id=%02").contains("twice"));
        assert!(reason("pkcs11:id=%0").contains("percent"));
        assert!(reason("pkcs11:id=%zz").contains("percent"));
        assert!(reason("pkcs11:token=%ff").contains("UTF-8"));
        assert!(reason("pkcs11:slot-id=-1").contains("slot-id"));
        assert!(reason("pkcs11:slot-id=+1").contains("slot-id"));
        assert!(reason("pkcs11:slot-id=99999999999999999999").contains("slot-id"));
        assert!(reason("pkcs11:tokne=x").contains("tokne"));
        assert!(reason("pkcs11:token=x?foo=bar").contains("foo"));
        assert!(reason("pkcs11:token=x#frag").contains("fragment"));
        // Multi-byte characters right after the scheme position do not panic.
        assert!(reason("pkcs1€:token=x").contains("pkcs11:"));
    }

    #[test]
    fn token_matching() {
        let uri = parse("pkcs11:token=ec;serial=42");
        assert!(uri.matches_token(1, "ec", "m", "x", "42"));
        assert!(!uri.matches_token(1, "ec", "m", "x", "43"));
        assert!(!uri.matches_token(1, "rsa", "m", "x", "42"));
        assert!(parse("pkcs11:").matches_token(9, "any", "", "", ""));
        assert!(!parse("pkcs11:slot-id=3").matches_token(9, "any", "", "", ""));
        assert_eq!(
            parse("pkcs11:token=ec;object=me;id=%01").token_part(),
            Pkcs11Uri::token("ec")
        );
    }
}
