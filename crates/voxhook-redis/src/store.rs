//! [`RedisStore`]: the [`DedupStore`] on Redis.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{FromRedisValue, Script, ScriptInvocation, Value};
use voxhook_core::dedup::{
    Claim, DedupKey, DedupStore, LeaseToken, StoreError, StoreFuture, StoredAnswer, WaitOutcome,
};

use crate::builder::RedisStoreBuilder;
use crate::codec;
use crate::{orphan, scripts, token};

/// Longest expiry we hand to Redis (about 100 years): `PX` rejects values
/// that overflow its clock.
const MAX_TTL_MS: u64 = 100 * 365 * 24 * 60 * 60 * 1_000;

/// A [`DedupStore`] on Redis, shared by every replica that points at the
/// same Redis and key prefix.
///
/// Cheap to clone (one multiplexed, self-reconnecting connection shared by
/// all clones). Each claim, renew, complete and release is one Lua script,
/// so one round trip and atomic; [`wait`](DedupStore::wait) polls with a
/// doubling pause. See the [crate docs](crate) for TTLs and failure modes.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    conn: ConnectionManager,
    config: Config,
}

/// The settings a built store runs with.
pub(crate) struct Config {
    pub(crate) key_prefix: Box<[u8]>,
    pub(crate) operation_timeout: Duration,
    pub(crate) failure_ttl: Duration,
    pub(crate) poll_interval: (Duration, Duration),
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner.config;
        f.debug_struct("RedisStore")
            .field("key_prefix", &String::from_utf8_lossy(&c.key_prefix))
            .field("operation_timeout", &c.operation_timeout)
            .field("failure_ttl", &c.failure_ttl)
            .field("poll_interval", &c.poll_interval)
            .finish_non_exhaustive()
    }
}

/// The store operations, for error messages.
#[derive(Clone, Copy)]
enum Op {
    Claim,
    Renew,
    Complete,
    Release,
    Wait,
}

impl Op {
    const fn failed(self) -> &'static str {
        match self {
            Op::Claim => "redis claim failed",
            Op::Renew => "redis renew failed",
            Op::Complete => "redis complete failed",
            Op::Release => "redis release failed",
            Op::Wait => "redis wait failed",
        }
    }

    const fn timed_out(self) -> &'static str {
        match self {
            Op::Claim => "redis claim timed out",
            Op::Renew => "redis renew timed out",
            Op::Complete => "redis complete timed out",
            Op::Release => "redis release timed out",
            Op::Wait => "redis wait timed out",
        }
    }
}

