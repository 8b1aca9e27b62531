//! The anchors of a trust store, with a cheap exact-match index.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rustls_pki_types::CertificateDer;

use crate::Anchor;

/// Anchors in the order they were added, no certificate twice, findable by their exact DER
/// bytes.
///
/// The index key is a certificate's length and its last 16 bytes, which lie inside its
/// signature and so differ between any two real certificates; a match is always confirmed by
/// comparing all the bytes. This avoids hashing whole certificates (a SHA-256 per anchor was
/// most of the cost of loading 10,000 anchors).
#[derive(Debug, Clone, Default)]
pub(crate) struct AnchorSet {
    list: Vec<Anchor>,
    index: HashMap<Key, Slot>,
}

type Key = (usize, [u8; 16]);

/// Positions in `list` of the certificates with one key: almost always exactly one.
#[derive(Debug, Clone)]
enum Slot {
    One(usize),
    Many(Vec<usize>),
}

fn key(der: &[u8]) -> Key {
    let mut tail = [0u8; 16];
    let start = der.len().saturating_sub(16);
    let bytes = &der[start..];
    tail[..bytes.len()].copy_from_slice(bytes);
    (der.len(), tail)
}

impl AnchorSet {
    /// All anchors, in order.
    pub(crate) fn list(&self) -> &[Anchor] {
        &self.list
    }

    /// The certificates, in order.
    pub(crate) fn certificates(&self) -> impl Iterator<Item = &CertificateDer<'static>> {
        self.list.iter().map(|a| &a.certificate)
    }

    /// Number of anchors.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// True if exactly this certificate is an anchor.
    pub(crate) fn contains(&self, der: &[u8]) -> bool {
        let same = |&i: &usize| self.list[i].certificate.as_ref() == der;
        match self.index.get(&key(der)) {
            None => false,
            Some(Slot::One(i)) => same(i),
            Some(Slot::Many(all)) => all.iter().any(same),
        }
    }

    /// Adds an anchor unless its certificate is there already; true if added.
    pub(crate) fn insert(&mut self, anchor: Anchor) -> bool {
        let position = self.list.len();
        match self.index.entry(key(&anchor.certificate)) {
            Entry::Vacant(slot) => {
                slot.insert(Slot::One(position));
            }
            Entry::Occupied(mut slot) => {
                let list = &self.list;
                let same = |&i: &usize| list[i].certificate == anchor.certificate;
                match slot.get_mut() {
                    Slot::One(first) if same(first) => return false,
                    Slot::One(first) => {
                        let first = *first;
                        slot.insert(Slot::Many(vec![first, position]));
                    }
                    Slot::Many(all) if all.iter().any(same) => return false,
                    Slot::Many(all) => all.push(position),
                }
            }
        }
        self.list.push(anchor);
        true
    }

    /// Makes room for `additional` more anchors.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.list.reserve(additional);
        self.index.reserve(additional);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnchorSource;

    fn anchor(bytes: &[u8]) -> Anchor {
        Anchor {
            certificate: CertificateDer::from(bytes.to_vec()),
            source: AnchorSource::Builtin("t".into()),
            alias: None,
        }
    }

    #[test]
    fn finds_exact_bytes_only() {
        let mut set = AnchorSet::default();
        assert!(set.insert(anchor(b"short")));
        assert!(!set.insert(anchor(b"short")));
        assert!(set.contains(b"short"));
        assert!(!set.contains(b"shorT"));
        assert!(!set.contains(b""));
        assert!(set.insert(anchor(b"")));
        assert!(set.contains(b""));

        // Same length and last 16 bytes, different start: one key, told apart by the bytes.
        let a = [b"A".as_slice(), &[7u8; 40]].concat();
        let b = [b"B".as_slice(), &[7u8; 40]].concat();
        let c = [b"C".as_slice(), &[7u8; 40]].concat();
        assert_eq!(key(&a), key(&b));
        assert!(set.insert(anchor(&a)));
        assert!(!set.contains(&b));
        assert!(set.insert(anchor(&b)));
        assert!(set.insert(anchor(&c)));
        assert!(!set.insert(anchor(&b)));
        assert!(set.contains(&a) && set.contains(&b) && set.contains(&c));
        assert_eq!(set.len(), 5);
        assert_eq!(
            set.certificates().map(|c| c.len()).collect::<Vec<_>>(),
            [5, 0, 41, 41, 41]
        );
    }
}
