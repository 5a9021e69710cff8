//! The Lua scripts: each store operation is one `EVALSHA`, so it is atomic
//! (Redis runs a script without interleaving other commands) and costs one
//! round trip. Value layout: see `codec`.
//!
//! Lease deadlines are judged on the Redis server's clock (`TIME`), the one
//! clock every replica shares. An in-flight key outlives its lease by the
//! failure TTL, so a claim that finds a lease run out knows its owner died
//! and counts that as one more failure, as the in-memory store does.
//!
//! Every script starts with the same prelude, which classifies the value:
//! `state` is `a` (absent), `d` (done), `r` (released, `f` failures so far),
//! `l` (live lease of token `tok`, `f` prior failures), `x` (lease run out:
//! `f` counts the dead owner) or `?` (not a value this store writes).

use std::sync::LazyLock;

use redis::Script;

const PRELUDE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('GET', KEYS[1])
local state, f, tok = 'a', 0, nil
if v then
  local tag = string.sub(v, 1, 1)
  if tag == 'd' then
    state = 'd'
  elseif tag == 'r' then
    state, f = 'r', tonumber(string.sub(v, 2)) or 0
  elseif tag == 'i' then
    local pf, deadline = string.match(v, '^(%d+):(%d+)$', 18)
    if pf == nil then
      state = '?'
    elseif tonumber(deadline) > now then
      state, f, tok = 'l', tonumber(pf), string.sub(v, 2, 17)
    else
      state, f = 'x', tonumber(pf) + 1
    end
  else
    state = '?'
  end
end
";

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
}

/// `claim(key; token, lease_ms, failure_ttl_ms)` → `{0, prior_failures}`
/// (fresh), `{1, value}` (done), `{2}` (in flight), `{3}` (foreign value).
pub(crate) static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if state == 'd' then return {1, v} end
if state == 'l' then return {2} end
if state == '?' then return {3} end
local lease = tonumber(ARGV[2])
redis.call('SET', KEYS[1], 'i' .. ARGV[1] .. f .. ':' .. (now + lease),
  'PX', lease + tonumber(ARGV[3]))
return {0, f}
",
    )
});

/// `renew(key; token, lease_ms, failure_ttl_ms)` → 1 when renewed, 0 when
/// `token` does not hold a live lease.
pub(crate) static RENEW: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if state ~= 'l' or tok ~= ARGV[1] then return 0 end
local lease = tonumber(ARGV[2])
redis.call('SET', KEYS[1], 'i' .. ARGV[1] .. f .. ':' .. (now + lease),
  'PX', lease + tonumber(ARGV[3]))
return 1
",
    )
});

/// `complete(key; token, encoded_answer, ttl_ms)` → 1 when stored, 0 when
/// `token` does not hold a live lease.
pub(crate) static COMPLETE: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if state ~= 'l' or tok ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
",
    )
});

/// `release(key; token, failure_ttl_ms, add)` → 1 when released, 0 when
/// `token` does not hold a live lease. `add` is 1 after a handler failure
/// (the count feeds the next claim's `prior_failures`), 0 to abandon a claim
/// whose reply was lost (the entry goes back to what it was before).
pub(crate) static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if state ~= 'l' or tok ~= ARGV[1] then return 0 end
f = f + tonumber(ARGV[3])
if f > 0 then
  redis.call('SET', KEYS[1], 'r' .. f, 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[1])
end
return 1
",
    )
});

/// `peek(key)` (read-only) → `{0}` (not in flight: absent, released or
/// lease run out), `{1, value}` (done), `{2, token}` (live lease), `{3}`
/// (foreign value).
pub(crate) static PEEK: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if state == 'd' then return {1, v} end
if state == 'l' then return {2, tok} end
if state == '?' then return {3} end
return {0}
",
    )
});

/// Every script, to preload them when connecting (so the first claim does not
/// pay a `NOSCRIPT` miss; after a Redis restart the client reloads on its own).
pub(crate) fn all() -> [&'static Script; 5] {
    [&CLAIM, &RENEW, &COMPLETE, &RELEASE, &PEEK]
}
