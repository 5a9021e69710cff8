//! Dedup key derivation: which deliveries count as "the same event".
//!
//! In order of preference (the rules of `DESIGN.md`):
//!
//! 1. a signed, stable **delivery id** (Standard Webhooks `webhook-id` under
//!    a verified signature, or an idempotency token the provider keeps across
//!    retries): the key is (route, provider, delivery id);
//! 2. else an **event id** (call, message, recording, campaign or contact
//!    id): (route, provider, event id, kind, status), plus a digest of the
//!    body when the callback can repeat with the same id, kind and status
//!    within one call (a second Gather result, a dial action);
//! 3. else, with no id at all: (route, provider, digest of the body).
//!
//! Never the call id alone (one call sends many events) and never a nonce
//! (Vobiz and Plivo send a fresh one on every attempt, so a retry would look
//! new). An empty id counts as absent, so blank ids cannot merge deliveries.
//!
//! Fields are length-prefixed before hashing, so no two different part lists
//! encode to the same bytes; the key is the first 128 bits of SHA-256.

use std::fmt;
use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use super::DedupKey;
use crate::Provider;

/// A user-supplied key function, used instead of [`DedupKey::derive`].
///
/// ```
/// use std::sync::Arc;
/// use voxhook_core::dedup::{DedupKey, KeyFn, KeyParts};
///
/// // One key per (route, event id), whatever the status: the first status wins.
/// let by_event: KeyFn = Arc::new(|parts: &KeyParts<'_>| {
///     DedupKey::derive(&KeyParts { status: None, ..*parts })
/// });
/// # let _ = by_event;
/// ```
pub type KeyFn = Arc<dyn Fn(&KeyParts<'_>) -> DedupKey + Send + Sync>;

/// What identifies one delivery, borrowed from the authenticated request and
/// its decoded event. The input of [`DedupKey::derive`] and of a [`KeyFn`].
///
/// There is deliberately no field for a nonce or for the call id alone.
///
/// ```
/// use voxhook_core::Provider;
/// use voxhook_core::dedup::{DedupKey, KeyParts};
///
/// let body = br#"{"event":"call.completed","call_id":"c-1"}"#;
/// let parts = KeyParts::new("/events", Provider::TryVox, body)
///     .event(Some("c-1"), "call.completed", Some("completed"), false);
/// let retry = parts; // the provider's retry: same event, same body
/// assert_eq!(DedupKey::derive(&parts), DedupKey::derive(&retry));
///
/// let other_route = KeyParts { route: "/answer", ..parts };
/// assert_ne!(DedupKey::derive(&parts), DedupKey::derive(&other_route));
/// ```
#[derive(Clone, Copy)]
pub struct KeyParts<'a> {
    /// The route (path) that received the delivery: the same event sent to
    /// the answer URL and to the status callback is two deliveries.
    pub route: &'a str,
    /// The provider that sent it.
    pub provider: Provider,
    /// A signed, stable delivery id kept across retries, if there is one.
    pub delivery_id: Option<&'a str>,
    /// The id of the event (call, message, recording, campaign or contact id).
    pub event_id: Option<&'a str>,
    /// The event's dotted kind, e.g. `call.completed`.
    pub kind: &'a str,
    /// The normalized status, if the event has one.
    pub status: Option<&'a str>,
    /// Whether this callback can repeat with the same id, kind and status
    /// within one call (then the body tells the repeats apart).
    pub repeatable: bool,
    /// The exact bytes received.
    pub body: &'a [u8],
}

impl<'a> KeyParts<'a> {
    /// Parts with only a route, provider and body (rule 3 until more is set).
    pub const fn new(route: &'a str, provider: Provider, body: &'a [u8]) -> Self {
        KeyParts {
            route,
            provider,
            delivery_id: None,
            event_id: None,
            kind: "",
            status: None,
            repeatable: false,
            body,
        }
    }

    /// Sets the signed, stable delivery id (rule 1).
    pub const fn delivery_id(mut self, delivery_id: Option<&'a str>) -> Self {
        self.delivery_id = delivery_id;
        self
    }

    /// Sets what identifies the event (rule 2): its id, kind, status, and
    /// whether it can repeat within one call.
    pub const fn event(
        mut self,
        event_id: Option<&'a str>,
        kind: &'a str,
        status: Option<&'a str>,
        repeatable: bool,
    ) -> Self {
        self.event_id = event_id;
        self.kind = kind;
        self.status = status;
        self.repeatable = repeatable;
        self
    }
}

