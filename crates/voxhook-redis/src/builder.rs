//! Building a [`RedisStore`]: URL, key prefix, timeouts, TTLs.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::scripts;
use crate::store::{Config, RedisStore};

/// Default key prefix: every entry is `voxhook:dedup:<32 hex digits>`.
pub const DEFAULT_KEY_PREFIX: &str = "voxhook:dedup:";
/// Default TCP connect timeout per attempt.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(250);
/// Default time to wait for one reply.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// Default bound on one store call, reconnection included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_millis(1_000);
/// Default lifetime of a released entry's failure count (the core's default
/// lifetime of a completed entry, longer than any provider's retry schedule).
pub const DEFAULT_FAILURE_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Default first and longest pause between two polls of [`wait`](voxhook_core::dedup::DedupStore::wait).
pub const DEFAULT_POLL_INTERVAL: (Duration, Duration) =
    (Duration::from_millis(20), Duration::from_millis(200));

/// Why a [`RedisStore`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL is not a Redis URL (`redis://`, `rediss://` or `redis+unix://`).
    InvalidUrl(redis::RedisError),
    /// A setting is out of range; the text says which.
    InvalidConfig(&'static str),
    /// Redis could not be reached (or did not accept the scripts) in time.
    Connect(redis::RedisError),
    /// Redis did not answer within the operation timeout.
    ConnectTimeout,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the URL itself: it may carry a password.
        match self {
            BuildError::InvalidUrl(_) => f.write_str("invalid redis url"),
            BuildError::InvalidConfig(what) => write!(f, "invalid redis store setting: {what}"),
            BuildError::Connect(_) => f.write_str("could not connect to redis"),
            BuildError::ConnectTimeout => f.write_str("timed out connecting to redis"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidUrl(e) | BuildError::Connect(e) => Some(e),
            BuildError::InvalidConfig(_) | BuildError::ConnectTimeout => None,
        }
    }
}

/// Builds a [`RedisStore`]; start with [`RedisStore::builder`].
#[must_use]
#[derive(Clone)]
pub struct RedisStoreBuilder {
    url: String,
    key_prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
    operation_timeout: Duration,
    failure_ttl: Duration,
    poll_interval: (Duration, Duration),
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            // The URL may carry a password.
            .field("url", &"[REDACTED]")
            .field("key_prefix", &self.key_prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("failure_ttl", &self.failure_ttl)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

impl RedisStoreBuilder {
    pub(crate) fn new(url: String) -> Self {
        RedisStoreBuilder {
            url,
            key_prefix: DEFAULT_KEY_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            failure_ttl: DEFAULT_FAILURE_TTL,
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }

    /// Prefix of every key (default [`DEFAULT_KEY_PREFIX`]). Give each
    /// application sharing one Redis its own prefix; replicas of one
    /// application must share theirs.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// TCP connect timeout per attempt (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time to wait for one reply (default [`DEFAULT_RESPONSE_TIMEOUT`]).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// Hard bound on one store call, reconnection included (default
    /// [`DEFAULT_OPERATION_TIMEOUT`]). A claim and a settle each take at most
    /// this long, so keep twice this well under the route's budget.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// How long a released entry remembers its failure count (default
    /// [`DEFAULT_FAILURE_TTL`]).
    pub fn failure_ttl(mut self, ttl: Duration) -> Self {
        self.failure_ttl = ttl;
        self
    }

    /// First and longest pause between two polls while waiting for an
    /// in-flight delivery (default [`DEFAULT_POLL_INTERVAL`]); the pause
    /// doubles from `first` up to `max`.
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.poll_interval = (first, max);
        self
    }

    /// Connects now, loads the scripts, and returns the store.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), voxhook_redis::BuildError> {
    /// let store = voxhook_redis::RedisStore::builder("redis://127.0.0.1:6379/")
    ///     .key_prefix("myapp:dedup:")
    ///     .build()
    ///     .await?;
    /// # drop(store); Ok(()) }
    /// ```
    ///
    /// # Errors
    /// An invalid URL or setting, or Redis unreachable within the operation
    /// timeout.
    pub async fn build(self) -> Result<RedisStore, BuildError> {
        let store = self.build_lazy()?;
        let mut conn = store.connection();
        let load = async {
            for script in scripts::all() {
                script.prepare_invoke().load_async(&mut conn).await?;
            }
            Ok::<_, redis::RedisError>(())
        };
        match tokio::time::timeout(store.config().operation_timeout, load).await {
            Ok(Ok(())) => Ok(store),
            Ok(Err(e)) => Err(BuildError::Connect(e)),
            Err(_) => Err(BuildError::ConnectTimeout),
        }
    }

    /// Returns the store without connecting: the first call connects. Lets a
    /// replica start while Redis is down (its deliveries then fail closed
    /// until Redis is back). Must be called inside a Tokio runtime.
    ///
    /// # Errors
    /// An invalid URL or setting.
    pub fn build_lazy(self) -> Result<RedisStore, BuildError> {
        let (first, max) = self.poll_interval;
        if first.is_zero() || max < first {
            return Err(BuildError::InvalidConfig(
                "poll interval must be non-zero and first <= max",
            ));
        }
        if self.operation_timeout.is_zero() || self.failure_ttl.is_zero() {
            return Err(BuildError::InvalidConfig(
                "operation timeout and failure ttl must be non-zero",
            ));
        }
        let client = redis::Client::open(self.url.as_str()).map_err(BuildError::InvalidUrl)?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            // Few, quick reconnection attempts: a request must not wait on
            // a long backoff; the operation timeout bounds it anyway.
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(200));
        let conn = ConnectionManager::new_lazy_with_config(client, manager_config)
            .map_err(BuildError::Connect)?;
        Ok(RedisStore::from_parts(
            conn,
            Config {
                key_prefix: self.key_prefix.into_bytes().into_boxed_slice(),
                operation_timeout: self.operation_timeout,
                failure_ttl: self.failure_ttl,
                poll_interval: self.poll_interval,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_url() {
        let b = RedisStoreBuilder::new("redis://:hunter2@127.0.0.1:6379/".to_owned());
        let shown = format!("{b:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
    }

    #[tokio::test]
    async fn rejects_bad_settings() {
        let ms = Duration::from_millis;
        let cases = [
            (
                "not a redis url",
                RedisStoreBuilder::new("http://x/".to_owned()),
            ),
            ("empty url", RedisStoreBuilder::new(String::new())),
            (
                "zero poll",
                RedisStoreBuilder::new("redis://127.0.0.1/".to_owned())
                    .poll_interval(ms(0), ms(10)),
            ),
            (
                "max below first",
                RedisStoreBuilder::new("redis://127.0.0.1/".to_owned())
                    .poll_interval(ms(50), ms(10)),
            ),
            (
                "zero op timeout",
                RedisStoreBuilder::new("redis://127.0.0.1/".to_owned()).operation_timeout(ms(0)),
            ),
            (
                "zero failure ttl",
                RedisStoreBuilder::new("redis://127.0.0.1/".to_owned()).failure_ttl(ms(0)),
            ),
        ];
        for (name, builder) in cases {
            let err = builder.build_lazy().expect_err(name);
            assert!(!err.to_string().contains("127.0.0.1"), "{name}: {err}");
        }
    }

    #[test]
    fn error_display_hides_the_url() {
        let err = redis::Client::open("redis://:hunter2@[::1/").expect_err("bad url");
        let shown = BuildError::InvalidUrl(err).to_string();
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
