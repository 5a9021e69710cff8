#![allow(missing_docs)] // criterion_group! generates an undocumented public fn
//! Auth verification against baselines measured in the same run: the raw
//! `hmac` + `sha2` computation on the same bytes (the limit) and, for Standard
//! Webhooks, the `standardwebhooks` crate's `Webhook::verify`.
//!
//! `cargo bench -p voxhook-core --bench auth -- --warm-up-time 1 --measurement-time 3`

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use voxhook_core::auth::sign::{self, SignRequest};
use voxhook_core::auth::{Auth, NonceSignature};
use voxhook_core::{Inbound, Provider};

const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";

/// Every verification here completes on its first poll (no resolver, memory store).
fn ready<F: Future>(f: F) -> F::Output {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("verification pending"),
    }
}

fn body(len: usize) -> Vec<u8> {
    let mut b = br#"{"event":"call.completed","data":{"callId":"call_xyz789","status":"completed","duration":127},"meta":""#.to_vec();
    b.resize(len - 2, b'x');
    b.extend_from_slice(b"\"}");
    b
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn raw_hmac(key: &[u8], parts: &[&[u8]], expected: &[u8]) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    for p in parts {
        mac.update(p);
    }
    bool::from(mac.finalize().into_bytes().ct_eq(expected))
}

