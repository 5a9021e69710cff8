//! Deliveries through an actix-web app, for counting instructions instead
//! of timing them (the actix twin of voxhook-axum's `layer_count`):
//!
//! ```text
//! cargo bench -p voxhook-actix --bench middleware_count --no-run
//! for route in bare voxhook; do
//!   MIDDLEWARE_COUNT=$route valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$route \
//!     --toggle-collect='middleware_count::deliver_counted::*' target/release/deps/middleware_count-<hash>
//! done
//! ```
//!
//! `deliver_counted` sends `ROUNDS` distinct, freshly signed VoxPria events
//! (signed before, outside the counted function) to a bare route that reads
//! the body and answers 200 (`MIDDLEWARE_COUNT=bare`) or to the same route
//! behind `VoxhookMiddleware`; the difference of the two totals divided by
//! `ROUNDS` is what the middleware adds per delivery, in instructions.

#![allow(missing_docs)]

use std::hint::black_box;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, web};
use bytes::Bytes;
use voxhook_actix::{Verified, VoxhookMiddleware};
use voxhook_core::auth::Auth;
use voxhook_core::auth::sign::{self, SignRequest};
use voxhook_core::pipeline::Receiver;
use voxhook_core::{Event, Provider};

const SECRET: &str = "whsec_dev_voxpria_secret";
const PATH: &str = "/voxpria/events";
const ROUNDS: u64 = 2_000;

fn signed(n: u64) -> actix_http::Request {
    let body = format!(
        r#"{{"event":"call.ended","timestamp":"2025-02-02T14:30:00Z","data":{{"call_id":"call_{n:012}","campaign_id":"camp_xyz789","contact_id":"cont_def456","phone_number":"+15551234567","status":"answered","duration":127,"recording_url":"https://recordings.example.com/r/{n}.mp3","transcript":"Caller confirmed the appointment for next week.","variables":{{"appointment_confirmed":true,"appointment_date":"2025-02-10"}}}}}}"#
    );
    let url = format!("http://127.0.0.1:3000{PATH}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let headers = sign::for_provider(
        Provider::VoxPria,
        SECRET,
        &SignRequest::new("POST", &url, body.as_bytes()).timestamp(now),
    )
    .expect("sign");
    let mut req = TestRequest::post()
        .uri(PATH)
        .insert_header(("host", "127.0.0.1:3000"))
        .insert_header(("content-type", "application/json"))
        .insert_header(("user-agent", "wrk"));
    for (name, value) in headers {
        if name == "x-webhook-signature" {
            req = req.insert_header((name, value));
        }
    }
    req.set_payload(body).to_request()
}

async fn bare(body: Bytes) -> HttpResponse {
    black_box(body);
    HttpResponse::Ok().finish()
}

async fn events(Verified(event): Verified<Event>) -> HttpResponse {
    black_box(event);
    HttpResponse::Ok().finish()
}

/// The counted deliveries (the warm-up goes through [`warm_up`], so only
/// these are inside this function).
async fn deliver_counted<S, B>(app: &S, reqs: Vec<actix_http::Request>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    for req in reqs {
        let status = app.call(req).await.map(|r| r.status());
        assert_eq!(status.ok(), Some(StatusCode::OK));
    }
}

async fn warm_up<S, B>(app: &S, reqs: Vec<actix_http::Request>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    for req in reqs {
        let ok = app
            .call(req)
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK);
        assert!(ok, "warm-up delivery not answered 200");
    }
}

#[actix_web::main]
async fn main() {
    let receiver = Receiver::builder(Provider::VoxPria)
        .auth(Auth::voxpria([SECRET]))
        .build()
        .expect("receiver");
    let warm: Vec<_> = (0..100).map(signed).collect();
    let counted: Vec<_> = (1_000..1_000 + ROUNDS).map(signed).collect();
    if std::env::var("MIDDLEWARE_COUNT").as_deref() == Ok("bare") {
        let app = test::init_service(App::new().route(PATH, web::post().to(bare))).await;
        warm_up(&app, warm).await;
        deliver_counted(&app, counted).await;
    } else {
        let app = test::init_service(
            App::new().service(
                web::resource(PATH)
                    .wrap(VoxhookMiddleware::events(receiver))
                    .route(web::post().to(events)),
            ),
        )
        .await;
        warm_up(&app, warm).await;
        deliver_counted(&app, counted).await;
    }
}