impl fmt::Debug for KeyParts<'_> {
    // The body is not printed: it can hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyParts")
            .field("route", &self.route)
            .field("provider", &self.provider)
            .field("delivery_id", &self.delivery_id)
            .field("event_id", &self.event_id)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("repeatable", &self.repeatable)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Feeds length-prefixed fields to SHA-256, so field boundaries are unambiguous.
///
/// Fields are gathered in a buffer and hashed with one `update`: the short
/// fields of a key (route, provider, ids) took a dozen small updates, which
/// showed in the per-delivery profile. A field that does not fit (a body)
/// flushes the buffer and is hashed in place. The bytes hashed are the same
/// either way, so keys do not change.
struct Encoder<'c> {
    hasher: Sha256,
    buffer: [u8; BUFFER],
    len: usize,
    /// Where the first block's state may be cached, until the first flush.
    first: Option<&'c OnceLock<FirstBlock>>,
}

/// Holds the fields of rules 1 and 2 (without a body) for ids of up to ~100 bytes.
const BUFFER: usize = 192;
const BLOCK: usize = 64;

impl<'c> Encoder<'c> {
    fn new(rule: u8, first: Option<&'c OnceLock<FirstBlock>>) -> Self {
        let mut encoder = Encoder {
            hasher: Sha256::new(),
            buffer: [0; BUFFER],
            len: 0,
            first,
        };
        encoder.put(b"voxhook dedup key v1\0");
        encoder.put(&[rule]);
        encoder
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if let Some(room) = self.buffer.get_mut(self.len..self.len + bytes.len()) {
            room.copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        match self.buffer.get_mut(..bytes.len()) {
            Some(room) => {
                room.copy_from_slice(bytes);
                self.len = bytes.len();
            }
            None => self.hasher.update(bytes),
        }
    }

    #[inline(never)]
    fn flush(&mut self) {
        let mut data = self.buffer.get(..self.len).unwrap_or_default();
        if let Some(slot) = self.first.take()
            && let Some((block, rest)) = data.split_first_chunk::<BLOCK>()
        {
            let first = slot.get_or_init(|| FirstBlock::new(block));
            if first.bytes == *block {
                self.hasher = first.state.clone();
                data = rest;
            }
        }
        self.hasher.update(data);
        self.len = 0;
    }

    #[inline]
    fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.put(&(bytes.len() as u64).to_be_bytes());
        self.put(bytes);
        self
    }

    fn optional(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.field(b"\x01").field(v.as_bytes()),
            None => self.field(b"\x00"),
        }
    }

    fn finish(&mut self) -> DedupKey {
        self.flush();
        let digest = self.hasher.finalize_reset();
        let mut key = [0_u8; 16];
        key.iter_mut().zip(digest.iter()).for_each(|(k, d)| *k = *d);
        DedupKey(key)
    }
}

/// The SHA-256 state after a key's first 64 encoded bytes, kept per rule.
///
/// Those bytes are the version tag, the rule, the route, the provider and the
/// high half of the next field's length: for routes of 11 bytes or more
/// they are the same for every delivery to a route, and a receiver serves
/// one or two routes. Reusing the state saves one of the key's three
/// SHA-256 compressions and leaves every key unchanged. A slot keeps the
/// first block it saw; a delivery whose first block differs is hashed in full.
#[derive(Default)]
pub(crate) struct FirstBlocks([OnceLock<FirstBlock>; 3]);

struct FirstBlock {
    bytes: [u8; BLOCK],
    state: Sha256,
}

impl FirstBlock {
    fn new(block: &[u8; BLOCK]) -> Self {
        let mut state = Sha256::new();
        state.update(block);
        FirstBlock {
            bytes: *block,
            state,
        }
    }
}

fn present(id: Option<&str>) -> Option<&str> {
    id.filter(|id| !id.is_empty())
}

