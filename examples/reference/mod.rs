//! The framework-free part of the reference receiver, shared by
//! `examples/axum_receiver.rs` and `examples/actix_receiver.rs` (and the
//! tests that exercise their routers): configuration from the environment
//! with built-in development defaults, the four receivers, the route table,
//! the answer documents, the stdout line, and the shutdown signal.
//!
//! The contract is `reference-receiver.md`: both receivers must behave the
//! same byte for byte, so everything that is not framework glue lives here.
#![allow(dead_code, unreachable_pub)] // each includer uses a different part; crate-private

use std::fmt;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use voxhook::auth::Auth;
use voxhook::dedup::DedupStore;
use voxhook::pipeline::{Mode, Receiver};
use voxhook::{ConfigError, Event, Provider, Rejection, voxml};

/// How long a graceful shutdown may take: in-flight and background handlers.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Default of `VOXHOOK_ADDR`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// Default of `TRYVOX_TOKEN`.
pub const DEFAULT_TRYVOX_TOKEN: &str = "dev-tryvox-token";
/// Default of `VOXTELESYS_BASIC`.
pub const DEFAULT_VOXTELESYS_BASIC: &str = "voxtelesys:dev-password";
/// Default of `VOXPRIA_SECRET`.
pub const DEFAULT_VOXPRIA_SECRET: &str = "whsec_dev_voxpria_secret";
/// Default of `VOBIZ_AUTH_TOKEN`.
pub const DEFAULT_VOBIZ_AUTH_TOKEN: &str = "dev-vobiz-token";

/// One route of the reference receiver.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The path.
    pub path: &'static str,
    /// The `Allow` header of its 405 (the methods it serves; `GET` implies `HEAD`).
    pub allow: &'static str,
    /// Whether it also serves `GET` (query-string callbacks).
    pub get: bool,
    /// Answer or events.
    pub mode: Mode,
    /// The provider whose receiver serves it.
    pub provider: Provider,
}

const POST: &str = "POST";
const GET_HEAD_POST: &str = "GET, HEAD, POST";

/// Every webhook route, as in the contract.
pub const ROUTES: [Route; 7] = [
    Route {
        path: "/tryvox/answer",
        allow: POST,
        get: false,
        mode: Mode::Answer,
        provider: Provider::TryVox,
    },
    Route {
        path: "/tryvox/events",
        allow: POST,
        get: false,
        mode: Mode::Events,
        provider: Provider::TryVox,
    },
    Route {
        path: "/voxtelesys/voice",
        allow: GET_HEAD_POST,
        get: true,
        mode: Mode::Answer,
        provider: Provider::Voxtelesys,
    },
    Route {
        path: "/voxtelesys/status",
        allow: GET_HEAD_POST,
        get: true,
        mode: Mode::Events,
        provider: Provider::Voxtelesys,
    },
    Route {
        path: "/voxpria/events",
        allow: POST,
        get: false,
        mode: Mode::Events,
        provider: Provider::VoxPria,
    },
    Route {
        path: "/vobiz/answer",
        allow: GET_HEAD_POST,
        get: true,
        mode: Mode::Answer,
        provider: Provider::Vobiz,
    },
    Route {
        path: "/vobiz/events",
        allow: GET_HEAD_POST,
        get: true,
        mode: Mode::Events,
        provider: Provider::Vobiz,
    },
];

/// The health route: `GET` answers 200 `ok` without authentication.
pub const HEALTHZ: &str = "/healthz";
/// The `Allow` header of the health route's 405.
pub const HEALTHZ_ALLOW: &str = "GET, HEAD";
/// The health route's body.
pub const HEALTHZ_BODY: &str = "ok";
/// The health route's content type.
pub const HEALTHZ_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// The 404 every unknown path gets (JSON body).
pub fn not_found() -> Rejection {
    Rejection::NotFound
}

/// The 405 a known path gets for another method (JSON body, `Allow`).
pub fn method_not_allowed(allow: &'static str) -> Rejection {
    Rejection::MethodNotAllowed(allow.into())
}