fn standard_webhooks(c: &mut Criterion) {
    let mut g = c.benchmark_group("standard_webhooks");
    let key = voxhook_core::auth::Secret::standard_webhooks(SW_SECRET).unwrap();
    let auth = Auth::standard_webhooks([SW_SECRET]);
    let reference = standardwebhooks::Webhook::new(SW_SECRET).unwrap();
    for size in [400usize, 4096] {
        let body = body(size);
        let ts = now();
        let sig = sign::standard_webhooks(SW_SECRET, ID, ts, &body).unwrap();
        let ts_s = ts.to_string();
        let tag =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sig[3..]).unwrap();
        let headers = vec![
            ("webhook-id".to_string(), ID.to_string()),
            ("webhook-timestamp".to_string(), ts_s.clone()),
            ("webhook-signature".to_string(), sig.clone()),
        ];
        let mut map = http::HeaderMap::new();
        for (k, v) in &headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let label = format!("{size}B");
        g.bench_function(BenchmarkId::new("raw_hmac_sha256", &label), |b| {
            b.iter(|| {
                raw_hmac(
                    key.expose(),
                    &[ID.as_bytes(), b".", ts_s.as_bytes(), b".", black_box(&body)],
                    &tag,
                )
            })
        });
        g.bench_function(BenchmarkId::new("voxhook_verify", &label), |b| {
            b.iter(|| {
                let req = Inbound::new("POST", "/hook", &map, black_box(&body));
                ready(auth.verify(&req)).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("standardwebhooks_verify", &label), |b| {
            b.iter(|| reference.verify(black_box(&body), &map).unwrap())
        });
    }
    g.finish();
}

fn voxpria(c: &mut Criterion) {
    let mut g = c.benchmark_group("voxpria");
    let secret = "whsec_dev_voxpria_secret";
    let auth = Auth::voxpria(secret);
    for size in [400usize, 4096] {
        let body = body(size);
        let req = SignRequest::new("POST", "https://h.example/voxpria/events", &body);
        let headers = sign::for_provider(Provider::VoxPria, secret, &req).unwrap();
        let t = req.timestamp.to_string();
        let tag = hex::decode(headers[0].1.split("v1=").nth(1).unwrap()).unwrap();
        let only_ts = vec![headers[0].clone()];
        // What an HTTP adapter hands over: an `http::HeaderMap` with the
        // headers a delivery carries besides the signature.
        let mut map = http::HeaderMap::new();
        for (k, v) in [
            ("host", "127.0.0.1:3000"),
            ("content-type", "application/json"),
            ("user-agent", "VoxPria-Webhooks/1.0"),
            ("content-length", &size.to_string()),
            ("x-webhook-signature", &headers[0].1),
        ] {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let label = format!("{size}B");
        g.bench_function(BenchmarkId::new("raw_hmac_sha256", &label), |b| {
            b.iter(|| {
                raw_hmac(
                    secret.as_bytes(),
                    &[t.as_bytes(), b".", black_box(&body)],
                    &tag,
                )
            })
        });
        g.bench_function(
            BenchmarkId::new("voxhook_verify_timestamped_headermap", &label),
            |b| {
                b.iter(|| {
                    let req = Inbound::new("POST", "/voxpria/events", &map, black_box(&body));
                    ready(auth.verify(&req)).unwrap()
                })
            },
        );
        g.bench_function(
            BenchmarkId::new("voxhook_verify_timestamped", &label),
            |b| {
                b.iter(|| {
                    let req = Inbound::new("POST", "/voxpria/events", &only_ts, black_box(&body));
                    ready(auth.verify(&req)).unwrap()
                })
            },
        );
    }
    g.finish();
}

fn vobiz(c: &mut Criterion) {
    let mut g = c.benchmark_group("vobiz_v3");
    let token = "dev-vobiz-token";
    let url = "https://hooks.example.com/vobiz/answer";
    let nonce = "12345678901234567890";
    let plain = Auth::from(NonceSignature::vobiz(token).without_replay_guard())
        .public_url("https://hooks.example.com")
        .unwrap();
    let guarded = Auth::vobiz(token)
        .public_url("https://hooks.example.com")
        .unwrap();
    let sig = sign::vobiz_v3(token, url, nonce);
    let tag = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sig).unwrap();
    let headers = vec![
        ("x-vobiz-signature-v3".to_string(), sig),
        ("x-vobiz-signature-v3-nonce".to_string(), nonce.to_string()),
    ];
    g.bench_function("raw_hmac_sha256", |b| {
        b.iter(|| {
            raw_hmac(
                token.as_bytes(),
                &[url.as_bytes(), b".", nonce.as_bytes()],
                &tag,
            )
        })
    });
    g.bench_function("voxhook_verify_no_replay_guard", |b| {
        b.iter(|| {
            let req = Inbound::new("POST", "/vobiz/answer", &headers, b"CallUUID=1");
            ready(plain.verify(&req)).unwrap()
        })
    });
    let mut n: u64 = 0;
    g.bench_function("voxhook_verify_with_replay_guard", |b| {
        b.iter_batched(
            || {
                n += 1;
                let nonce = format!("{n:020}");
                vec![
                    (
                        "x-vobiz-signature-v3".to_string(),
                        sign::vobiz_v3(token, url, &nonce),
                    ),
                    ("x-vobiz-signature-v3-nonce".to_string(), nonce),
                ]
            },
            |headers| {
                let req = Inbound::new("POST", "/vobiz/answer", &headers, b"CallUUID=1");
                ready(guarded.verify(&req)).unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn credentials(c: &mut Criterion) {
    let mut g = c.benchmark_group("credentials");
    let bearer = Auth::tryvox("dev-tryvox-token");
    let basic = Auth::voxtelesys("voxtelesys:dev-password");
    let hb = vec![sign::bearer("dev-tryvox-token")];
    let hs = vec![sign::basic("voxtelesys", "dev-password")];
    g.bench_function("raw_sha256_token", |b| {
        use sha2::Digest;
        let want = Sha256::digest(b"dev-tryvox-token");
        b.iter(|| bool::from(Sha256::digest(black_box(b"dev-tryvox-token")).ct_eq(&want)))
    });
    g.bench_function("voxhook_bearer", |b| {
        b.iter(|| ready(bearer.verify(&Inbound::new("POST", "/", &hb, b""))).unwrap())
    });
    g.bench_function("voxhook_basic", |b| {
        b.iter(|| ready(basic.verify(&Inbound::new("POST", "/", &hs, b""))).unwrap())
    });
    g.finish();
}

criterion_group!(benches, standard_webhooks, voxpria, vobiz, credentials);
criterion_main!(benches);
