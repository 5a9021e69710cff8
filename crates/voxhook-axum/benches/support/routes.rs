//! What `layer.rs` and `layer_count.rs` share: the signed deliveries, the
//! bare route and the route behind `VoxhookLayer`.

use std::hint::black_box;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use voxhook_axum::{Verified, VoxhookLayer};
use voxhook_core::auth::Auth;
use voxhook_core::auth::sign::{self, SignRequest};
use voxhook_core::pipeline::Receiver;
use voxhook_core::{Event, Provider};

const SECRET: &str = "whsec_dev_voxpria_secret";
const PATH: &str = "/voxpria/events";

pub(crate) fn signed(n: u64) -> Request<Body> {
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

/// The bare route (reads the body, answers 200) and the same route behind
/// `VoxhookLayer` (VoxPria HMAC, in-memory dedup, `Verified<Event>`).
pub(crate) fn routers() -> (Router, Router) {
    let receiver = Receiver::builder(Provider::VoxPria)
        .auth(Auth::voxpria([SECRET]))
        .build()
        .expect("receiver");
    let bare_app = Router::new().route(PATH, post(bare));
    let voxhook_app = Router::new().route(
        PATH,
        post(events).route_layer(VoxhookLayer::events(receiver)),
    );
    (bare_app, voxhook_app)
}
