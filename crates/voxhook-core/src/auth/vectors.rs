//! Published vectors (providers.md section 11) reproduced exactly, computed
//! vectors as regression fixtures, and negative vectors per scheme.

use super::sign::{self, SignRequest};
use super::*;
use crate::request::Inbound;

use super::tests::{Headers, h as hv, kind};

const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SW_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const SW_TS: i64 = 1_649_367_553;
const SW_BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
const SW_SIG: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

#[test]
fn standard_webhooks_published_vector() {
    assert_eq!(
        sign::standard_webhooks(SW_SECRET, SW_ID, SW_TS, SW_BODY).unwrap(),
        SW_SIG
    );
}

#[tokio::test]
async fn standard_webhooks_table() {
    let auth = Auth::standard_webhooks([SW_SECRET]).clock(ManualClock::shared(SW_TS));
    let ts = SW_TS.to_string();
    let trunc = &SW_SIG[..SW_SIG.len() - 4];
    let other_body = sign::standard_webhooks(SW_SECRET, SW_ID, SW_TS, b"{}").unwrap();
    let stale = (SW_TS - 301).to_string();
    let stale_sig = sign::standard_webhooks(SW_SECRET, SW_ID, SW_TS - 301, SW_BODY).unwrap();
    let future = (SW_TS + 301).to_string();
    let future_sig = sign::standard_webhooks(SW_SECRET, SW_ID, SW_TS + 301, SW_BODY).unwrap();
    let rotated = format!("v1,AAAA {SW_SIG}");
    let cases: Vec<(&str, Headers, &str)> = vec![
        (
            "published",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", SW_SIG),
            ]),
            "ok",
        ),
        (
            "svix names",
            hv(&[
                ("svix-id", SW_ID),
                ("svix-timestamp", &ts),
                ("svix-signature", SW_SIG),
            ]),
            "ok",
        ),
        (
            "several entries",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", &rotated),
            ]),
            "ok",
        ),
        (
            "empty v1,",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", "v1,"),
            ]),
            "signature_mismatch",
        ),
        (
            "truncated",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", trunc),
            ]),
            "signature_mismatch",
        ),
        (
            "wrong version",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", &SW_SIG.replace("v1,", "v2,")),
            ]),
            "signature_mismatch",
        ),
        (
            "wrong case",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", &SW_SIG.to_lowercase()),
            ]),
            "signature_mismatch",
        ),
        (
            "other body",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &ts),
                ("webhook-signature", &other_body),
            ]),
            "signature_mismatch",
        ),
        (
            "other id",
            hv(&[
                ("webhook-id", "msg_other"),
                ("webhook-timestamp", &ts),
                ("webhook-signature", SW_SIG),
            ]),
            "signature_mismatch",
        ),
        (
            "stale",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &stale),
                ("webhook-signature", &stale_sig),
            ]),
            "stale_timestamp",
        ),
        (
            "future",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", &future),
                ("webhook-signature", &future_sig),
            ]),
            "stale_timestamp",
        ),
        (
            "no signature",
            hv(&[("webhook-id", SW_ID), ("webhook-timestamp", &ts)]),
            "missing_signature",
        ),
        (
            "no id",
            hv(&[("webhook-timestamp", &ts), ("webhook-signature", SW_SIG)]),
            "malformed_signature",
        ),
        (
            "no timestamp",
            hv(&[("webhook-id", SW_ID), ("webhook-signature", SW_SIG)]),
            "malformed_signature",
        ),
        (
            "bad timestamp",
            hv(&[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", "soon"),
                ("webhook-signature", SW_SIG),
            ]),
            "malformed_signature",
        ),
    ];
    for (name, headers, want) in cases {
        let req = Inbound::new("POST", "/hook", &headers, SW_BODY);
        let got = auth.verify(&req).await;
        assert_eq!(kind(&got), want, "{name}");
        if let Ok(v) = got {
            assert_eq!(v.delivery_id.as_deref(), Some(SW_ID), "{name}");
            assert_eq!(v.scheme, Scheme::StandardWebhooks);
        }
    }
}

#[test]
fn standard_webhooks_bad_secret_is_a_build_error() {
    assert!(Auth::standard_webhooks(["whsec_@@@"]).validate().is_err());
    assert!(Auth::standard_webhooks(["whsec_"]).validate().is_err());
    assert!(StandardWebhooks::new(Vec::<&str>::new()).is_err());
}

#[tokio::test]
async fn standard_webhooks_rotation_reports_index() {
    let old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let auth = Auth::standard_webhooks([old, SW_SECRET]).clock(ManualClock::shared(SW_TS));
    let ts = SW_TS.to_string();
    let headers = hv(&[
        ("webhook-id", SW_ID),
        ("webhook-timestamp", &ts),
        ("webhook-signature", SW_SIG),
    ]);
    let req = Inbound::new("POST", "/hook", &headers, SW_BODY);
    assert_eq!(auth.verify(&req).await.unwrap().secret_index, 1);
}

