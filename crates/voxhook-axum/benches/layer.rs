//! The axum middleware in process, without sockets: a bare route that reads
//! the body and answers 200 against the same route behind `VoxhookLayer`
//! (VoxPria `t=,v1=` HMAC, JSON decode, in-memory dedup, a handler taking
//! `Verified<Event>`), over distinct, freshly signed ~400 B events. The
//! difference is the CPU the middleware adds per delivery.

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

#[path = "support/routes.rs"]
mod routes;

use std::hint::black_box;

use axum::http::StatusCode;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tower::ServiceExt;

use routes::{routers, signed};

fn layer(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let (bare_app, voxhook_app) = routers();
    let mut n = 0u64;
    let mut group = c.benchmark_group("axum_voxpria_400B");
    for (name, app) in [("bare", bare_app), ("voxhook", voxhook_app)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    n += 1;
                    signed(n)
                },
                |req| {
                    rt.block_on(async {
                        let response = app.clone().oneshot(req).await.expect("infallible");
                        assert_eq!(response.status(), StatusCode::OK);
                        black_box(response)
                    })
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, layer);
criterion_main!(benches);
