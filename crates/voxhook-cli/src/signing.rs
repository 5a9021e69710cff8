//! The headers each provider sends with a delivery, for a secret, URL, time and body.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use voxhook_core::Provider;

use crate::ids;
use crate::secret::Secret;

/// What one signature covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignInput<'a> {
    pub(crate) provider: Provider,
    pub(crate) secret: &'a Secret,
    /// The full URL the request goes to.
    pub(crate) url: &'a str,
    pub(crate) body: &'a [u8],
    /// Unix seconds.
    pub(crate) now: u64,
}

/// The authentication headers as `(name, value)`; a fresh nonce on every call,
/// as Vobiz does on every attempt.
pub(crate) fn headers(input: SignInput<'_>) -> Vec<(String, String)> {
    let secret = input.secret.expose();
    match input.provider {
        Provider::TryVox => vec![("Authorization".into(), format!("Bearer {secret}"))],
        Provider::Voxtelesys => vec![(
            "Authorization".into(),
            format!("Basic {}", STANDARD.encode(secret)),
        )],
        Provider::VoxPria => {
            let mut signed = format!("{}.", input.now).into_bytes();
            signed.extend_from_slice(input.body);
            vec![
                (
                    "X-Webhook-Signature".into(),
                    format!("t={},v1={}", input.now, hex::encode(hmac(secret, &signed))),
                ),
                (
                    "x-voxpria-signature".into(),
                    format!("sha256={}", hex::encode(hmac(secret, input.body))),
                ),
            ]
        }
        Provider::Vobiz => {
            let base = base_url(input.url);
            let n3 = ids::digits(20);
            let n2 = ids::digits(20);
            let v3 = STANDARD.encode(hmac(secret, format!("{base}.{n3}").as_bytes()));
            let v2 = STANDARD.encode(hmac(secret, format!("{base}{n2}").as_bytes()));
            vec![
                ("X-Vobiz-Signature-V3".into(), v3),
                ("X-Vobiz-Signature-V3-Nonce".into(), n3),
                ("X-Vobiz-Signature-V2".into(), v2),
                ("X-Vobiz-Signature-V2-Nonce".into(), n2),
            ]
        }
        _ => Vec::new(),
    }
}

/// `scheme://host[:port]/path`: the query and fragment stripped, as Vobiz signs.
pub(crate) fn base_url(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

fn hmac(key: &str, msg: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return Vec::new();
    };
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vobiz_vectors_from_providers_md() {
        // providers.md §11: base https://example.com/vobiz/answer, nonce 12345678901234567890.
        let base = "https://example.com/vobiz/answer";
        let nonce = "12345678901234567890";
        let v2 = STANDARD.encode(hmac("my_auth_token", format!("{base}{nonce}").as_bytes()));
        let v3 = STANDARD.encode(hmac("my_auth_token", format!("{base}.{nonce}").as_bytes()));
        assert_eq!(v2, "3L5vLu9K0EPQb/hw25qv1/dpe7xV+OqvjBB2CUFACuU=");
        assert_eq!(v3, "T4KPf+mmhqltELYKSiiErW3ER3nMg8LO6j36NrI2eMo=");
    }

    #[test]
    fn voxpria_stripe_style_vector() {
        let secret = Secret::new("whsec_test_secret");
        let h = headers(SignInput {
            provider: Provider::VoxPria,
            secret: &secret,
            url: "https://x/voxpria/events",
            body: br#"{"id":"evt_1","object":"event"}"#,
            now: 1_700_000_000,
        });
        assert_eq!(
            h[0].1,
            "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"
        );
    }

    #[test]
    fn base_url_strips_query_and_fragment() {
        let cases = [
            (
                "plain",
                "http://h:3000/vobiz/answer",
                "http://h:3000/vobiz/answer",
            ),
            ("query", "http://h/a?x=1", "http://h/a"),
            ("fragment", "http://h/a#ct=2000", "http://h/a"),
        ];
        for (name, input, want) in cases {
            assert_eq!(base_url(input), want, "{name}");
        }
    }
}