// Twilio: twilio-python tests/unit/test_request_validator.py, token 12345.
const TW_TOKEN: &str = "12345";
const TW_FORM: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";

#[test]
fn twilio_published_signing_vectors() {
    let cases = [
        (
            "plain",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        ),
        (
            "https :443",
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            "kvajT1Ptam85bY51eRf/AJRuM3w=",
        ),
        (
            "http :1234",
            "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
        ),
        (
            "http :80",
            "http://mycompany.com:80/myapp.php?foo=1&bar=2",
            "0ZXoZLH/DfblKGATFgpif+LLRf4=",
        ),
    ];
    for (name, url, want) in cases {
        assert_eq!(sign::twilio(TW_TOKEN, url, Some(TW_FORM)), want, "{name}");
    }
    let dup = b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234";
    assert_eq!(
        sign::twilio(
            TW_TOKEN,
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            Some(dup)
        ),
        "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    );
    let (url, sig) = sign::twilio_json(
        TW_TOKEN,
        "https://mycompany.com/myapp.php?foo=1&bar=2",
        br#"{"property": "value", "boolean": true}"#,
    );
    assert!(
        url.ends_with(
            "bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        )
    );
    assert_eq!(sig, "a9nBmqA0ju/hNViExpshrM61xv4=");
}

#[tokio::test]
async fn twilio_verify_table() {
    let form = "application/x-www-form-urlencoded";
    let json_body: &[u8] = br#"{"property": "value", "boolean": true}"#;
    let json_target = "/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    struct Case {
        name: &'static str,
        base: &'static str,
        target: &'static str,
        sig: &'static str,
        content_type: &'static str,
        body: &'static [u8],
        want: &'static str,
    }
    let cases = [
        Case { name: "published", base: "https://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", content_type: form, body: TW_FORM, want: "ok" },
        Case { name: "port removed on https", base: "https://mycompany.com:1234", target: "/myapp.php?foo=1&bar=2", sig: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", content_type: form, body: TW_FORM, want: "ok" },
        Case { name: "port added on https", base: "https://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "kvajT1Ptam85bY51eRf/AJRuM3w=", content_type: form, body: TW_FORM, want: "ok" },
        Case { name: "explicit port kept on http", base: "http://mycompany.com:1234", target: "/myapp.php?foo=1&bar=2", sig: "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", content_type: form, body: TW_FORM, want: "ok" },
        Case { name: "port added on http", base: "http://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "0ZXoZLH/DfblKGATFgpif+LLRf4=", content_type: form, body: TW_FORM, want: "ok" },
        Case { name: "repeated keys", base: "https://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "IK+Dwps556ElfBT0I3Rgjkr1wJU=", content_type: form, body: b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234", want: "ok" },
        Case { name: "json body hash", base: "https://mycompany.com", target: json_target, sig: "a9nBmqA0ju/hNViExpshrM61xv4=", content_type: "application/json", body: json_body, want: "ok" },
        Case { name: "json body altered: fail closed", base: "https://mycompany.com", target: json_target, sig: "a9nBmqA0ju/hNViExpshrM61xv4=", content_type: "application/json", body: br#"{"property": "evil", "boolean": true}"#, want: "signature_mismatch" },
        Case { name: "query reordered", base: "https://mycompany.com", target: "/myapp.php?bar=2&foo=1", sig: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", content_type: form, body: TW_FORM, want: "signature_mismatch" },
        Case { name: "param altered", base: "https://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", content_type: form, body: b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9&From=%2B14158675309&To=%2B18005551212", want: "signature_mismatch" },
        Case { name: "truncated", base: "https://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "RSOYDt4T1cUTdK1PDd93", content_type: form, body: TW_FORM, want: "signature_mismatch" },
        Case { name: "empty", base: "https://mycompany.com", target: "/myapp.php?foo=1&bar=2", sig: "", content_type: form, body: TW_FORM, want: "malformed_signature" },
    ];
    for c in cases {
        let auth = Auth::twilio(TW_TOKEN).public_url(c.base).unwrap();
        let headers = hv(&[
            ("x-twilio-signature", c.sig),
            ("content-type", c.content_type),
        ]);
        let req = Inbound::new("POST", c.target, &headers, c.body);
        assert_eq!(kind(&auth.verify(&req).await), c.want, "{}", c.name);
    }
    let auth = Auth::twilio(TW_TOKEN)
        .public_url("https://mycompany.com")
        .unwrap();
    let none = hv(&[]);
    let req = Inbound::new("POST", "/", &none, b"");
    assert_eq!(kind(&auth.verify(&req).await), "missing_signature");
}

// Plivo (token my_auth_token).
const PLIVO_TOKEN: &str = "my_auth_token";
const PLIVO_NONCE: &str = "12345678901234567890";
const PLIVO_FORM: &[u8] = b"CallUUID=abc-123&From=%2B14155550100&To=%2B14155550111&Event=StartApp";

#[test]
fn plivo_v3_computed_vectors() {
    let cases = [
        (
            "post params",
            "POST",
            "https://example.com/answer",
            PLIVO_FORM,
            "CaFPw7Y2zzmPdbPXm6tyeipqyN1KPe/HwinD8UZ9elc=",
        ),
        (
            "post query and params",
            "POST",
            "https://example.com/answer?b=2&a=1",
            PLIVO_FORM,
            "a5ReMU6HzUn6/fk5Gc7XqoN99OgUGmNd584VxU42zA8=",
        ),
        (
            "get query",
            "GET",
            "https://example.com/answer?b=2&a=1",
            b"",
            "9eDRnD3/Y6kyxlFjbraXbr8Om49sdFWcq7ZaRu9PIts=",
        ),
        (
            "post nothing",
            "POST",
            "https://example.com/answer",
            b"",
            "hUGnvMRbVNkLGwkev8Z7p3Lr7/ipDR37ScJFh0N7IyU=",
        ),
    ];
    for (name, method, url, body, want) in cases {
        let req = SignRequest::new(method, url, body).nonce(PLIVO_NONCE);
        assert_eq!(sign::plivo_v3(PLIVO_TOKEN, &req, true), want, "{name}");
    }
}

#[tokio::test]
async fn plivo_verify_table() {
    let form = "application/x-www-form-urlencoded";
    let cases = [
        (
            "v3 post params",
            "POST",
            "/answer",
            form,
            PLIVO_FORM,
            "x-plivo-signature-v3",
            "CaFPw7Y2zzmPdbPXm6tyeipqyN1KPe/HwinD8UZ9elc=",
            "ok",
        ),
        (
            "v3 query re-sorted",
            "POST",
            "/answer?b=2&a=1",
            form,
            PLIVO_FORM,
            "x-plivo-signature-v3",
            "a5ReMU6HzUn6/fk5Gc7XqoN99OgUGmNd584VxU42zA8=",
            "ok",
        ),
        (
            "v3 get",
            "GET",
            "/answer?b=2&a=1",
            "",
            b"",
            "x-plivo-signature-v3",
            "9eDRnD3/Y6kyxlFjbraXbr8Om49sdFWcq7ZaRu9PIts=",
            "ok",
        ),
        (
            "v3 comma list",
            "POST",
            "/answer",
            form,
            b"",
            "x-plivo-signature-v3",
            "AAAA,hUGnvMRbVNkLGwkev8Z7p3Lr7/ipDR37ScJFh0N7IyU=",
            "ok",
        ),
        (
            "v3 params altered",
            "POST",
            "/answer",
            form,
            b"CallUUID=abc-124&From=%2B14155550100&To=%2B14155550111&Event=StartApp",
            "x-plivo-signature-v3",
            "CaFPw7Y2zzmPdbPXm6tyeipqyN1KPe/HwinD8UZ9elc=",
            "signature_mismatch",
        ),
        (
            "v3 as v2",
            "POST",
            "/answer",
            form,
            b"",
            "x-plivo-signature-v2",
            "hUGnvMRbVNkLGwkev8Z7p3Lr7/ipDR37ScJFh0N7IyU=",
            "signature_mismatch",
        ),
    ];
    for (name, method, target, ct, body, header, sig, want) in cases {
        let auth = Auth::plivo(PLIVO_TOKEN)
            .public_url("https://example.com")
            .unwrap();
        let nonce_header = header.to_string() + "-nonce";
        let headers = hv(&[
            (header, sig),
            (&nonce_header, PLIVO_NONCE),
            ("content-type", ct),
        ]);
        let req = Inbound::new(method, target, &headers, body);
        assert_eq!(kind(&auth.verify(&req).await), want, "{name}");
    }
    // Plivo V2 published vector: url https://answer.url, nonce 12345.
    let auth = Auth::plivo(PLIVO_TOKEN)
        .public_url("https://answer.url")
        .unwrap();
    let headers = hv(&[
        (
            "X-Plivo-Signature-V2",
            "ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc=",
        ),
        ("X-Plivo-Signature-V2-Nonce", "12345"),
    ]);
    let req = Inbound::new("POST", "", &headers, b"");
    assert_eq!(auth.verify(&req).await.unwrap().scheme, Scheme::PlivoV2);
}