impl DedupKey {
    /// The key of a delivery, in order of preference:
    ///
    /// 1. a signed, stable delivery id: (route, provider, delivery id);
    /// 2. else an event id: (route, provider, event id, kind, status), plus
    ///    the body when [`KeyParts::repeatable`] is set;
    /// 3. else (route, provider, body).
    ///
    /// Never the call id alone, never a nonce; an empty id counts as absent.
    /// Fields are length-prefixed, then hashed with SHA-256 truncated to 128 bits.
    ///
    /// ```
    /// use voxhook_core::Provider;
    /// use voxhook_core::dedup::{DedupKey, KeyParts};
    ///
    /// // Standard Webhooks: the signed `webhook-id` decides, whatever the body.
    /// let a = KeyParts::new("/hooks", Provider::VoxPria, b"{\"attempt\":1}").delivery_id(Some("msg_1"));
    /// let b = KeyParts::new("/hooks", Provider::VoxPria, b"{\"attempt\":2}").delivery_id(Some("msg_1"));
    /// assert_eq!(DedupKey::derive(&a), DedupKey::derive(&b));
    /// ```
    pub fn derive(parts: &KeyParts<'_>) -> DedupKey {
        Self::derive_with(parts, None)
    }

    /// [`DedupKey::derive`], reusing the first block's state from `cache`.
    pub(crate) fn derive_cached(parts: &KeyParts<'_>, cache: &FirstBlocks) -> DedupKey {
        Self::derive_with(parts, Some(cache))
    }

    fn derive_with(parts: &KeyParts<'_>, cache: Option<&FirstBlocks>) -> DedupKey {
        let delivery_id = present(parts.delivery_id);
        let event_id = present(parts.event_id);
        let rule = match (delivery_id, event_id) {
            (Some(_), _) => 1,
            (None, Some(_)) => 2,
            (None, None) => 3,
        };
        let first = cache.and_then(|c| c.0.get(usize::from(rule) - 1));
        let mut encoder = Encoder::new(rule, first);
        encoder
            .field(parts.route.as_bytes())
            .field(parts.provider.as_str().as_bytes());
        match (delivery_id, event_id) {
            (Some(delivery_id), _) => {
                encoder.field(delivery_id.as_bytes());
            }
            (None, Some(event_id)) => {
                encoder
                    .field(event_id.as_bytes())
                    .field(parts.kind.as_bytes())
                    .optional(parts.status);
                if parts.repeatable {
                    encoder.field(b"\x01").field(parts.body);
                } else {
                    encoder.field(b"\x00");
                }
            }
            (None, None) => {
                encoder.field(parts.body);
            }
        }
        encoder.finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const BODY: &[u8] = b"CallUUID=c-1&CallStatus=completed&Nonce=111";
    const RETRY_BODY: &[u8] = b"CallUUID=c-1&CallStatus=completed&Nonce=222";

    fn base() -> KeyParts<'static> {
        KeyParts::new("/vobiz/events", Provider::Vobiz, BODY).event(
            Some("c-1"),
            "call.completed",
            Some("completed"),
            false,
        )
    }

    #[test]
    fn distinct_parts_give_distinct_keys() {
        let b = base();
        let cases: Vec<(&str, KeyParts<'static>)> = vec![
            ("base", b),
            (
                "other route",
                KeyParts {
                    route: "/vobiz/answer",
                    ..b
                },
            ),
            (
                "other provider",
                KeyParts {
                    provider: Provider::TryVox,
                    ..b
                },
            ),
            (
                "other event id",
                KeyParts {
                    event_id: Some("c-2"),
                    ..b
                },
            ),
            (
                "other kind",
                KeyParts {
                    kind: "call.answered",
                    ..b
                },
            ),
            (
                "other status",
                KeyParts {
                    status: Some("busy"),
                    ..b
                },
            ),
            ("no status", KeyParts { status: None, ..b }),
            (
                "empty status",
                KeyParts {
                    status: Some(""),
                    ..b
                },
            ),
            (
                "repeatable",
                KeyParts {
                    repeatable: true,
                    ..b
                },
            ),
            ("delivery id", b.delivery_id(Some("msg_1"))),
            ("other delivery id", b.delivery_id(Some("msg_2"))),
            (
                "no id: body",
                KeyParts {
                    event_id: None,
                    ..b
                },
            ),
            (
                "no id: other body",
                KeyParts {
                    event_id: None,
                    body: b"x",
                    ..b
                },
            ),
            // Field boundaries are length-prefixed: moving a byte between fields changes the key.
            (
                "shifted boundary",
                KeyParts {
                    event_id: Some("c-1c"),
                    kind: "all.completed",
                    ..b
                },
            ),
            (
                "route is not provider",
                KeyParts {
                    route: "vobiz",
                    ..b
                },
            ),
        ];
        let mut seen: HashMap<DedupKey, &str> = HashMap::new();
        for (name, parts) in &cases {
            let key = DedupKey::derive(parts);
            if let Some(earlier) = seen.insert(key, name) {
                panic!("{name} collides with {earlier}");
            }
        }
    }