impl RedisStore {
    /// Starts building a store for the Redis at `url`
    /// (`redis://[:password@]host[:port][/db]`, `rediss://` needs a TLS
    /// feature of the `redis` crate, `redis+unix:///path`).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), voxhook_redis::BuildError> {
    /// use std::time::Duration;
    /// let store = voxhook_redis::RedisStore::builder("redis://127.0.0.1:6379/")
    ///     .key_prefix("myapp:dedup:")
    ///     .operation_timeout(Duration::from_millis(800))
    ///     .build()
    ///     .await?;
    /// # drop(store); Ok(()) }
    /// ```
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder::new(url.into())
    }

    pub(crate) fn from_parts(conn: ConnectionManager, config: Config) -> Self {
        RedisStore {
            inner: Arc::new(Inner { conn, config }),
        }
    }

    pub(crate) fn connection(&self) -> ConnectionManager {
        self.inner.conn.clone()
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The Redis key of `key`: the prefix and 32 hex digits.
    pub fn redis_key(&self, key: &DedupKey) -> Vec<u8> {
        let prefix = &self.inner.config.key_prefix;
        let mut out = Vec::with_capacity(prefix.len() + 32);
        out.extend_from_slice(prefix);
        out.extend_from_slice(key.to_hex().as_bytes());
        out
    }

    /// Runs one script invocation within the operation timeout.
    async fn eval<T: FromRedisValue>(
        &self,
        op: Op,
        invocation: &ScriptInvocation<'_>,
    ) -> Result<T, EvalError> {
        let mut conn = self.connection();
        let call = invocation.invoke_async(&mut conn);
        match tokio::time::timeout(self.inner.config.operation_timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(EvalError {
                surely_not_sent: e.is_connection_refusal(),
                error: StoreError::new(op.failed(), e),
            }),
            Err(elapsed) => Err(EvalError {
                surely_not_sent: false,
                error: StoreError::new(op.timed_out(), elapsed),
            }),
        }
    }

    async fn claim_inner(&self, key: &DedupKey, lease: Duration) -> Result<Claim, StoreError> {
        let token = token::next();
        let mut invocation = scripts::CLAIM.prepare_invoke();
        invocation
            .key(self.redis_key(key))
            .arg(&codec::token_arg(token)[..])
            .arg(millis(lease))
            .arg(millis(self.inner.config.failure_ttl));
        // The claim may still run on Redis after we stop waiting for its
        // reply (a timeout, a dropped future at the caller's deadline, or a
        // frozen server that runs its socket backlog when it thaws). The
        // delivery is then refused, so its retry must not meet an orphaned
        // lease: the guard takes it back in the background unless we saw
        // the reply (or the command surely never left).
        let mut guard = AbandonOnDrop {
            store: self,
            key: *key,
            token,
            armed: true,
        };
        let result = self.eval::<Vec<Value>>(Op::Claim, &invocation).await;
        match result {
            Ok(reply) => {
                guard.armed = false;
                parse_claim(token, reply)
            }
            Err(failure) => {
                guard.armed = !failure.surely_not_sent;
                Err(failure.error)
            }
        }
    }

    /// Takes back an unsettled claim of `token` without counting a failure.
    /// `Ok(true)` when it was found (and removed).
    pub(crate) async fn abandon(
        &self,
        key: &DedupKey,
        token: LeaseToken,
    ) -> Result<bool, StoreError> {
        let ttl = millis(self.inner.config.failure_ttl);
        self.owned_op(Op::Release, &scripts::RELEASE, key, token, move |inv| {
            inv.arg(ttl).arg(0);
        })
        .await
    }

    /// Runs a token-checked script (renew, complete, release): `true` when
    /// `token` still owned the claim.
    async fn owned_op(
        &self,
        op: Op,
        script: &Script,
        key: &DedupKey,
        token: LeaseToken,
        fill: impl FnOnce(&mut ScriptInvocation<'_>),
    ) -> Result<bool, StoreError> {
        let mut invocation = script.prepare_invoke();
        invocation
            .key(self.redis_key(key))
            .arg(&codec::token_arg(token)[..]);
        fill(&mut invocation);
        let owned: i64 = self.eval(op, &invocation).await.map_err(|e| e.error)?;
        Ok(owned == 1)
    }

    async fn wait_inner(&self, key: &DedupKey) -> Result<WaitOutcome, StoreError> {
        let (mut pause, max) = self.inner.config.poll_interval;
        let mut watched: Option<Vec<u8>> = None;
        loop {
            let mut invocation = scripts::PEEK.prepare_invoke();
            invocation.key(self.redis_key(key));
            let reply: Vec<Value> = self
                .eval(Op::Wait, &invocation)
                .await
                .map_err(|e| e.error)?;
            match parse_peek(reply)? {
                Peek::Settled(outcome) => return Ok(outcome),
                Peek::Live(token) => match &watched {
                    // The claim we waited for ended and another delivery took the key.
                    Some(w) if *w != token => return Ok(WaitOutcome::Released),
                    Some(_) => {}
                    None => watched = Some(token),
                },
            }
            // Dropping the future here (the caller's deadline) stops the poll.
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(max);
        }
    }
}

/// What `peek` saw.
enum Peek {
    /// Not in flight.
    Settled(WaitOutcome),
    /// A live lease, with its owner's token.
    Live(Vec<u8>),
}

fn parse_peek(reply: Vec<Value>) -> Result<Peek, StoreError> {
    let mut reply = reply.into_iter();
    match (reply.next(), reply.next()) {
        (Some(Value::Int(0)), None) => Ok(Peek::Settled(WaitOutcome::Released)),
        (Some(Value::Int(1)), Some(Value::BulkString(value))) => {
            codec::decode_done(value).map(|answer| Peek::Settled(WaitOutcome::Done(answer)))
        }
        (Some(Value::Int(2)), Some(Value::BulkString(token))) => Ok(Peek::Live(token)),
        (Some(Value::Int(3)), None) => Err(StoreError::msg("unexpected value under a dedup key")),
        _ => Err(StoreError::msg("unexpected reply to a redis wait")),
    }
}

/// Abandons a claim whose reply we did not see, when dropped armed.
struct AbandonOnDrop<'a> {
    store: &'a RedisStore,
    key: DedupKey,
    token: LeaseToken,
    armed: bool,
}

