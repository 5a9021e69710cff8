//! The actix baseline of the load benchmark: a bare actix-web route that
//! reads the body and answers 200, on the same server settings as the actix
//! reference receiver (one worker per CPU it may use: one under `taskset -c 0`).
//!
//! Run with `benches/load/run.sh` (address from `VOXHOOK_ADDR`).

use actix_web::{App, HttpResponse, HttpServer, web};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("VOXHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3001".to_owned());
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(|| {
            App::new()
                .route(
                    "/voxpria/events",
                    web::post().to(|body: web::Bytes| async move {
                        std::hint::black_box(body);
                        HttpResponse::Ok().finish()
                    }),
                )
                .route("/healthz", web::get().to(|| async { "ok" }))
        })
        .bind(addr)?
        .run()
        .await
    })
}