    #[test]
    fn retries_of_one_delivery_share_a_key() {
        let b = base();
        let cases: Vec<(&str, KeyParts<'static>, KeyParts<'static>)> = vec![
            (
                "event id: a fresh nonce in the body does not matter",
                b,
                KeyParts {
                    body: RETRY_BODY,
                    ..b
                },
            ),
            (
                "delivery id decides over everything else",
                b.delivery_id(Some("msg_1")),
                KeyParts {
                    body: RETRY_BODY,
                    event_id: None,
                    status: None,
                    ..b
                }
                .delivery_id(Some("msg_1")),
            ),
            (
                "an empty delivery id counts as absent",
                b.delivery_id(Some("")),
                b,
            ),
            (
                "repeatable: the same body is the same delivery",
                KeyParts {
                    repeatable: true,
                    ..b
                },
                KeyParts {
                    repeatable: true,
                    ..b
                },
            ),
        ];
        for (name, first, retry) in cases {
            assert_eq!(DedupKey::derive(&first), DedupKey::derive(&retry), "{name}");
        }
    }

    #[test]
    fn repeated_callbacks_with_different_bodies_differ() {
        let gather = |digits: &'static [u8]| {
            KeyParts::new("/answer", Provider::Voxtelesys, digits).event(
                Some("c-1"),
                "gather.completed",
                None,
                true,
            )
        };
        assert_ne!(
            DedupKey::derive(&gather(b"Digits=1")),
            DedupKey::derive(&gather(b"Digits=2"))
        );
    }

    #[test]
    fn an_empty_event_id_falls_back_to_the_body() {
        let b = base();
        let empty = KeyParts {
            event_id: Some(""),
            ..b
        };
        let none = KeyParts {
            event_id: None,
            ..b
        };
        assert_eq!(DedupKey::derive(&empty), DedupKey::derive(&none));
        let other_body = KeyParts {
            body: RETRY_BODY,
            ..empty
        };
        assert_ne!(DedupKey::derive(&empty), DedupKey::derive(&other_body));
    }

    #[test]
    fn keys_are_stable_across_versions() {
        // Changing the encoding would split entries of a running networked store.
        let key = DedupKey::derive(&base());
        assert_eq!(key, DedupKey::derive(&base()));
        assert_eq!(key.to_hex().len(), 32);
        assert_eq!(key.to_hex(), PINNED);
    }

    /// The encoding written out field by field, unbuffered: what keys were
    /// before `Encoder` buffered its fields, and must stay.
    fn unbuffered(parts: &KeyParts<'_>) -> DedupKey {
        let mut fields: Vec<&[u8]> =
            vec![parts.route.as_bytes(), parts.provider.as_str().as_bytes()];
        let rule = match (present(parts.delivery_id), present(parts.event_id)) {
            (Some(id), _) => {
                fields.push(id.as_bytes());
                1
            }
            (None, Some(id)) => {
                fields.extend([id.as_bytes(), parts.kind.as_bytes()]);
                match parts.status {
                    Some(status) => fields.extend([b"\x01".as_slice(), status.as_bytes()]),
                    None => fields.push(b"\x00"),
                }
                match parts.repeatable {
                    true => fields.extend([b"\x01".as_slice(), parts.body]),
                    false => fields.push(b"\x00"),
                }
                2
            }
            (None, None) => {
                fields.push(parts.body);
                3
            }
        };
        let mut hasher = Sha256::new();
        hasher.update(b"voxhook dedup key v1\0");
        hasher.update([rule]);
        for field in fields {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field);
        }
        let mut key = [0_u8; 16];
        key.copy_from_slice(&hasher.finalize()[..16]);
        DedupKey(key)
    }

    /// Every rule on `b`, with ids and bodies that fit the encoder's buffer,
    /// overflow it, or are longer than it.
    fn rule_variants<'a>(
        b: KeyParts<'a>,
        mid_id: &'a str,
        long_id: &'a str,
        body: &'a [u8],
    ) -> Vec<(&'static str, KeyParts<'a>)> {
        vec![
            ("rule 2", b),
            (
                "rule 2, repeatable",
                KeyParts {
                    repeatable: true,
                    ..b
                },
            ),
            ("rule 2, no status", KeyParts { status: None, ..b }),
            (
                "rule 2, other id",
                KeyParts {
                    event_id: Some("other"),
                    ..b
                },
            ),
            ("rule 1", b.delivery_id(Some("msg_1"))),
            (
                "rule 1, id longer than the buffer",
                b.delivery_id(Some(long_id)),
            ),
            (
                "rule 2, id that overflows the buffer",
                KeyParts {
                    event_id: Some(mid_id),
                    ..b
                },
            ),
            (
                "rule 3",
                KeyParts {
                    event_id: None,
                    ..b
                },
            ),
            (
                "rule 3, long body",
                KeyParts {
                    event_id: None,
                    body,
                    ..b
                },
            ),
            (
                "rule 3, empty body",
                KeyParts {
                    event_id: None,
                    body: b"",
                    ..b
                },
            ),
            (
                "rule 2, repeatable, long body",
                KeyParts {
                    repeatable: true,
                    body,
                    ..b
                },
            ),
        ]
    }

    #[test]
    fn buffering_does_not_change_keys() {
        let (mid_id, long_id, body) = ("m".repeat(150), "i".repeat(300), vec![b'b'; 1000]);
        for (name, parts) in rule_variants(base(), &mid_id, &long_id, &body) {
            assert_eq!(DedupKey::derive(&parts), unbuffered(&parts), "{name}");
        }
    }

    #[test]
    fn a_cached_first_block_does_not_change_keys() {
        let (mid_id, long_id, body) = ("m".repeat(150), "i".repeat(300), vec![b'b'; 1000]);
        let b = KeyParts::new("/voxpria/events", Provider::VoxPria, BODY).event(
            Some("2c1f0a8e-5d7b-4b1e-9a3c-1d2e3f4a5b6c"),
            "call.ended",
            Some("answered"),
            false,
        );
        // Short routes put event bytes in the first block; long ones do not.
        let mut cases = Vec::new();
        for route in [
            "/voxpria/events",
            "/v",
            "/a/much/longer/route/for/hooks",
            "/vobiz/answer",
        ] {
            for (rule, parts) in rule_variants(b, &mid_id, &long_id, &body) {
                cases.push((format!("{route} {rule}"), KeyParts { route, ..parts }));
            }
        }
        // Two caches filled in opposite orders: each slot keeps the first
        // route it saw, and the others miss it.
        let (forward, backward) = (FirstBlocks::default(), FirstBlocks::default());
        let there_and_back = cases.iter().chain(cases.iter().rev());
        let back_and_there = cases.iter().rev().chain(cases.iter());
        for (cache, order) in [
            (&forward, there_and_back.collect::<Vec<_>>()),
            (&backward, back_and_there.collect()),
        ] {
            for (name, parts) in order {
                assert_eq!(
                    DedupKey::derive_cached(parts, cache),
                    unbuffered(parts),
                    "{name}"
                );
            }
        }
        for cache in [&forward, &backward] {
            assert!(
                cache.0.iter().all(|slot| slot.get().is_some()),
                "every rule's slot is filled"
            );
        }
        let first = |cache: &FirstBlocks| cache.0[1].get().map(|f| f.bytes);
        assert_ne!(first(&forward), first(&backward), "different routes cached");
    }

    /// Computed independently: SHA-256 of the length-prefixed encoding, first 16 bytes.
    const PINNED: &str = "c1849ed65cf32b675acbb0b710cdad3c";

    #[test]
    fn debug_does_not_print_the_body() {
        let shown = format!("{:?}", base());
        assert!(!shown.contains("Nonce"), "{shown}");
        assert!(shown.contains("body_len: 43"), "{shown}");
    }

    #[test]
    fn a_key_fn_can_replace_the_rules() {
        let by_route: KeyFn = Arc::new(|parts: &KeyParts<'_>| {
            DedupKey::derive(&KeyParts::new(parts.route, parts.provider, b""))
        });
        let b = base();
        assert_eq!(
            by_route(&b),
            by_route(&KeyParts {
                event_id: Some("c-9"),
                ..b
            })
        );
    }
}