impl Drop for AbandonOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            orphan::abandon_later(self.store.clone(), self.key, self.token);
        }
    }
}

/// A failed script call.
struct EvalError {
    error: StoreError,
    /// The command never reached Redis (connection refused), so it cannot
    /// take effect later.
    surely_not_sent: bool,
}

/// Parses the claim script's reply.
fn parse_claim(token: LeaseToken, reply: Vec<Value>) -> Result<Claim, StoreError> {
    const MALFORMED: StoreError = StoreError::msg("unexpected reply to a redis claim");
    let mut reply = reply.into_iter();
    match (reply.next(), reply.next()) {
        (Some(Value::Int(0)), Some(Value::Int(failures))) => Ok(Claim::Fresh {
            token,
            prior_failures: u32::try_from(failures).map_err(|_| MALFORMED)?,
        }),
        (Some(Value::Int(1)), Some(Value::BulkString(value))) => {
            codec::decode_done(value).map(Claim::Done)
        }
        (Some(Value::Int(2)), None) => Ok(Claim::InFlight),
        (Some(Value::Int(3)), None) => Err(StoreError::msg("unexpected value under a dedup key")),
        _ => Err(MALFORMED),
    }
}

/// A duration as whole milliseconds for `PX`/`PEXPIRE`: at least 1 (0 is an
/// error in Redis), at most [`MAX_TTL_MS`].
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis())
        .unwrap_or(MAX_TTL_MS)
        .clamp(1, MAX_TTL_MS)
}

impl DedupStore for RedisStore {
    fn claim<'a>(&'a self, key: &'a DedupKey, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(self.claim_inner(key, lease))
    }

    fn renew<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        let failure_ttl = millis(self.inner.config.failure_ttl);
        Box::pin(
            self.owned_op(Op::Renew, &scripts::RENEW, key, token, move |inv| {
                inv.arg(millis(lease)).arg(failure_ttl);
            }),
        )
    }

    fn complete<'a>(
        &'a self,
        key: &'a DedupKey,
        token: LeaseToken,
        answer: StoredAnswer,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let encoded = codec::encode_done(&answer)?;
            self.owned_op(Op::Complete, &scripts::COMPLETE, key, token, |inv| {
                inv.arg(encoded).arg(millis(ttl));
            })
            .await
        })
    }

    fn release<'a>(&'a self, key: &'a DedupKey, token: LeaseToken) -> StoreFuture<'a, bool> {
        let ttl = millis(self.inner.config.failure_ttl);
        Box::pin(
            self.owned_op(Op::Release, &scripts::RELEASE, key, token, move |inv| {
                inv.arg(ttl).arg(1);
            }),
        )
    }

    fn wait<'a>(&'a self, key: &'a DedupKey) -> StoreFuture<'a, WaitOutcome> {
        Box::pin(self.wait_inner(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_clamps() {
        let cases = [
            ("zero becomes one", Duration::ZERO, 1),
            ("sub-millisecond becomes one", Duration::from_micros(300), 1),
            ("plain", Duration::from_secs(2), 2_000),
            ("huge is capped", Duration::MAX, MAX_TTL_MS),
        ];
        for (name, d, want) in cases {
            assert_eq!(millis(d), want, "{name}");
        }
    }

    #[test]
    fn parses_claim_replies() {
        let token = LeaseToken(7);
        let done = codec::encode_done(&StoredAnswer::ack()).unwrap();
        let cases = [
            (
                "fresh",
                vec![Value::Int(0), Value::Int(2)],
                Some(Claim::Fresh {
                    token,
                    prior_failures: 2,
                }),
            ),
            (
                "done",
                vec![Value::Int(1), Value::BulkString(done)],
                Some(Claim::Done(StoredAnswer::ack())),
            ),
            ("in flight", vec![Value::Int(2)], Some(Claim::InFlight)),
            ("foreign value", vec![Value::Int(3)], None),
            ("empty", vec![], None),
            ("done without value", vec![Value::Int(1)], None),
            ("unknown code", vec![Value::Int(9)], None),
            (
                "negative failures",
                vec![Value::Int(0), Value::Int(-1)],
                None,
            ),
        ];
        for (name, reply, want) in cases {
            assert_eq!(parse_claim(token, reply).ok(), want, "{name}");
        }
    }
}
