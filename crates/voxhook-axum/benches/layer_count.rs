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

#[path = "support/routes.rs"]
mod routes;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use routes::{routers, signed};

const ROUNDS: u64 = 2_000;

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
    let (bare_app, voxhook_app) = routers();
    let app = match std::env::var("LAYER_COUNT").as_deref() {
        Ok("bare") => bare_app,
        _ => voxhook_app,
    };
    // A warm-up round, so one-time initialisation is not counted.
    deliver(&rt, &app, (0..100).map(signed).collect());
    deliver_counted(&rt, &app, (1_000..1_000 + ROUNDS).map(signed).collect());
}
