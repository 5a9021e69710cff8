//! Behaviour of the presets and combinators, and the published vectors.

use std::sync::Arc;

use super::sign::{self, SignRequest};
use super::*;
use crate::event::Provider;
use crate::request::Inbound;

pub(super) type Headers = Vec<(String, String)>;

pub(super) fn h(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn verify(
    auth: &Auth,
    method: &str,
    target: &str,
    headers: &Headers,
    body: &[u8],
) -> Result<Verification, AuthError> {
    let req = Inbound::new(method, target, headers, body);
    auth.verify(&req).await
}

pub(super) fn kind(r: &Result<Verification, AuthError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.rejection().kind(),
    }
}

#[tokio::test]
async fn bearer_table() {
    let auth = Auth::bearer(["old-token", "new-token"]);
    let cases = [
        (
            "old token",
            h(&[("authorization", "Bearer old-token")]),
            "ok",
            Some(0),
        ),
        (
            "new token, odd case",
            h(&[("Authorization", "bearer new-token")]),
            "ok",
            Some(1),
        ),
        ("missing", h(&[]), "missing_credentials", None),
        (
            "wrong",
            h(&[("authorization", "Bearer nope")]),
            "invalid_credentials",
            None,
        ),
        (
            "prefix of token",
            h(&[("authorization", "Bearer old")]),
            "invalid_credentials",
            None,
        ),
        (
            "empty token",
            h(&[("authorization", "Bearer ")]),
            "invalid_credentials",
            None,
        ),
        (
            "basic instead",
            h(&[("authorization", "Basic b2xkLXRva2Vu")]),
            "invalid_credentials",
            None,
        ),
    ];
    for (name, headers, want, idx) in cases {
        let got = verify(&auth, "POST", "/tryvox/answer", &headers, b"{}").await;
        assert_eq!(kind(&got), want, "{name}");
        assert_eq!(got.as_ref().ok().map(|v| v.secret_index), idx, "{name}");
        if let Err(e) = got {
            assert_eq!(
                e.rejection().headers().next(),
                Some(("www-authenticate", r#"Bearer realm="voxhook""#)),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn basic_table() {
    let auth = Auth::voxtelesys("voxtelesys:dev:pass:word");
    let good = sign::basic("voxtelesys", "dev:pass:word");
    let cases = [
        ("good", vec![good.clone()], "ok"),
        ("missing", h(&[]), "missing_credentials"),
        (
            "wrong password",
            vec![sign::basic("voxtelesys", "dev")],
            "invalid_credentials",
        ),
        (
            "not base64",
            h(&[("authorization", "Basic !!!")]),
            "invalid_credentials",
        ),
        (
            "bearer instead",
            h(&[("authorization", "Bearer x")]),
            "invalid_credentials",
        ),
    ];
    for (name, headers, want) in cases {
        let got = verify(&auth, "POST", "/voxtelesys/voice", &headers, b"").await;
        assert_eq!(kind(&got), want, "{name}");
        if let Err(e) = got {
            assert_eq!(
                e.rejection().headers().next(),
                Some(("www-authenticate", r#"Basic realm="voxhook""#)),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn api_key_has_no_challenge() {
    let auth = Auth::api_key("X-Api-Key", "k1");
    let ok = verify(&auth, "POST", "/", &h(&[("x-api-key", "k1")]), b"").await;
    assert_eq!(ok.unwrap().scheme, Scheme::ApiKey);
    let missing = verify(&auth, "POST", "/", &h(&[]), b"").await.unwrap_err();
    assert_eq!(missing.rejection().status(), 401);
    assert_eq!(missing.rejection().headers().next(), None);
}

#[test]
fn empty_secrets_are_config_errors() {
    let cases = [
        ("bearer", Auth::bearer("")),
        ("basic user", Auth::basic("", "p")),
        ("basic no colon", Auth::voxtelesys("nocolon")),
        ("voxpria", Auth::voxpria("")),
        ("vobiz", Auth::vobiz("")),
        ("no tokens", Auth::bearer(Vec::<String>::new())),
        ("empty any", Auth::any([])),
        ("bad range", Auth::ip_allowlist(["10.0.0.0/99"])),
    ];
    for (name, auth) in cases {
        assert!(auth.validate().is_err(), "{name}");
    }
    assert!(Auth::vobiz("").public_url("https://x").is_err());
    assert!(Auth::vobiz("t").public_url("not a url").is_err());
}

#[tokio::test]
async fn invalid_auth_refuses_with_500() {
    let got = verify(
        &Auth::bearer(""),
        "POST",
        "/",
        &h(&[("authorization", "Bearer ")]),
        b"",
    )
    .await;
    assert_eq!(got.unwrap_err().rejection().status(), 500);
}

const VOXPRIA: &str = "whsec_dev_voxpria_secret";

#[tokio::test]
async fn voxpria_table() {
    let clock = ManualClock::shared(1_700_000_000);
    let auth = Auth::voxpria(VOXPRIA).clock(clock.clone());
    let body = br#"{"event":"call.completed","data":{"callId":"c1"}}"#;
    let ts = timestamped_sig(1_700_000_000, body);
    let bh = sign::body_hmac_hex(VOXPRIA, body);
    let other = sign::body_hmac_hex(VOXPRIA, b"{}");
    let cases: Vec<(&str, Headers, &str)> = vec![
        ("timestamped only", h(&[("x-webhook-signature", &ts)]), "ok"),
        ("body only", h(&[("x-voxpria-signature", &bh)]), "ok"),
        (
            "both",
            h(&[("x-webhook-signature", &ts), ("x-voxpria-signature", &bh)]),
            "ok",
        ),
        (
            "good ts, wrong body sig",
            h(&[
                ("x-webhook-signature", &ts),
                ("x-voxpria-signature", &other),
            ]),
            "ok",
        ),
        ("none", h(&[]), "missing_signature"),
        (
            "body sig for another body",
            h(&[("x-voxpria-signature", &other)]),
            "signature_mismatch",
        ),
        (
            "bare hex refused on sha256= header",
            h(&[("x-voxpria-signature", bh.trim_start_matches("sha256="))]),
            "malformed_signature",
        ),
        (
            "upper-case hex",
            h(&[(
                "x-voxpria-signature",
                &bh.to_uppercase().replace("SHA256=", "sha256="),
            )]),
            "malformed_signature",
        ),
        (
            "stale",
            h(&[(
                "x-webhook-signature",
                &timestamped_sig(1_700_000_000 - 301, body),
            )]),
            "stale_timestamp",
        ),
        (
            "future",
            h(&[(
                "x-webhook-signature",
                &timestamped_sig(1_700_000_000 + 301, body),
            )]),
            "stale_timestamp",
        ),
        (
            "empty v1",
            h(&[("x-webhook-signature", "t=1700000000,v1=")]),
            "signature_mismatch",
        ),
        (
            "truncated",
            h(&[("x-webhook-signature", &ts[..ts.len() - 2])]),
            "signature_mismatch",
        ),
        (
            "wrong version",
            h(&[("x-webhook-signature", &ts.replace("v1=", "v0="))]),
            "signature_mismatch",
        ),
        (
            "no t",
            h(&[("x-webhook-signature", "v1=00")]),
            "malformed_signature",
        ),
        (
            "two v1, second good",
            h(&[(
                "x-webhook-signature",
                &format!(
                    "{},v1={}",
                    ts.replace("v1=", "v1=00"),
                    &ts[ts.find("v1=").unwrap() + 3..]
                ),
            )]),
            "ok",
        ),
    ];
    for (name, headers, want) in cases {
        let got = verify(&auth, "POST", "/voxpria/events", &headers, body).await;
        assert_eq!(kind(&got), want, "{name}");
    }
}

/// The `t=,v1=` header as written by senders other than ours: order,
/// spacing, repeated and malformed entries, rotation.
#[tokio::test]
async fn timestamped_header_table() {
    const T: i64 = 1_700_000_000;
    let auth = Auth::timestamped_hex("x-webhook-signature", ["whsec_old", VOXPRIA])
        .clock(ManualClock::shared(T));
    let body = br#"{"event":"call.completed"}"#;
    let good = sign::timestamped_hex(VOXPRIA, T, body);
    let hex = good.split_once("v1=").unwrap().1.to_string();
    let old = sign::timestamped_hex("whsec_old", T, body);
    let old_hex = old.split_once("v1=").unwrap().1.to_string();
    let other = sign::timestamped_hex("whsec_other", T, body);
    let other_hex = other.split_once("v1=").unwrap().1.to_string();
    let nine_wrong = vec![format!("v1={other_hex}"); 9].join(",");
    struct Case {
        name: &'static str,
        header: String,
        want: &'static str,
        secret: Option<usize>,
    }
    let case = |name, header: String, want, secret| Case {
        name,
        header,
        want,
        secret,
    };
    let cases = [
        case("as signed", good.clone(), "ok", Some(1)),
        case("old secret", old.clone(), "ok", Some(0)),
        case("v1 before t", format!("v1={hex},t={T}"), "ok", Some(1)),
        case(
            "spaces around items",
            format!(" t={T} ,  v1={hex} "),
            "ok",
            Some(1),
        ),
        case("space after =", format!("t={T},v1= {hex}"), "ok", Some(1)),
        case(
            "several v1, last good",
            format!("t={T},v1={other_hex},v1=00,v1={hex}"),
            "ok",
            Some(1),
        ),
        case(
            "several v1, first good",
            format!("t={T},v1={hex},v1={other_hex}"),
            "ok",
            Some(1),
        ),
        case(
            "both secrets' entries: the first secret wins",
            format!("t={T},v1={hex},v1={old_hex}"),
            "ok",
            Some(0),
        ),
        case(
            "good entry after nine wrong ones",
            format!("t={T},{nine_wrong},v1={hex}"),
            "ok",
            Some(1),
        ),
        case(
            "four v1 (all kept), last good",
            format!("t={T},v1={other_hex},v1=00,v1={old_hex}0,v1={hex}"),
            "ok",
            Some(1),
        ),
        case(
            "five v1 (read again), first good",
            format!(
                "t={T},v1={hex},{}",
                vec![format!("v1={other_hex}"); 4].join(",")
            ),
            "ok",
            Some(1),
        ),
        case(
            "other entries ignored",
            format!("t={T},v0={other_hex},x=1,,v1={hex}"),
            "ok",
            Some(1),
        ),
        case(
            "duplicate t: the first counts",
            format!("t={T},t={},v1={hex}", T + 1),
            "ok",
            Some(1),
        ),
        case(
            "duplicate t: a later good one does not",
            format!("t={},t={T},v1={hex}", T + 1),
            "signature_mismatch",
            None,
        ),
        case(
            "missing t",
            format!("v1={hex}"),
            "malformed_signature",
            None,
        ),
        case("empty value", String::new(), "malformed_signature", None),
        case(
            "t not a number",
            format!("t=17e8,v1={hex}"),
            "malformed_signature",
            None,
        ),
        case(
            "t too long",
            format!("t=0000000{T},v1={hex}"),
            "malformed_signature",
            None,
        ),
        case(
            "t with a sign",
            format!("t=+{T},v1={hex}"),
            "malformed_signature",
            None,
        ),
        case("no v1", format!("t={T}"), "signature_mismatch", None),
        case(
            "upper-case hex",
            format!("t={T},v1={}", hex.to_uppercase()),
            "signature_mismatch",
            None,
        ),
        case(
            "one digit short",
            format!("t={T},v1={}", &hex[..63]),
            "signature_mismatch",
            None,
        ),
        case(
            "one digit more",
            format!("t={T},v1={hex}0"),
            "signature_mismatch",
            None,
        ),
        case(
            "non-hex of the right length",
            format!("t={T},v1=g{}", &hex[1..]),
            "signature_mismatch",
            None,
        ),
        case(
            "v1 without =",
            format!("t={T},v1{hex}"),
            "signature_mismatch",
            None,
        ),
        case(
            "another secret's tag",
            other.clone(),
            "signature_mismatch",
            None,
        ),
    ];
    for c in cases {
        let headers = h(&[("x-webhook-signature", &c.header)]);
        let got = verify(&auth, "POST", "/voxpria/events", &headers, body).await;
        assert_eq!(kind(&got), c.want, "{}", c.name);
        assert_eq!(
            got.as_ref().ok().map(|v| v.secret_index),
            c.secret,
            "{} secret",
            c.name
        );
    }
}

#[tokio::test]
async fn timestamped_explain_counts_every_v1() {
    const T: i64 = 1_700_000_000;
    let auth = Auth::timestamped_hex("x-webhook-signature", VOXPRIA).clock(ManualClock::shared(T));
    let headers = h(&[("x-webhook-signature", &format!("t={T},v1=00, v1=zz,v0=11"))]);
    let req = Inbound::new("POST", "/voxpria/events", &headers, b"{}");
    let e = auth.explain(&req).await;
    assert_eq!(kind(&e.result), "signature_mismatch");
    let text: Vec<&str> = e.notes.iter().map(|n| n.text.as_str()).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("2 v1 signature(s), none matches any of 1 secrets")),
        "{text:?}"
    );
}

fn timestamped_sig(t: i64, body: &[u8]) -> String {
    sign::timestamped_hex(VOXPRIA, t, body)
}

#[test]
fn stripe_style_vector() {
    // providers.md section 11, [C-vec].
    assert_eq!(
        sign::timestamped_hex(
            "whsec_test_secret",
            1_700_000_000,
            br#"{"id":"evt_1","object":"event"}"#
        ),
        "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"
    );
}

#[test]
fn vobiz_and_plivo_v2_vectors() {
    // providers.md section 11: Vobiz [C-vec], Plivo V2 [V-vec].
    let url = "https://example.com/vobiz/answer";
    let nonce = "12345678901234567890";
    assert_eq!(
        sign::vobiz_v2("my_auth_token", url, nonce),
        "3L5vLu9K0EPQb/hw25qv1/dpe7xV+OqvjBB2CUFACuU="
    );
    assert_eq!(
        sign::vobiz_v3("my_auth_token", url, nonce),
        "T4KPf+mmhqltELYKSiiErW3ER3nMg8LO6j36NrI2eMo="
    );
    assert_eq!(
        sign::plivo_v2("my_auth_token", "https://answer.url", "12345"),
        "ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="
    );
}

fn vobiz_headers(v3: Option<&str>, v2: Option<&str>, nonce: &str) -> Headers {
    let mut out = Vec::new();
    if let Some(s) = v3 {
        out.push(("X-Vobiz-Signature-V3".to_string(), s.to_string()));
        out.push(("X-Vobiz-Signature-V3-Nonce".to_string(), nonce.to_string()));
    }
    if let Some(s) = v2 {
        out.push(("x-vobiz-signature-v2".to_string(), s.to_string()));
        out.push(("x-vobiz-signature-v2-nonce".to_string(), nonce.to_string()));
    }
    out
}

#[tokio::test]
async fn vobiz_vectors_verify_with_public_url() {
    let url = "https://example.com/vobiz/answer";
    let cases = [
        (
            "v3 vector",
            Some("T4KPf+mmhqltELYKSiiErW3ER3nMg8LO6j36NrI2eMo="),
            None,
            "ok",
            Scheme::VobizV3,
        ),
        (
            "v2 vector",
            None,
            Some("3L5vLu9K0EPQb/hw25qv1/dpe7xV+OqvjBB2CUFACuU="),
            "ok",
            Scheme::VobizV2,
        ),
    ];
    for (name, v3, v2, want, scheme) in cases {
        let auth = Auth::vobiz("my_auth_token")
            .public_url("https://example.com")
            .unwrap();
        let headers = vobiz_headers(v3, v2, "12345678901234567890");
        let got = verify(&auth, "POST", "/vobiz/answer?ignored=1", &headers, b"x").await;
        assert_eq!(kind(&got), want, "{name}");
        assert_eq!(got.unwrap().scheme, scheme, "{name}");
        let _ = url;
    }
}

#[tokio::test]
async fn vobiz_table() {
    let token = "dev-vobiz-token";
    let url = "https://hooks.example.com/vobiz/answer";
    let good3 = sign::vobiz_v3(token, url, "11111111111111111111");
    let good2 = sign::vobiz_v2(token, url, "11111111111111111111");
    let other_url = sign::vobiz_v3(
        token,
        "https://hooks.example.com/vobiz/events",
        "11111111111111111111",
    );
    let n = "11111111111111111111";
    let cases: Vec<(&str, Headers, &str)> = vec![
        (
            "v3 and v2",
            vobiz_headers(Some(&good3), Some(&good2), n),
            "ok",
        ),
        (
            "v3 good, v2 bad",
            vobiz_headers(Some(&good3), Some(&other_url), n),
            "ok",
        ),
        (
            "v3 bad, v2 good",
            vobiz_headers(Some(&other_url), Some(&good2), n),
            "ok",
        ),
        ("no headers", h(&[]), "missing_signature"),
        (
            "signature for another path",
            vobiz_headers(Some(&other_url), None, n),
            "signature_mismatch",
        ),
        (
            "nonce missing",
            h(&[("x-vobiz-signature-v3", &good3)]),
            "malformed_signature",
        ),
        (
            "not base64",
            vobiz_headers(Some("%%%"), None, n),
            "malformed_signature",
        ),
        (
            "empty signature",
            vobiz_headers(Some(""), None, n),
            "malformed_signature",
        ),
        (
            "truncated",
            vobiz_headers(Some(&good3[..20]), None, n),
            "signature_mismatch",
        ),
        (
            "wrong case",
            vobiz_headers(Some(&good3.to_lowercase()), None, n),
            "signature_mismatch",
        ),
        (
            "other nonce",
            vobiz_headers(Some(&good3), None, "22222222222222222222"),
            "signature_mismatch",
        ),
        (
            "v2 signature in v3 header",
            vobiz_headers(Some(&good2), None, n),
            "signature_mismatch",
        ),
        (
            "comma list with one good",
            vobiz_headers(Some(&format!("{other_url},{good3}")), None, n),
            "ok",
        ),
    ];
    for (name, headers, want) in cases {
        // A fresh Auth per case, so nonces do not carry over.
        let auth = Auth::vobiz(token)
            .public_url("https://hooks.example.com")
            .unwrap();
        let got = verify(&auth, "POST", "/vobiz/answer", &headers, b"CallUUID=1").await;
        assert_eq!(kind(&got), want, "{name}");
    }
}

#[tokio::test]
async fn vobiz_replay_and_nonce_recording() {
    let token = "dev-vobiz-token";
    let url = "https://hooks.example.com/vobiz/answer";
    let auth = Auth::vobiz(token)
        .public_url("https://hooks.example.com")
        .unwrap();
    let n = "33333333333333333333";
    let v3 = sign::vobiz_v3(token, url, n);
    let v2 = sign::vobiz_v2(token, url, n);

    // A forged request with a fresh nonce is refused and does not burn the nonce.
    let forged = vobiz_headers(
        Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        None,
        n,
    );
    assert_eq!(
        kind(&verify(&auth, "POST", "/vobiz/answer", &forged, b"").await),
        "signature_mismatch"
    );

    let both = vobiz_headers(Some(&v3), Some(&v2), n);
    assert_eq!(
        kind(&verify(&auth, "POST", "/vobiz/answer", &both, b"").await),
        "ok"
    );
    assert_eq!(
        kind(&verify(&auth, "POST", "/vobiz/answer", &both, b"").await),
        "replayed_nonce"
    );
    // Stripping the V3 pair does not get the replay through: the V2 nonce was recorded too.
    let only_v2 = vobiz_headers(None, Some(&v2), n);
    assert_eq!(
        kind(&verify(&auth, "POST", "/vobiz/answer", &only_v2, b"").await),
        "replayed_nonce"
    );
    // Clones share the store (one Auth used on two routes).
    let clone = auth.clone();
    let only_v3 = vobiz_headers(Some(&v3), None, n);
    assert_eq!(
        kind(&verify(&clone, "POST", "/vobiz/answer", &only_v3, b"").await),
        "replayed_nonce"
    );
}

#[tokio::test]
async fn replay_window_expires() {
    let token = "t";
    let clock = ManualClock::shared(0);
    let store = Arc::new(MemoryNonceStore::new(1000).with_clock(clock.clone()));
    let auth = Auth::vobiz(token)
        .public_url("https://h.example")
        .unwrap()
        .nonce_store(store.clone(), std::time::Duration::from_secs(600));
    let n = "44444444444444444444";
    let headers = vobiz_headers(
        Some(&sign::vobiz_v3(token, "https://h.example/p", n)),
        None,
        n,
    );
    assert_eq!(
        kind(&verify(&auth, "POST", "/p", &headers, b"").await),
        "ok"
    );
    clock.advance(599);
    assert_eq!(
        kind(&verify(&auth, "POST", "/p", &headers, b"").await),
        "replayed_nonce"
    );
    clock.advance(1);
    assert_eq!(
        kind(&verify(&auth, "POST", "/p", &headers, b"").await),
        "ok"
    );
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn proxy_rewritten_url_needs_trust() {
    let token = "t";
    let n = "55555555555555555555";
    let sig = sign::vobiz_v3(token, "https://hooks.example.com/vobiz/answer", n);
    let mut headers = vobiz_headers(Some(&sig), None, n);
    headers.push(("host".into(), "127.0.0.1:3000".into()));
    headers.push(("x-forwarded-proto".into(), "https".into()));
    headers.push(("x-forwarded-host".into(), "hooks.example.com".into()));
    let peer = Some("10.0.0.5".parse().unwrap());

    let untrusting = Auth::vobiz(token);
    let req = Inbound::new("POST", "/vobiz/answer", &headers, b"").with_peer(peer);
    assert_eq!(kind(&untrusting.verify(&req).await), "signature_mismatch");

    let trusting = Auth::vobiz(token).trust_proxies(["10.0.0.0/8"]).unwrap();
    assert_eq!(kind(&trusting.verify(&req).await), "ok");
}

#[tokio::test]
async fn default_port_variant_is_tried() {
    let token = "t";
    let n = "66666666666666666666";
    let sig = sign::vobiz_v3(token, "https://hooks.example.com:443/a", n);
    let headers = vobiz_headers(Some(&sig), None, n);
    let auth = Auth::vobiz(token)
        .public_url("https://hooks.example.com")
        .unwrap();
    assert_eq!(
        kind(&verify(&auth, "POST", "/a", &headers, b"").await),
        "ok"
    );
}

#[tokio::test]
async fn vobiz_parent_account_headers() {
    let n = "77777777777777777777";
    let url = "https://h.example/a";
    let ma = sign::vobiz_v3("main", url, n);
    let headers = h(&[
        ("x-vobiz-signature-ma-v3", &ma),
        ("x-vobiz-signature-v3-nonce", n),
    ]);
    let sub_only = Auth::vobiz("sub").public_url("https://h.example").unwrap();
    assert_eq!(
        kind(&verify(&sub_only, "POST", "/a", &headers, b"").await),
        "signature_mismatch"
    );
    let with_parent = Auth::from(NonceSignature::vobiz("sub").parent_token("main"))
        .public_url("https://h.example")
        .unwrap();
    let v = verify(&with_parent, "POST", "/a", &headers, b"")
        .await
        .unwrap();
    assert_eq!(v.scheme, Scheme::VobizMaV3);
}

#[tokio::test]
async fn sign_for_provider_round_trips() {
    let url = "http://127.0.0.1:3000";
    let cases = [
        (
            Provider::TryVox,
            "dev-tryvox-token",
            Auth::tryvox("dev-tryvox-token"),
            "/tryvox/answer",
        ),
        (
            Provider::Voxtelesys,
            "voxtelesys:dev-password",
            Auth::voxtelesys("voxtelesys:dev-password"),
            "/voxtelesys/voice",
        ),
        (
            Provider::VoxPria,
            VOXPRIA,
            Auth::voxpria(VOXPRIA),
            "/voxpria/events",
        ),
        (
            Provider::Vobiz,
            "dev-vobiz-token",
            Auth::vobiz("dev-vobiz-token").public_url(url).unwrap(),
            "/vobiz/answer",
        ),
    ];
    for (provider, secret, auth, path) in cases {
        let full = format!("{url}{path}?a=1");
        let req = SignRequest::new("POST", &full, b"body");
        let headers = sign::for_provider(provider, secret, &req).unwrap();
        let target = format!("{path}?a=1");
        let got = verify(&auth, "POST", &target, &headers, b"body").await;
        assert_eq!(kind(&got), "ok", "{provider}");
        let wrong = sign::for_provider(
            provider,
            "x:y-wrong",
            &SignRequest::new("POST", &full, b"body"),
        )
        .unwrap();
        let got = verify(&auth, "POST", &target, &wrong, b"body").await;
        assert_ne!(kind(&got), "ok", "{provider} wrong secret");
    }
}

#[tokio::test]
async fn combinators() {
    let ip_and_token = Auth::tryvox("tok").and(Auth::ip_allowlist(["192.0.2.0/24"]));
    let headers = vec![sign::bearer("tok")];
    let inside =
        Inbound::new("POST", "/", &headers, b"").with_peer(Some("192.0.2.9".parse().unwrap()));
    let outside =
        Inbound::new("POST", "/", &headers, b"").with_peer(Some("198.51.100.9".parse().unwrap()));
    assert_eq!(
        ip_and_token.verify(&inside).await.unwrap().scheme,
        Scheme::Bearer
    );
    assert_eq!(
        kind(&ip_and_token.verify(&outside).await),
        "forbidden_address"
    );

    let either = Auth::bearer("a").or(Auth::api_key("x-key", "b"));
    let via_key = h(&[("x-key", "b")]);
    assert_eq!(
        verify(&either, "POST", "/", &via_key, b"")
            .await
            .unwrap()
            .scheme,
        Scheme::ApiKey
    );
    let wrong_key = h(&[("x-key", "c")]);
    assert_eq!(
        kind(&verify(&either, "POST", "/", &wrong_key, b"").await),
        "invalid_credentials"
    );

    assert_eq!(
        verify(&Auth::none(), "POST", "/", &h(&[]), b"")
            .await
            .unwrap()
            .scheme,
        Scheme::None
    );
}

#[tokio::test]
async fn resolver_supplies_secrets_per_request() {
    let resolver = FnResolver::new(|req: &Inbound<'_>| match req.path() {
        "/acme/vobiz" => Ok(vec![Secret::new("acme-old"), Secret::new("acme-new")]),
        "/down/vobiz" => Err(ResolveError("backend down")),
        _ => Ok(Vec::new()),
    });
    let auth = Auth::vobiz(SecretSource::resolver(Arc::new(resolver)))
        .public_url("https://h.example")
        .unwrap();
    let n = "88888888888888888888";
    let sig = sign::vobiz_v3("acme-new", "https://h.example/acme/vobiz", n);
    let headers = vobiz_headers(Some(&sig), None, n);
    let v = verify(&auth, "POST", "/acme/vobiz", &headers, b"")
        .await
        .unwrap();
    assert_eq!(v.secret_index, 1);
    let sig = sign::vobiz_v3("acme-new", "https://h.example/other/vobiz", n);
    let headers = vobiz_headers(Some(&sig), None, n);
    assert_eq!(
        kind(&verify(&auth, "POST", "/other/vobiz", &headers, b"").await),
        "signature_mismatch"
    );
    assert_eq!(
        kind(&verify(&auth, "POST", "/down/vobiz", &headers, b"").await),
        "misconfigured"
    );
}

#[tokio::test]
async fn explain_says_what_was_tried_without_recording() {
    let token = "t";
    let n = "99999999999999999999";
    let sig = sign::vobiz_v3(token, "https://h.example/a", n);
    let headers = vobiz_headers(Some(&sig), None, n);
    let auth = Auth::vobiz(token).public_url("https://h.example").unwrap();
    let req = Inbound::new("POST", "/a", &headers, b"");
    let e = auth.explain(&req).await;
    assert!(e.result.is_ok());
    let text = e.to_string();
    assert!(text.contains("no `x-vobiz-signature-v2` header"), "{text}");
    assert!(text.contains("matched URL https://h.example/a"), "{text}");
    // Dry run: verify still accepts the nonce once.
    assert!(auth.verify(&req).await.is_ok());

    let wrong = Inbound::new("POST", "/b", &headers, b"");
    let e = auth.explain(&wrong).await;
    let text = e.to_string();
    assert!(
        text.contains("https://h.example/b") && text.contains("https://h.example:443/b"),
        "{text}"
    );
    assert!(!text.contains(&sig), "never shows signatures: {text}");
}

#[test]
fn debug_never_shows_secrets() {
    let auths = [
        Auth::bearer("bearer-secret-1"),
        Auth::voxtelesys("user:basic-secret-2"),
        Auth::voxpria("whsec_voxpria-secret-3"),
        Auth::vobiz("vobiz-secret-4"),
        Auth::from(NonceSignature::vobiz("vobiz-secret-5").parent_token("main-secret-6")),
        Auth::twilio("twilio-secret-7"),
        Auth::api_key("x-key", "api-secret-8"),
        // The decoded key of this one is the bytes of "secret-9".
        Auth::standard_webhooks(["whsec_c2VjcmV0LTk="]),
    ];
    for a in auths {
        let s = format!("{a:?}");
        assert!(!s.contains("secret-"), "{s}");
        assert!(s.contains("[REDACTED]"), "{s}");
        assert!(
            !s.contains("c2VjcmV0LTk") && !s.contains("115, 101, 99"),
            "{s}"
        );
    }
}

#[test]
fn verify_future_is_send() {
    fn is_send<T: Send>(_: T) {}
    let auth = Auth::none();
    let headers = h(&[]);
    let req = Inbound::new("GET", "/", &headers, b"");
    is_send(auth.verify(&req));
    is_send(auth.explain(&req));
}

#[tokio::test]
async fn body_hmac_encodings() {
    let body = br#"{"event":"kyc.completed"}"#;
    let hex_sig = sign::body_hmac_hex("main-token", body);
    let bare = hex_sig.trim_start_matches("sha256=").to_string();
    let raw = hex::decode(&bare).unwrap();
    let b64 = super::codec::base64_encode(&raw);
    let cases = [
        (
            "auto prefixed",
            SignatureEncoding::Auto,
            hex_sig.as_str(),
            "ok",
        ),
        (
            "auto bare hex",
            SignatureEncoding::Auto,
            bare.as_str(),
            "ok",
        ),
        ("auto base64", SignatureEncoding::Auto, b64.as_str(), "ok"),
        (
            "hex only refuses base64",
            SignatureEncoding::Hex,
            b64.as_str(),
            "malformed_signature",
        ),
        ("base64 only", SignatureEncoding::Base64, b64.as_str(), "ok"),
        (
            "prefixed only refuses bare",
            SignatureEncoding::PrefixedHex,
            bare.as_str(),
            "malformed_signature",
        ),
        (
            "truncated hex",
            SignatureEncoding::Auto,
            &hex_sig[..41],
            "signature_mismatch",
        ),
        ("empty", SignatureEncoding::Auto, "", "malformed_signature"),
    ];
    for (name, encoding, value, want) in cases {
        let auth = Auth::from(BodyHmac::new("X-Vobiz-Signature", "main-token").encoding(encoding));
        let headers = h(&[("x-vobiz-signature", value)]);
        assert_eq!(
            kind(&verify(&auth, "POST", "/kyc", &headers, body).await),
            want,
            "{name}"
        );
    }
}

#[tokio::test]
async fn ip_allowlist_behind_trusted_proxy() {
    let auth = Auth::ip_allowlist(["203.0.113.0/24"]);
    let trusting = auth.clone().trust_proxies(["10.0.0.0/8"]).unwrap();
    let headers = h(&[("x-forwarded-for", "203.0.113.7")]);
    let cases = [
        ("direct client in range", &auth, "203.0.113.9", "ok"),
        (
            "proxy not trusted: the proxy address is checked",
            &auth,
            "10.0.0.1",
            "forbidden_address",
        ),
        (
            "trusted proxy: the forwarded client is checked",
            &trusting,
            "10.0.0.1",
            "ok",
        ),
        (
            "spoofed header from an untrusted peer",
            &trusting,
            "198.51.100.1",
            "forbidden_address",
        ),
    ];
    for (name, auth, peer, want) in cases {
        let req = Inbound::new("POST", "/", &headers, b"").with_peer(Some(peer.parse().unwrap()));
        assert_eq!(kind(&auth.verify(&req).await), want, "{name}");
    }
    let no_peer = Inbound::new("POST", "/", &headers, b"");
    assert_eq!(kind(&auth.verify(&no_peer).await), "forbidden_address");
}

#[tokio::test]
async fn nonce_store_failure_fails_closed() {
    #[derive(Debug)]
    struct Down;
    impl NonceStore for Down {
        fn record<'a>(&'a self, _: &'a str, _: std::time::Duration) -> NonceFuture<'a> {
            Box::pin(std::future::ready(Err(NonceStoreError("down"))))
        }
    }
    let n = "10101010101010101010";
    let auth = Auth::vobiz("t")
        .public_url("https://h.example")
        .unwrap()
        .nonce_store(Arc::new(Down), std::time::Duration::from_secs(600));
    let headers = vobiz_headers(
        Some(&sign::vobiz_v3("t", "https://h.example/a", n)),
        None,
        n,
    );
    let got = verify(&auth, "POST", "/a", &headers, b"").await;
    assert_eq!(kind(&got), "store_unavailable");
}