/// The receiver's configuration: environment variables, with built-in
/// development defaults for the ones not set.
#[derive(Clone)]
pub struct Config {
    /// `VOXHOOK_ADDR`.
    pub addr: String,
    /// `VOXHOOK_PUBLIC_URL` (default `http://` + the address).
    pub public_url: String,
    /// `TRYVOX_TOKEN`.
    pub tryvox_token: String,
    /// `VOXTELESYS_BASIC`: `user:password`, split at the first `:` (the
    /// password may contain `:`).
    pub voxtelesys_basic: String,
    /// `VOXPRIA_SECRET`, `whsec_` prefix included (the whole string is the key).
    pub voxpria_secret: String,
    /// `VOBIZ_AUTH_TOKEN`.
    pub vobiz_auth_token: String,
    /// `VOXHOOK_REDIS_URL`.
    pub redis_url: Option<String>,
    /// `VOXHOOK_DEMO_DELAY_MS`.
    pub demo_delay: Duration,
    /// `VOXHOOK_QUIET=1`.
    pub quiet: bool,
    /// Overrides every route's budget (tests use a short one); `None` is
    /// the provider's default budget.
    pub budget: Option<Duration>,
    /// Overrides the dedup store of all four receivers (tests pass one they
    /// can inspect); `None` is in-memory, or Redis when `redis_url` is set.
    pub store: Option<Arc<dyn DedupStore>>,
    /// The variables whose built-in default is in use, with that default.
    pub defaults: Vec<(&'static str, String)>,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (tests pass a map). An empty
    /// value counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut defaults: Vec<(&'static str, String)> = Vec::new();
        let mut var = |name: &'static str, default: &str, shown: &str| -> String {
            match lookup(name).filter(|v| !v.is_empty()) {
                Some(v) => v,
                None => {
                    defaults.push((name, shown.to_owned()));
                    default.to_owned()
                }
            }
        };
        let addr = var("VOXHOOK_ADDR", DEFAULT_ADDR, DEFAULT_ADDR);
        let addr_from_env = lookup("VOXHOOK_ADDR").is_some_and(|v| !v.is_empty());
        // A default built from an address taken from the environment is
        // named, never printed.
        let public_default = format!("http://{addr}");
        let shown = if addr_from_env {
            "http:// + VOXHOOK_ADDR"
        } else {
            &public_default
        };
        let public_url = var("VOXHOOK_PUBLIC_URL", &public_default, shown);
        let tryvox_token = var("TRYVOX_TOKEN", DEFAULT_TRYVOX_TOKEN, DEFAULT_TRYVOX_TOKEN);
        let voxtelesys_basic = var(
            "VOXTELESYS_BASIC",
            DEFAULT_VOXTELESYS_BASIC,
            DEFAULT_VOXTELESYS_BASIC,
        );
        let voxpria_secret = var(
            "VOXPRIA_SECRET",
            DEFAULT_VOXPRIA_SECRET,
            DEFAULT_VOXPRIA_SECRET,
        );
        let vobiz_auth_token = var(
            "VOBIZ_AUTH_TOKEN",
            DEFAULT_VOBIZ_AUTH_TOKEN,
            DEFAULT_VOBIZ_AUTH_TOKEN,
        );
        let demo_delay = lookup("VOXHOOK_DEMO_DELAY_MS")
            .and_then(|v| v.trim().parse().ok())
            .map_or(Duration::ZERO, Duration::from_millis);
        Config {
            addr,
            public_url: public_url.trim_end_matches('/').to_owned(),
            tryvox_token,
            voxtelesys_basic,
            voxpria_secret,
            vobiz_auth_token,
            redis_url: lookup("VOXHOOK_REDIS_URL").filter(|v| !v.is_empty()),
            demo_delay,
            quiet: lookup("VOXHOOK_QUIET").as_deref() == Some("1"),
            budget: None,
            store: None,
            defaults,
        }
    }

    /// The start-up message (stderr): where it listens and which built-in
    /// defaults are in use. Values taken from the environment are never shown.
    pub fn startup_message(&self, framework: &str) -> String {
        let mut m = String::new();
        let addr_from_env = !self.defaults.iter().any(|(n, _)| *n == "VOXHOOK_ADDR");
        if addr_from_env {
            m.push_str(&format!(
                "voxhook reference receiver ({framework}) listening on the address in VOXHOOK_ADDR\n"
            ));
        } else {
            m.push_str(&format!(
                "voxhook reference receiver ({framework}) listening on http://{}\n",
                self.addr
            ));
        }
        if self.defaults.is_empty() {
            m.push_str("no built-in defaults in use\n");
        } else {
            m.push_str(
                "built-in development defaults in use (set these variables to replace them):\n",
            );
            for (name, value) in &self.defaults {
                m.push_str(&format!("  {name}={value}\n"));
            }
        }
        m.push_str(if self.redis_url.is_some() {
            "dedup: Redis (VOXHOOK_REDIS_URL)\n"
        } else {
            "dedup: in memory\n"
        });
        m.push_str("routes: POST /tryvox/answer /tryvox/events /voxpria/events; GET|POST /voxtelesys/voice /voxtelesys/status /vobiz/answer /vobiz/events; GET /healthz\n");
        m
    }

    /// Builds the four receivers: in-memory dedup, or one Redis store shared
    /// by all four when `VOXHOOK_REDIS_URL` is set (then call this inside the
    /// async runtime).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] when a credential or the Redis URL is not usable.
    pub fn receivers(&self) -> Result<Receivers, ConfigError> {
        let store = match &self.store {
            Some(store) => Some(Arc::clone(store)),
            None => self.redis_store()?,
        };
        let build = |provider: Provider, auth: Auth| {
            let mut builder = Receiver::builder(provider).auth(auth);
            if let Some(store) = &store {
                builder = builder.shared_store(Arc::clone(store));
            }
            if let Some(budget) = self.budget {
                builder = builder.budget(budget);
            }
            builder.build()
        };
        Ok(Receivers {
            tryvox: build(Provider::TryVox, Auth::tryvox(self.tryvox_token.as_str()))?,
            voxtelesys: build(
                Provider::Voxtelesys,
                Auth::voxtelesys(&self.voxtelesys_basic),
            )?,
            voxpria: build(
                Provider::VoxPria,
                Auth::voxpria(self.voxpria_secret.as_str()),
            )?,
            vobiz: build(
                Provider::Vobiz,
                Auth::vobiz(self.vobiz_auth_token.as_str()).public_url(&self.public_url)?,
            )?,
        })
    }

    /// The Redis dedup store shared by the four receivers when
    /// `VOXHOOK_REDIS_URL` is set (connected on first use: while Redis is
    /// down, deliveries fail closed with 503 and the provider retries).
    fn redis_store(&self) -> Result<Option<Arc<dyn DedupStore>>, ConfigError> {
        let Some(url) = &self.redis_url else {
            return Ok(None);
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ConfigError::Invalid {
                what: "VOXHOOK_REDIS_URL",
                why: "the Redis store must be built inside the async runtime",
            });
        }
        // The error never shows the URL (it may carry a password).
        let store = voxhook_redis::RedisStore::builder(url.as_str())
            .build_lazy()
            .map_err(|_| ConfigError::Invalid {
                what: "VOXHOOK_REDIS_URL",
                why: "not a usable Redis URL",
            })?;
        Ok(Some(Arc::new(store)))
    }

    /// Prints the event's line on stdout, unless quiet: its normalized JSON.
    pub fn print_event(&self, event: &Event) {
        if self.quiet {
            return;
        }
        let mut line = event.to_json();
        line.push('\n');
        // One write per line, so concurrent handlers never interleave.
        let _ = std::io::stdout().lock().write_all(line.as_bytes());
    }

    /// The answer handler's work: wait the demo delay, print, answer.
    pub async fn answer(&self, event: &Event) -> voxml::Document {
        if !self.demo_delay.is_zero() {
            tokio::time::sleep(self.demo_delay).await;
        }
        self.print_event(event);
        answer_document(event)
    }

    /// The events handler's work: print (the route acknowledges with an empty 200).
    pub fn event(&self, event: &Event) {
        self.print_event(event);
    }
}

