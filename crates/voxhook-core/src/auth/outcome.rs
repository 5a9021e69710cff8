//! What a successful verification reports.

use std::fmt;

/// The authentication scheme that accepted (or refused) a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// No authentication, by explicit choice ([`Auth::none`](super::Auth::none)).
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <user:password>`.
    Basic,
    /// A shared key in a configurable header.
    ApiKey,
    /// Standard Webhooks (`webhook-*` or `svix-*` headers).
    StandardWebhooks,
    /// `t=<unix>,v1=<hex>` over `t.body` (VoxPria `X-Webhook-Signature`, Stripe-style).
    TimestampedHex,
    /// An HMAC-SHA256 of the body (`sha256=<hex>`, hex or base64).
    BodyHmac,
    /// Vobiz `X-Vobiz-Signature-V2` (URL + nonce).
    VobizV2,
    /// Vobiz `X-Vobiz-Signature-V3` (URL + `.` + nonce).
    VobizV3,
    /// Vobiz `X-Vobiz-Signature-MA-V2`, keyed with the parent account's token.
    VobizMaV2,
    /// Vobiz `X-Vobiz-Signature-MA-V3`, keyed with the parent account's token.
    VobizMaV3,
    /// Plivo `X-Plivo-Signature-V2` (URL + nonce).
    PlivoV2,
    /// Plivo `X-Plivo-Signature-Ma-V2`.
    PlivoMaV2,
    /// Plivo `X-Plivo-Signature-V3` (URL, sorted params, nonce).
    PlivoV3,
    /// Plivo `X-Plivo-Signature-Ma-V3`.
    PlivoMaV3,
    /// `X-Twilio-Signature` (HMAC-SHA1 of URL and sorted params).
    Twilio,
    /// The peer address is in an allow-list.
    IpAllowlist,
}

impl Scheme {
    /// A short, stable, lower-case name (for logs and metrics).
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::None => "none",
            Scheme::Bearer => "bearer",
            Scheme::Basic => "basic",
            Scheme::ApiKey => "api_key",
            Scheme::StandardWebhooks => "standard_webhooks",
            Scheme::TimestampedHex => "timestamped_hex",
            Scheme::BodyHmac => "body_hmac",
            Scheme::VobizV2 => "vobiz_v2",
            Scheme::VobizV3 => "vobiz_v3",
            Scheme::VobizMaV2 => "vobiz_ma_v2",
            Scheme::VobizMaV3 => "vobiz_ma_v3",
            Scheme::PlivoV2 => "plivo_v2",
            Scheme::PlivoMaV2 => "plivo_ma_v2",
            Scheme::PlivoV3 => "plivo_v3",
            Scheme::PlivoMaV3 => "plivo_ma_v3",
            Scheme::Twilio => "twilio",
            Scheme::IpAllowlist => "ip_allowlist",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful verification: which scheme and which secret (by index, never
/// by value) matched, so an old secret can be retired once it is no longer used.
///
/// ```
/// use voxhook_core::auth::{Scheme, Verification};
///
/// let v = Verification::new(Scheme::Bearer, 1);
/// assert_eq!((v.scheme, v.secret_index, v.delivery_id), (Scheme::Bearer, 1, None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The scheme that accepted the request.
    pub scheme: Scheme,
    /// The index of the matching secret among the configured (or resolved) ones.
    pub secret_index: usize,
    /// A signed, stable delivery id (Standard Webhooks `webhook-id`), never a nonce.
    pub delivery_id: Option<String>,
}

impl Verification {
    /// A verification by `scheme` with secret number `secret_index` and no delivery id.
    pub const fn new(scheme: Scheme, secret_index: usize) -> Self {
        Verification {
            scheme,
            secret_index,
            delivery_id: None,
        }
    }
}
