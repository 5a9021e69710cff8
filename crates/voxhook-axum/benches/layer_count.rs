//! Deliveries through the axum routers of `layer.rs`, for counting
//! instructions instead of timing them (shared machines are too noisy for
//! sub-microsecond differences):
//!
//! ```text
//! cargo bench -p voxhook-axum --bench layer_count --no-run
//! for route in bare voxhook; do
//!   LAYER_COUNT=$route valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$route \
//!     --toggle-collect='layer_count::deliver_counted' target/release/deps/layer_count-<hash>
//! done
//! ```
//!
//! `deliver_counted` sends `ROUNDS` distinct, freshly signed VoxPria events
//! (signed before, outside the counted function) to the bare route
//! (`LAYER_COUNT=bare`) or to the route behind `VoxhookLayer`; the difference
//! of the two totals divided by `ROUNDS` is what the middleware adds per
//! delivery, in instructions. Run without valgrind it only checks that every
//! delivery is answered 200.

#![allow(missing_docs)]

use std::hint::black_box;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use tower::ServiceExt;
use voxhook_axum::{Verified, VoxhookLayer};
use voxhook_core::auth::Auth;
use voxhook_core::auth::sign::{self, SignRequest};
use voxhook_core::pipeline::Receiver;
use voxhook_core::{Event, Provider};

const SECRET: &str = "whsec_dev_voxpria_secret";
const PATH: &str = "/voxpria/events";
const ROUNDS: u64 = 2_000;

fn signed(n: u64) -> Request<Body> {
    let body = format!(
        r#"{{"event":"call.ended","timestamp":"2025-02-02T14:30:00Z","data":{{"call_id":"call_{n:012}","campaign_id":"camp_xyz789","contact_id":"cont_def456","phone_number":"+15551234567","status":"answered","duration":127,"recording_url":"https://recordings.example.com/r/{n}.mp3","transcript":"Caller confirmed the appointment for next week.","variables":{{"appointment_confirmed":true,"appointment_date":"2025-02-10"}}}}}}"#
    )
    .into_bytes();
    let url = format!("http://127.0.0.1:3000{PATH}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let headers = sign::for_provider(
        Provider::VoxPria,
        SECRET,
        &SignRequest::new("POST", &url, &body).timestamp(now),
    )
    .expect("sign");
    let mut req = Request::post(PATH)
        .header("host", "127.0.0.1:3000")
        .header("content-type", "application/json")
        .header("user-agent", "wrk");
    for (name, value) in headers {
        if name == "x-webhook-signature" {
            req = req.header(name, value);
        }
    }
    req.body(Body::from(body)).expect("request")
}

async fn bare(body: Bytes) -> StatusCode {
    black_box(body);
    StatusCode::OK
}

async fn events(Verified(event): Verified<Event>) -> StatusCode {
    black_box(event);
    StatusCode::OK
}

#[inline(never)]
fn deliver_counted(rt: &tokio::runtime::Runtime, app: &Router, reqs: Vec<Request<Body>>) {
    deliver(rt, app, reqs);
}

fn deliver(rt: &tokio::runtime::Runtime, app: &Router, reqs: Vec<Request<Body>>) {
    for req in reqs {
        let status = rt.block_on(async { app.clone().oneshot(req).await.map(|r| r.status()) });
        assert_eq!(status, Ok(StatusCode::OK));
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let receiver = Receiver::builder(Provider::VoxPria)
        .auth(Auth::voxpria([SECRET]))
        .build()
        .expect("receiver");
    let bare_app = Router::new().route(PATH, post(bare));
    let voxhook_app = Router::new().route(
        PATH,
        post(events).route_layer(VoxhookLayer::events(receiver)),
    );
    let app = match std::env::var("LAYER_COUNT").as_deref() {
        Ok("bare") => bare_app,
        _ => voxhook_app,
    };
    // A warm-up round, so one-time initialisation is not counted.
    deliver(&rt, &app, (0..100).map(signed).collect());
    deliver_counted(&rt, &app, (1_000..1_000 + ROUNDS).map(signed).collect());
}
