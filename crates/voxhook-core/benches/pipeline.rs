//! The whole core pipeline (verify + decode + claim + trivial handler +
//! settle) against its own floor measured in the same run: verify + decode
//! alone, over the same distinct, freshly signed ~400 B VoxPria events.

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use voxhook_core::auth::Auth;
use voxhook_core::auth::sign::{self, SignRequest};
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::pipeline::{Admission, Mode, Outcome, Receiver};
use voxhook_core::{Inbound, Provider, dialect};

const SECRET: &str = "whsec_dev_voxpria_secret";

struct Signed {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn signed(n: u64) -> Signed {
    let body = format!(
        r#"{{"event":"call.ended","timestamp":"2025-02-02T14:30:00Z","data":{{"call_id":"call_{n:012}","campaign_id":"camp_xyz789","contact_id":"cont_def456","phone_number":"+15551234567","status":"answered","duration":127,"recording_url":"https://recordings.example.com/r/{n}.mp3","transcript":"Caller confirmed the appointment for next week.","variables":{{"appointment_confirmed":true,"appointment_date":"2025-02-10"}}}}}}"#
    )
    .into_bytes();
    let url = "http://127.0.0.1:3000/voxpria/events";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let mut headers = sign::for_provider(
        Provider::VoxPria,
        SECRET,
        &SignRequest::new("POST", url, &body).timestamp(now),
    )
    .expect("sign");
    // Only the timestamped header: one HMAC per request, like the load test.
    headers.retain(|(name, _)| name == "x-webhook-signature");
    headers.push(("content-type".into(), "application/json".into()));
    Signed { headers, body }
}

fn pipeline(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let auth = Auth::voxpria([SECRET]);
    let receiver = Receiver::builder(Provider::VoxPria)
        .auth(auth.clone())
        .build()
        .expect("receiver");
    let mut n = 0u64;
    let mut group = c.benchmark_group("pipeline_voxpria_400B");

    group.bench_function("baseline_verify_decode", |b| {
        b.iter_batched(
            || {
                n += 1;
                signed(n)
            },
            |s| {
                let req = Inbound::new("POST", "/voxpria/events", &s.headers, &s.body);
                rt.block_on(async {
                    let v = auth.verify(&req).await.expect("verifies");
                    let e = dialect::decode(Provider::VoxPria, &req).expect("decodes");
                    black_box((v, e))
                })
            },
            BatchSize::SmallInput,
        )
    });

    group.bench_function("admit_run_settle", |b| {
        b.iter_batched(
            || {
                n += 1;
                signed(n)
            },
            |s| {
                let req = Inbound::new("POST", "/voxpria/events", &s.headers, &s.body);
                rt.block_on(async {
                    match receiver.admit(Mode::Events, &req, receiver.start()).await {
                        Admission::Run(d) => {
                            let event = d.event;
                            black_box(&event);
                            d.ticket
                                .run(async { Outcome::Answer(StoredAnswer::ack()) })
                                .await
                        }
                        Admission::Respond(r) => panic!("unexpected {r:?}"),
                    }
                })
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