impl fmt::Debug for Config {
    // Credentials never print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("demo_delay", &self.demo_delay)
            .field("quiet", &self.quiet)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// The four receivers of the reference routes.
#[derive(Debug, Clone)]
pub struct Receivers {
    /// TryVox (bearer token).
    pub tryvox: Receiver,
    /// Voxtelesys (Basic auth).
    pub voxtelesys: Receiver,
    /// VoxPria (HMAC).
    pub voxpria: Receiver,
    /// Vobiz (V3/V2 signatures with nonce replay guard).
    pub vobiz: Receiver,
}

impl Receivers {
    /// The receiver of `provider`.
    pub fn get(&self, provider: Provider) -> &Receiver {
        match provider {
            Provider::TryVox => &self.tryvox,
            Provider::Voxtelesys => &self.voxtelesys,
            Provider::VoxPria => &self.voxpria,
            _ => &self.vobiz,
        }
    }

    /// All four (for a graceful shutdown's drain).
    pub fn all(&self) -> Vec<Receiver> {
        vec![
            self.tryvox.clone(),
            self.voxtelesys.clone(),
            self.voxpria.clone(),
            self.vobiz.clone(),
        ]
    }
}

/// `Hello {from}, this is voxhook.` as a portable document; `{from}` is the
/// caller number as sent, or `there` (the renderer escapes it).
pub fn answer_document(event: &Event) -> voxml::Document {
    let from = event.from().filter(|f| !f.is_empty()).unwrap_or("there");
    voxml::Response::new()
        .say(format!("Hello {from}, this is voxhook."))
        .into()
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
