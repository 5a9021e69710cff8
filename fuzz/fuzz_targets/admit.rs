//! The whole core admit phase on an arbitrary request: byte 0 picks the
//! provider and the method, byte 1 the content type; the rest is split at
//! 0xFF into the path and the body. Fresh deliveries run a trivial handler and
//! settle. Nothing may panic.
#![no_main]

use std::cell::RefCell;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use voxhook_core::dedup::StoredAnswer;
use voxhook_core::pipeline::{Admission, Mode, Outcome, Receiver};
use voxhook_core::{Auth, Inbound, Provider};

fn receivers() -> &'static [Receiver] {
    static R: OnceLock<Vec<Receiver>> = OnceLock::new();
    R.get_or_init(|| {
        Provider::ALL
            .iter()
            .map(|p| {
                Receiver::builder(*p)
                    .auth(Auth::none())
                    .body_limit(64 * 1024)
                    .build()
                    .expect("receiver")
            })
            .collect()
    })
}

thread_local! {
    static RT: RefCell<tokio::runtime::Runtime> = RefCell::new(
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime"),
    );
}

const TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/xml",
    "application/json; charset=utf-8",
    "",
];

fuzz_target!(|data: &[u8]| {
    let [sel, ct, rest @ ..] = data else { return };
    let receiver = &receivers()[*sel as usize % 4];
    let method = if sel & 0x80 != 0 { "GET" } else { "POST" };
    let mode = if sel & 0x40 != 0 {
        Mode::Answer
    } else {
        Mode::Events
    };
    let mut parts = rest.splitn(2, |b| *b == 0xFF);
    let target = parts
        .next()
        .and_then(|p| std::str::from_utf8(p).ok())
        .filter(|t| t.starts_with('/'))
        .unwrap_or("/hook");
    let body = parts.next().unwrap_or_default();
    let headers = [("content-type", TYPES[*ct as usize % TYPES.len()])];
    let req = Inbound::new(method, target, &headers, body);
    RT.with(|rt| {
        rt.borrow().block_on(async {
            match receiver.admit(mode, &req, receiver.start()).await {
                Admission::Run(d) => {
                    let _ = serde_json::to_vec(&d.event).expect("serializes");
                    let reply = d
                        .ticket
                        .run(async { Outcome::Answer(StoredAnswer::ack()) })
                        .await;
                    assert_eq!(reply.status(), 200);
                }
                Admission::Respond(reply) => {
                    let _ = reply.into_http_response();
                }
            }
        })
    });
});
