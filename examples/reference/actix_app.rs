//! The reference receiver's actix-web app (see `reference-receiver.md`).
//!
//! Include it next to `mod.rs` as `#[path = "reference/actix_app.rs"] mod actix_app;`
//! with `reference` in scope.

use std::sync::Arc;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, ResponseError, guard, web};
use voxhook::Event;
use voxhook::pipeline::Mode;
use voxhook_actix::{Verified, VoxMl, VoxhookMiddleware, WebhookRejection};

use crate::reference::{self, Config, Receivers, Route};

/// Registers every route of the contract with `receivers` (and the 404 for
/// every other path): `App::new().configure(actix_app::configure(config, &receivers))`.
pub(crate) fn configure(
    config: Config,
    receivers: &Receivers,
) -> impl FnOnce(&mut web::ServiceConfig) {
    let config = web::Data::from(Arc::new(config));
    let receivers = receivers.clone();
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(config);
        for route in reference::ROUTES {
            cfg.service(webhook_route(route, &receivers));
        }
        cfg.service(
            web::resource(reference::HEALTHZ)
                .route(web::route().guard(get_or_head()).to(healthz))
                .default_service(web::to(|| method_not_allowed(reference::HEALTHZ_ALLOW))),
        )
        .default_service(web::to(not_found));
    }
}

fn webhook_route(route: Route, receivers: &Receivers) -> actix_web::Resource {
    let receiver = receivers.get(route.provider).clone();
    let methods = if route.get {
        guard::Any(guard::Post()).or(get_or_head())
    } else {
        guard::Any(guard::Post())
    };
    // The middleware wraps the route, not the resource: a wrong method is
    // answered 405 before voxhook reads anything.
    let handler = if route.mode == Mode::Answer {
        web::route()
            .guard(methods)
            .to(answer)
            .wrap(VoxhookMiddleware::answer(receiver))
    } else {
        web::route()
            .guard(methods)
            .to(events)
            .wrap(VoxhookMiddleware::events(receiver))
    };
    let allow = route.allow;
    web::resource(route.path)
        .route(handler)
        .default_service(web::to(move || method_not_allowed(allow)))
}

/// `GET` implies `HEAD`, as on axum.
fn get_or_head() -> guard::AnyGuard {
    guard::Any(guard::Get()).or(guard::Head())
}

async fn answer(config: web::Data<Config>, Verified(event): Verified<Event>) -> VoxMl {
    VoxMl(config.answer(&event).await)
}

async fn events(config: web::Data<Config>, Verified(event): Verified<Event>) -> HttpResponse {
    config.event(&event);
    HttpResponse::Ok().finish()
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, reference::HEALTHZ_CONTENT_TYPE))
        .body(reference::HEALTHZ_BODY)
}

async fn not_found() -> HttpResponse {
    WebhookRejection(reference::not_found()).error_response()
}

async fn method_not_allowed(allow: &'static str) -> HttpResponse {
    WebhookRejection(reference::method_not_allowed(allow)).error_response()
}
