//! Property tests: sign-then-verify round trips with random keys, bodies and
//! URLs, and verification that never panics on arbitrary header values.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use proptest::prelude::*;

use super::sign::{self, SignRequest};
use super::*;
use crate::event::Provider;
use crate::request::Inbound;

/// Polls a verification that completes without waiting (no resolver, memory
/// nonce store), so proptest cases need no runtime.
fn now<F: Future>(f: F) -> F::Output {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("verification unexpectedly pending"),
    }
}

fn secret() -> impl Strategy<Value = String> {
    "[!-~]{1,64}"
}

fn path() -> impl Strategy<Value = String> {
    "(/[a-zA-Z0-9._~-]{0,12}){1,4}"
}

fn query() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        "[a-zA-Z0-9]{1,6}=[a-zA-Z0-9%+]{0,8}(&[a-zA-Z0-9]{1,6}=[a-zA-Z0-9]{0,8}){0,3}",
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_provider_round_trips(
        token in secret(),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        path in path(),
        query in query(),
        host in "[a-z]{1,10}\\.example",
        https in any::<bool>(),
        nonce in "[0-9]{20}",
    ) {
        let base = format!("{}://{host}", if https { "https" } else { "http" });
        let target = match &query { Some(q) => format!("{path}?{q}"), None => path.clone() };
        let url = format!("{base}{target}");
        let basic = format!("user:{token}");
        let cases = [
            (Provider::TryVox, token.as_str(), Auth::tryvox(token.as_str())),
            (Provider::Voxtelesys, basic.as_str(), Auth::voxtelesys(&basic)),
            (Provider::VoxPria, token.as_str(), Auth::voxpria(token.as_str())),
            (Provider::Vobiz, token.as_str(), Auth::vobiz(token.as_str()).public_url(&base).unwrap()),
        ];
        for (provider, secret, auth) in cases {
            let req = SignRequest::new("POST", &url, &body).nonce(nonce.as_str());
            let headers = sign::for_provider(provider, secret, &req).unwrap();
            let inbound = Inbound::new("POST", &target, &headers, &body);
            let got = now(auth.verify(&inbound));
            prop_assert!(got.is_ok(), "{provider}: {got:?}");
            let mut tampered = body.clone();
            tampered.push(b'!');
            let inbound = Inbound::new("POST", &target, &headers, &tampered);
            let got = now(auth.verify(&inbound));
            if matches!(provider, Provider::VoxPria) {
                prop_assert!(got.is_err(), "{provider}: a changed body must fail");
            }
        }
    }

    #[test]
    fn twilio_and_plivo_round_trip(
        token in secret(),
        path in path(),
        query in query(),
        form in proptest::collection::vec(("[A-Za-z]{1,8}", "[ -~]{0,12}"), 0..6),
        nonce in "[0-9]{20}",
    ) {
        let target = match &query { Some(q) => format!("{path}?{q}"), None => path.clone() };
        let url = format!("https://hooks.example{target}");
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        let ct = ("content-type".to_string(), "application/x-www-form-urlencoded".to_string());

        let twilio = Auth::twilio(token.as_str()).public_url("https://hooks.example").unwrap();
        let headers = vec![("x-twilio-signature".to_string(), sign::twilio(&token, &url, Some(body.as_bytes()))), ct.clone()];
        let got = now(twilio.verify(&Inbound::new("POST", &target, &headers, body.as_bytes())));
        prop_assert!(got.is_ok(), "twilio: {got:?}");

        let plivo = Auth::plivo(token.as_str()).public_url("https://hooks.example").unwrap();
        let req = SignRequest::new("POST", &url, body.as_bytes()).nonce(nonce.as_str());
        let headers = vec![
            ("x-plivo-signature-v3".to_string(), sign::plivo_v3(&token, &req, true)),
            ("x-plivo-signature-v3-nonce".to_string(), nonce.clone()),
            ct,
        ];
        let got = now(plivo.verify(&Inbound::new("POST", &target, &headers, body.as_bytes())));
        prop_assert!(got.is_ok(), "plivo v3: {got:?}");
    }

    #[test]
    fn standard_webhooks_round_trip(
        key in proptest::collection::vec(any::<u8>(), 24..64),
        id in "msg_[A-Za-z0-9]{1,30}",
        body in proptest::collection::vec(any::<u8>(), 0..512),
        ts in 1_000_000_000i64..4_000_000_000,
    ) {
        let secret = format!("whsec_{}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &key));
        let auth = Auth::standard_webhooks([secret.as_str()]).clock(ManualClock::shared(ts));
        let req = SignRequest::new("POST", "https://x.example/h", &body).timestamp(ts);
        let headers = sign::standard_webhooks_headers(&secret, &id, &req).unwrap();
        let got = now(auth.verify(&Inbound::new("POST", "/h", &headers, &body)));
        prop_assert_eq!(got.map(|v| v.delivery_id), Ok(Some(id)));
    }

    #[test]
    fn arbitrary_headers_never_panic(
        values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 12),
        target in "[ -~]{0,40}",
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let names = [
            "authorization", "x-api-key", "x-webhook-signature", "x-voxpria-signature",
            "x-vobiz-signature-v3", "x-vobiz-signature-v3-nonce", "x-vobiz-signature-v2",
            "webhook-signature", "webhook-id", "webhook-timestamp", "x-twilio-signature", "host",
        ];
        let mut map = http::HeaderMap::new();
        for (name, v) in names.iter().zip(&values) {
            if let Ok(v) = http::HeaderValue::from_bytes(v) {
                map.append(*name, v);
            }
        }
        let auth = Auth::any([
            Auth::bearer("t"),
            Auth::voxtelesys("u:p"),
            Auth::api_key("x-api-key", "k"),
            Auth::voxpria("s"),
            Auth::vobiz("t"),
            Auth::plivo("t"),
            Auth::twilio("t"),
            Auth::standard_webhooks(["whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"]),
            Auth::ip_allowlist(["10.0.0.0/8"]),
        ]);
        let req = Inbound::new("POST", &target, &map, &body);
        let got = now(auth.verify(&req));
        prop_assert!(got.is_err());
        let _ = now(auth.explain(&req)).to_string();
    }
}
