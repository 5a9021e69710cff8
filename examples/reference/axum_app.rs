//! The reference receiver's axum router (see `reference-receiver.md`).
//!
//! Include it next to `mod.rs` as `#[path = "reference/axum_app.rs"] mod axum_app;`
//! with `reference` in scope.
#![allow(unreachable_pub)]

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::MethodFilter;
use axum::routing::{MethodRouter, get, on};
use voxhook::Event;
use voxhook_axum::{Verified, VoxMl, VoxhookLayer, WebhookRejection, WebhookState};

use crate::reference::{self, Config, Receivers, Route};

/// The handlers' state: the configuration (demo delay, quiet).
#[derive(Clone)]
struct App {
    config: Arc<Config>,
}

// Every webhook route has a `VoxhookLayer`, so the extractors never need a
// receiver from the state.
impl FromRef<App> for WebhookState {
    fn from_ref(_: &App) -> Self {
        WebhookState::layer_only()
    }
}

/// The router serving every route of the contract with `receivers`.
pub fn router(config: Config, receivers: &Receivers) -> Router {
    let app = App {
        config: Arc::new(config),
    };
    let mut router = Router::new();
    for route in reference::ROUTES {
        router = router.route(route.path, webhook_route(route, receivers));
    }
    router
        .route(
            reference::HEALTHZ,
            get(healthz).fallback(|| method_not_allowed(reference::HEALTHZ_ALLOW)),
        )
        .fallback(not_found)
        .with_state(app)
}

fn webhook_route(route: Route, receivers: &Receivers) -> MethodRouter<App> {
    let receiver = receivers.get(route.provider).clone();
    let filter = if route.get {
        MethodFilter::POST.or(MethodFilter::GET)
    } else {
        MethodFilter::POST
    };
    let (handler, layer) = if route.mode == voxhook::pipeline::Mode::Answer {
        (on(filter, answer), VoxhookLayer::answer(receiver))
    } else {
        (on(filter, events), VoxhookLayer::events(receiver))
    };
    let allow = route.allow;
    handler
        .route_layer(layer)
        .fallback(move || method_not_allowed(allow))
}

async fn answer(State(app): State<App>, Verified(event): Verified<Event>) -> VoxMl {
    VoxMl(app.config.answer(&event).await)
}

async fn events(State(app): State<App>, Verified(event): Verified<Event>) -> StatusCode {
    app.config.event(&event);
    StatusCode::OK
}

async fn healthz() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, reference::HEALTHZ_CONTENT_TYPE)],
        reference::HEALTHZ_BODY,
    )
}

async fn not_found() -> WebhookRejection {
    WebhookRejection(reference::not_found())
}

async fn method_not_allowed(allow: &'static str) -> WebhookRejection {
    WebhookRejection(reference::method_not_allowed(allow))
}
