//! What a rejected request costs the server: CPU time per request of the
//! reference receivers (axum and actix, in this process) for a flood of bad
//! signatures and bad tokens, against valid deliveries and `GET /healthz`
//! as baselines. Linux only (reads `/proc`).
//!
//! `taskset -c 0 cargo run --release --example reject_cost [requests]`
//!
//! The server's CPU time is the process's minus the client thread's, so the
//! figures include HTTP parsing and writing, not the client's work.

#[path = "reference/actix_app.rs"]
mod actix_app;
#[path = "../tests/actix_support/mod.rs"]
mod actix_support;
#[path = "reference/axum_app.rs"]
mod axum_app;
#[path = "../tests/hostile_support/mod.rs"]
mod hostile_support;
#[path = "reference/mod.rs"]
mod reference;

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use voxhook::Provider;
use voxhook::auth::sign::{self, SignRequest};

const CONNECTIONS: usize = 4;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    println!("requests per scenario: {n}, over {CONNECTIONS} keep-alive connections");
    println!("framework | scenario | status | server CPU per request (µs) | wall (s)");
    for fw in hostile_support::Framework::BOTH {
        let framework = fw.name();
        let (config, store) = hostile_support::config(None, Duration::ZERO);
        let addr = hostile_support::start(fw, config.clone(), store).addr;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        for scenario in SCENARIOS {
            let requests: Vec<Vec<u8>> = (0..n)
                .map(|i| request(&config, scenario, framework, i))
                .collect();
            let (cpu, wall, status) = rt.block_on(flood(addr, requests));
            println!(
                "{framework} | {} | {status} | {:.1} | {:.2}",
                scenario.name(),
                cpu.as_secs_f64() * 1e6 / n as f64,
                wall.as_secs_f64()
            );
        }
    }
}

#[derive(Clone, Copy)]
enum Scenario {
    Healthz,
    BadHmac,
    BadBearer,
    Valid,
}

const SCENARIOS: [Scenario; 4] = [
    Scenario::Healthz,
    Scenario::BadHmac,
    Scenario::BadBearer,
    Scenario::Valid,
];

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Healthz => "GET /healthz (baseline)",
            Scenario::BadHmac => "VoxPria, wrong HMAC secret",
            Scenario::BadBearer => "TryVox, wrong bearer token",
            Scenario::Valid => "VoxPria, valid, distinct events (handled)",
        }
    }
}

fn request(config: &reference::Config, scenario: Scenario, framework: &str, i: usize) -> Vec<u8> {
    let (path, provider, secret) = match scenario {
        Scenario::Healthz => {
            return b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n".to_vec();
        }
        Scenario::BadHmac => ("/voxpria/events", Provider::VoxPria, "whsec_attacker"),
        Scenario::BadBearer => ("/tryvox/events", Provider::TryVox, "attacker-token"),
        Scenario::Valid => (
            "/voxpria/events",
            Provider::VoxPria,
            config.voxpria_secret.as_str(),
        ),
    };
    let body = format!(
        r#"{{"event":"call.completed","call_id":"{framework}-{i}","from":"+15550001111","to":"+15550002222","status":"completed","duration":12}}"#
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let url = format!("{}{path}", config.public_url);
    let signing = SignRequest::new("POST", &url, body.as_bytes()).timestamp(now);
    let headers = sign::for_provider(provider, secret, &signing).expect("signing");
    let mut out = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

/// Sends every request (sequentially per connection) and reads each answer;
/// returns the server's CPU time, the wall time and the statuses seen.
async fn flood(addr: SocketAddr, requests: Vec<Vec<u8>>) -> (Duration, Duration, String) {
    let mut lanes: Vec<Vec<Vec<u8>>> = vec![Vec::new(); CONNECTIONS];
    for (i, r) in requests.into_iter().enumerate() {
        lanes[i % CONNECTIONS].push(r);
    }
    let (process0, client0) = (process_cpu(), thread_cpu());
    let started = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|lane| tokio::spawn(lane_run(addr, lane)))
        .collect();
    let mut statuses = std::collections::BTreeSet::new();
    for t in tasks {
        statuses.extend(t.await.expect("lane"));
    }
    let wall = started.elapsed();
    let server = (process_cpu() - process0).saturating_sub(thread_cpu() - client0);
    (server, wall, format!("{statuses:?}"))
}

async fn lane_run(addr: SocketAddr, lane: Vec<Vec<u8>>) -> Vec<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut statuses = Vec::new();
    let mut buf = Vec::new();
    for req in lane {
        stream.write_all(&req).await.expect("write");
        let (status, used) = loop {
            if let Some(done) = parse(&buf) {
                break done;
            }
            let mut chunk = [0_u8; 8192];
            let n = stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "the server closed the connection");
            buf.extend_from_slice(&chunk[..n]);
        };
        buf.drain(..used);
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    statuses
}

/// A whole response at the start of `buf`: its status and length.
fn parse(buf: &[u8]) -> Option<(u16, usize)> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let status = head.get(9..12)?.parse().ok()?;
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    (buf.len() >= end + len).then_some((status, end + len))
}

/// CPU time (user + system) from a `/proc/.../stat` file.
fn cpu_of(path: &str) -> Duration {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // Fields after the command name (which may hold spaces), 1-based from field 3.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    // The kernel's USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

fn process_cpu() -> Duration {
    cpu_of("/proc/self/stat")
}

fn thread_cpu() -> Duration {
    cpu_of("/proc/thread-self/stat")
}
