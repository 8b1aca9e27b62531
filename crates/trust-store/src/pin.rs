//! Aliases of certificates accepted on first use ("pins").

use std::net::{IpAddr, Ipv6Addr};

use rustls_pki_types::ServerName;

/// The keystore alias under which a server certificate accepted on first use is stored:
/// `host:port`, host in lower case without a trailing dot; IPv6 addresses in brackets and in
/// their canonical short form (`[::1]:1490`).
///
/// ```
/// use cicsx_truststore::pin_alias;
/// assert_eq!(pin_alias("CICS.Example.com", 1490), "cics.example.com:1490");
/// assert_eq!(pin_alias("0:0:0:0:0:0:0:1", 443), "[::1]:443");
/// ```
pub fn pin_alias(host: &str, port: u16) -> String {
    let host = normalize_host(host);
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Checks that giving a keystore entry the alias `new` keeps its role in the trust store:
/// `old` is its alias now, or `None` for an entry being added (trusted or imported). A new
/// entry may not take a `host:port` alias (those are made only by accepting a certificate),
/// and a rename may not turn a certificate accepted for one host and port into an anchor, an
/// anchor into an accepted certificate, or move an acceptance to another host and port.
/// Renaming an entry to the same alias in another case is allowed.
///
/// ```
/// use cicsx_truststore::check_alias_role;
/// assert!(check_alias_role(None, "cics-root").is_ok());
/// assert!(check_alias_role(None, "mvs1.example.com:1490").is_err());
/// assert!(check_alias_role(Some("127.0.0.1:1490"), "myserver").is_err());
/// assert!(check_alias_role(Some("cics-root"), "prod-root").is_ok());
/// ```
///
/// # Errors
/// [`crate::Error::AliasRole`] (`CICSX0217E`).
pub fn check_alias_role(old: Option<&str>, new: &str) -> Result<(), crate::Error> {
    let now = old.map(parse_pin_alias);
    let then = parse_pin_alias(new);
    let keeps = match now {
        None => then.is_none(),
        Some(now) => now == then,
    };
    if keeps {
        Ok(())
    } else {
        Err(crate::Error::AliasRole {
            old: old.map(str::to_owned),
            new: new.to_owned(),
        })
    }
}

/// The host and port of a pin alias, or `None` if `alias` is not one (an ordinary alias such as
/// `cics-root`). Accepts what [`pin_alias`] makes, compared without regard to case; the host must
/// be a valid DNS name or IP address and the port 1 to 65535.
pub fn parse_pin_alias(alias: &str) -> Option<(String, u16)> {
    let (host, port) = if let Some(rest) = alias.strip_prefix('[') {
        let (addr, port) = rest.split_once("]:")?;
        let addr: Ipv6Addr = addr.parse().ok()?;
        (addr.to_string(), port)
    } else {
        let (host, port) = alias.rsplit_once(':')?;
        if host.contains(':') {
            return None;
        }
        (host.to_owned(), port)
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
        return None;
    }
    let port: u16 = port.parse().ok().filter(|&p| p != 0)?;
    let host = normalize_host(&host);
    if host.is_empty() || ServerName::try_from(host.as_str()).is_err() {
        return None;
    }
    Some((host, port))
}

/// Lower case, no surrounding brackets or trailing dot, IP addresses in canonical form.
pub(crate) fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return ip.to_string();
    }
    bare.trim_end_matches('.').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(pin_alias("cics.example.com", 1490), "cics.example.com:1490");
        assert_eq!(pin_alias("CICS.EXAMPLE.COM.", 443), "cics.example.com:443");
        assert_eq!(pin_alias("::1", 1490), "[::1]:1490");
        assert_eq!(pin_alias("[::1]", 1490), "[::1]:1490");
        assert_eq!(pin_alias("2001:DB8:0:0:0:0:0:1", 1), "[2001:db8::1]:1");
        assert_eq!(pin_alias("127.0.0.1", 8443), "127.0.0.1:8443");
    }

    #[test]
    fn parse_round_trips() {
        for (host, port) in [
            ("cics.example.com", 1490),
            ("::1", 443),
            ("10.0.0.1", 1),
            ("h", 65535),
        ] {
            let alias = pin_alias(host, port);
            assert_eq!(
                parse_pin_alias(&alias),
                Some((normalize_host(host), port)),
                "{alias}"
            );
        }
        assert_eq!(
            parse_pin_alias("CICS.Example.COM:1490"),
            Some(("cics.example.com".to_owned(), 1490))
        );
    }

    #[test]
    fn ordinary_aliases_are_not_pins() {
        for alias in [
            "cics-root",
            "mykey",
            "1",
            "host:",
            ":1490",
            "host:0",
            "host:65536",
            "host:+12",
            "host:14 90",
            "my key:1490",
            "a:b:1490",
            "[::1]1490",
            "[nonsense]:1490",
            "trusted cert:1",
            "☺:1",
        ] {
            assert_eq!(parse_pin_alias(alias), None, "{alias}");
        }
    }
}
