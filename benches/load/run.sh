#!/usr/bin/env bash
# Load benchmark: a bare axum route (read the body, answer 200) against the
# axum reference receiver's /voxpria/events (HMAC t=,v1= auth, JSON decode,
# in-memory dedup, handler), and the same for actix-web (a bare actix route
# against the actix reference receiver), all --release, VOXHOOK_QUIET=1.
# Each framework's receiver is compared with its own bare route.
#
# Throughput (c=CONNS): server pinned to CPU 0, wrk to CPU 1. Latency (c=1):
# server and wrk both on CPU 0, because across vCPUs every request waits for a
# halted vCPU to be woken through the hypervisor and p50 measures that wake-up,
# not the server (shared/reference/perf-baselines.md section 6); set
# LATENCY_CLIENT_CPU=1 to measure the cross-vCPU figure anyway. Rounds
# alternate bare / voxhook; every request is a distinct, freshly signed event;
# each run starts a fresh server.
#
# A third run per round and target ("fine") times one connection with
# `load_latency`, a sequential client that records each round trip with
# sub-microsecond resolution (wrk reports whole microseconds); it runs on the
# latency CPU too.
#
# Usage: benches/load/run.sh            (ROUNDS=5 DURATION=5 CONNS=32 N=400000 FRAMEWORKS="axum actix")
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNS=${CONNS:-32}
N=${N:-400000}
PORT=${PORT:-3917}
SECRET=whsec_dev_voxpria_secret
FRAMEWORKS=${FRAMEWORKS:-axum actix}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
LATENCY_CLIENT_CPU=${LATENCY_CLIENT_CPU:-$SERVER_CPU}

command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 1; }
cargo build -q --release --example axum_receiver --example load_bare_axum \
    --example actix_receiver --example load_bare_actix --example load_gen_voxpria \
    --example load_latency

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export VOXHOOK_LOAD_REQUESTS="$WORK/requests.txt"
# Signed just before each run: the receiver accepts t= within ±5 minutes.
sign_fresh() { target/release/examples/load_gen_voxpria "$N" "$SECRET" > "$VOXHOOK_LOAD_REQUESTS"; }

start() { # $1 = bare | voxhook, $2 = axum | actix
    local bin=target/release/examples/load_bare_$2
    [ "$1" = voxhook ] && bin=target/release/examples/$2_receiver
    VOXHOOK_ADDR=127.0.0.1:$PORT VOXHOOK_QUIET=1 VOXPRIA_SECRET=$SECRET \
        taskset -c "$SERVER_CPU" "$bin" >/dev/null 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "server did not start" >&2; exit 1
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

run_wrk() { # $1 = connections; prints "rps p50_us p99_us requests non2xx"
    local cpu=$CLIENT_CPU
    [ "$1" = 1 ] && cpu=$LATENCY_CLIENT_CPU
    taskset -c "$cpu" wrk -t1 -c"$1" -d"${DURATION}s" --latency -s benches/load/cycle.lua \
        "http://127.0.0.1:$PORT/voxpria/events" > "$WORK/wrk.txt" 2> "$WORK/wrk.err"
    if [ -s "$WORK/wrk.err" ]; then cat "$WORK/wrk.err" >&2; exit 1; fi
    awk '
        function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return v*1000; if (v ~ /s$/) return v*1000000; return v }
        /Requests\/sec/ { rps=$2 }
        /^ +50%/ { p50=us($2) } /^ +99%/ { p99=us($2) }
        / requests in / { n=$1 }
        /^non2xx=/ { split($0, a, "="); bad=a[2] }
        END { printf "%s %.1f %.1f %s %s\n", rps, p50, p99, n, bad }' "$WORK/wrk.txt"
}

run_fine() { # prints "- p50_us p99_us requests non2xx" (no throughput figure)
    taskset -c "$LATENCY_CLIENT_CPU" target/release/examples/load_latency "127.0.0.1:$PORT" \
        "$VOXHOOK_LOAD_REQUESTS" "$DURATION" | awk '{ print "-", $4, $6, $1, $2 }'
}

echo "round target conns rps p50_us p99_us requests non2xx"
for round in $(seq "$ROUNDS"); do
    for fw in $FRAMEWORKS; do
        for target in bare voxhook; do
            for conns in "$CONNS" 1 fine; do
                sign_fresh
                start "$target" "$fw"
                if [ "$conns" = fine ]; then result=$(run_fine); else result=$(run_wrk "$conns"); fi
                stop
                echo "$round $fw-$target $conns $result"
                requests=$(echo "$result" | awk '{print $4}')
                if [ "$(echo "$result" | awk '{print $5}')" != 0 ]; then
                    echo "warning: non-2xx answers in this run: its figures do not count" >&2
                fi
                if [ "$requests" -gt "$N" ]; then
                    echo "warning: $requests requests > N=$N: some were duplicates; raise N" >&2
                fi
            done
        done
    done
done | tee "$WORK/results.txt"

awk '
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                       return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == "round" { next }
    $3 == "fine" { k = $2; f50[k, ++nfine[k]] = $5; next }
    $3 != 1 { k = $2; rps[k, ++nr[k]] = $4 }
    $3 == 1 { k = $2; p50[k, ++nl[k]] = $5; p99[k, nl[k]] = $6 }
    END {
        for (k in nr) { n = nr[k]; for (i = 1; i <= n; i++) t[i] = rps[k, i]; R[k] = median(t, n) }
        for (k in nfine) { n = nfine[k]; for (i = 1; i <= n; i++) t[i] = f50[k, i]; F[k] = median(t, n) }
        for (k in nl) { n = nl[k]; for (i = 1; i <= n; i++) t[i] = p50[k, i]; P[k] = median(t, n)
                        for (i = 1; i <= n; i++) t[i] = p99[k, i]; Q[k] = median(t, n) }
        printf "\nmedian over rounds:\n"
        nf = split("'"$FRAMEWORKS"'", fws, " ")
        for (f = 1; f <= nf; f++) {
            b = fws[f] "-bare"; v = fws[f] "-voxhook"
            printf " %s:\n", fws[f]
            printf "  req/s  (c=%s): bare %.0f  voxhook %.0f  ratio %.3f\n", "'"$CONNS"'", R[b], R[v], R[v] / R[b]
            printf "  CPU per request on the server core: bare %.2f us  voxhook %.2f us  added %.2f us\n", 1e6 / R[b], 1e6 / R[v], 1e6 / R[v] - 1e6 / R[b]
            printf "  p50 (c=1): bare %.1f us  voxhook %.1f us  added %.1f us\n", P[b], P[v], P[v] - P[b]
            printf "  p99 (c=1): bare %.1f us  voxhook %.1f us\n", Q[b], Q[v]
            printf "  p50 (c=1, load_latency): bare %.2f us  voxhook %.2f us  added %.2f us\n", F[b], F[v], F[v] - F[b]
        }
    }' "$WORK/results.txt"
