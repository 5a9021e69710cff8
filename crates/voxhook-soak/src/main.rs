//! `voxhook-soak`: drive a real voxhook receiver at a steady rate and
//! reconcile exactly. See the library docs for the rules.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use voxhook_soak::{Config, StoreKind, plan::Shares};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Store {
    Memory,
    Redis,
}

/// Soak a voxhook receiver with duplicates, failures, late handlers, retries
/// and Redis faults; exit 1 if the reconciliation finds anything wrong.
#[derive(Debug, Parser)]
#[command(name = "voxhook-soak", version)]
struct Args {
    /// Deliveries (first attempts) per second.
    #[arg(long, default_value_t = 400)]
    rate: u32,
    /// How long to send (e.g. 10m, 30s).
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// The dedup store.
    #[arg(long, value_enum, default_value_t = Store::Memory)]
    store: Store,
    /// Use this Redis instead of starting one (no faults then).
    #[arg(long)]
    redis_url: Option<String>,
    /// Kill the Redis the harness started every N seconds (SIGKILL) and restart it.
    #[arg(long)]
    kill_redis_every: Option<u64>,
    /// Seconds Redis stays down after each kill.
    #[arg(long, default_value_t = 5)]
    redis_down_for: u64,
    /// The memory store's entry cap.
    #[arg(long, default_value_t = 100_000)]
    memory_cap: usize,
    /// Share of deliveries that re-send an earlier event.
    #[arg(long, default_value_t = 0.20)]
    duplicates: f64,
    /// Share of events whose handler fails on its first run.
    #[arg(long, default_value_t = 0.01)]
    fail: f64,
    /// Share of events whose handler is late on its first run.
    #[arg(long, default_value_t = 0.01)]
    late: f64,
    /// Share of events sent to the answer route.
    #[arg(long, default_value_t = 0.20)]
    answer_share: f64,
    /// Simulated work per handler run, in milliseconds.
    #[arg(long, default_value_t = 10)]
    work_ms: u64,
    /// The routes' budget in milliseconds (default: the providers', 4500).
    #[arg(long)]
    budget_ms: Option<u64>,
    /// Attempts per delivery before giving up.
    #[arg(long, default_value_t = 12)]
    max_attempts: u32,
    /// Requests the client keeps open at most (attempts past it wait).
    #[arg(long, default_value_t = 512)]
    max_in_flight: usize,
    /// Seed of the deterministic plan.
    #[arg(long, default_value_t = 0x5eed)]
    seed: u64,
}

fn basis_points(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * 10_000.0).round() as u32
}

fn config(args: &Args) -> Config {
    let store = match args.store {
        Store::Memory => StoreKind::Memory {
            cap: args.memory_cap,
        },
        Store::Redis => StoreKind::Redis {
            url: args.redis_url.clone(),
            kill_every: args.kill_redis_every.map(Duration::from_secs),
            down_for: Duration::from_secs(args.redis_down_for),
        },
    };
    let mut config = Config::new(args.rate, args.duration, store);
    config.shares = Shares {
        duplicate: basis_points(args.duplicates),
        fail: basis_points(args.fail),
        late: basis_points(args.late),
        answer: basis_points(args.answer_share),
    };
    config.work = Duration::from_millis(args.work_ms);
    config.budget = args.budget_ms.map(Duration::from_millis);
    config.max_attempts = args.max_attempts;
    config.seed = args.seed;
    config.max_in_flight = args.max_in_flight;
    config
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Ctrl-C stops sending; what was sent is still reconciled and reported,
    // and the Redis the harness started is stopped.
    let stop = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    match voxhook_soak::run_until(config(&args), stop).await {
        Ok(report) => {
            print!("{report}");
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("voxhook-soak: {e:#}");
            ExitCode::from(2)
        }
    }
}
