//! Signature-header parsers and verifiers: byte 0 picks the scheme; the rest
//! is split at 0xFF into header values, the path, and the body. Headers may
//! hold any bytes a header can carry. Verify and explain must never panic.
#![no_main]

use std::cell::RefCell;
use std::sync::OnceLock;

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use voxhook_core::{Auth, Inbound};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn schemes() -> &'static [(Auth, &'static [&'static str])] {
    static S: OnceLock<Vec<(Auth, &'static [&'static str])>> = OnceLock::new();
    S.get_or_init(|| {
        let url = "https://hooks.example.com";
        vec![
            (Auth::bearer(["dev-token"]), &["authorization"][..]),
            (Auth::basic("user", "pass"), &["authorization"][..]),
            (Auth::api_key("x-api-key", ["k1", "k2"]), &["x-api-key"][..]),
            (
                Auth::voxpria([SECRET]),
                &["x-webhook-signature", "x-voxpria-signature"][..],
            ),
            (
                Auth::vobiz(["tok"]).public_url(url).expect("url"),
                &[
                    "x-vobiz-signature-v3",
                    "x-vobiz-signature-v3-nonce",
                    "x-vobiz-signature-v2",
                    "x-vobiz-signature-v2-nonce",
                ][..],
            ),
            (
                Auth::standard_webhooks([SECRET]),
                &["webhook-id", "webhook-timestamp", "webhook-signature"][..],
            ),
            (
                Auth::twilio(["12345"]).public_url(url).expect("url"),
                &["x-twilio-signature", "content-type"][..],
            ),
            (
                Auth::plivo(["tok"]).public_url(url).expect("url"),
                &[
                    "x-plivo-signature-v3",
                    "x-plivo-signature-v3-nonce",
                    "content-type",
                ][..],
            ),
        ]
    })
}

thread_local! {
    static RT: RefCell<tokio::runtime::Runtime> = RefCell::new(
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime"),
    );
}

fuzz_target!(|data: &[u8]| {
    let [selector, rest @ ..] = data else { return };
    let (auth, names) = &schemes()[*selector as usize % schemes().len()];
    let mut parts = rest.split(|b| *b == 0xFF);
    let mut headers = HeaderMap::new();
    for name in names.iter() {
        if let Some(Ok(value)) = parts.next().map(HeaderValue::from_bytes) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    let path = parts
        .next()
        .and_then(|p| std::str::from_utf8(p).ok())
        .unwrap_or("/hook");
    let body = parts.next().unwrap_or_default();
    let req = Inbound::new("POST", path, &headers, body);
    RT.with(|rt| {
        rt.borrow().block_on(async {
            let _ = auth.verify(&req).await;
            let _ = auth.explain(&req).await;
        })
    });
});
