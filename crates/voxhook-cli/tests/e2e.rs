//! End-to-end: the `voxhook` binary against a receiver built from the library in this test.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use support::*;
use voxhook_core::Provider;

#[test]
fn send_gets_the_expected_answer_for_each_provider() {
    let addr = start_receiver();
    let from = "+15550001111";
    let cases = [
        (
            "tryvox answer",
            "/tryvox/answer",
            "call.answered",
            TRYVOX_TOKEN,
            Some(Provider::TryVox),
        ),
        (
            "tryvox events",
            "/tryvox/events",
            "call.completed",
            TRYVOX_TOKEN,
            None,
        ),
        (
            "voxtelesys voice",
            "/voxtelesys/voice",
            "call.ringing",
            VOXTELESYS_BASIC,
            Some(Provider::Voxtelesys),
        ),
        (
            "voxtelesys status",
            "/voxtelesys/status",
            "message.status",
            VOXTELESYS_BASIC,
            None,
        ),
        (
            "voxpria events",
            "/voxpria/events",
            "campaign.completed",
            VOXPRIA_SECRET,
            None,
        ),
        (
            "vobiz answer",
            "/vobiz/answer",
            "call.answered",
            VOBIZ_AUTH_TOKEN,
            Some(Provider::Vobiz),
        ),
        (
            "vobiz events",
            "/vobiz/events",
            "call.completed",
            VOBIZ_AUTH_TOKEN,
            None,
        ),
    ];
    for (name, path, kind, secret, answer) in cases {
        let url = format!("http://{addr}{path}");
        let (code, out, err) = run(voxhook().args([
            "send", &url, "--event", kind, "--from", from, "--secret", secret,
        ]));
        assert_eq!(code, 0, "{name}: {out}{err}");
        assert!(out.contains("← 200 OK"), "{name}: {out}");
        if let Some(p) = answer {
            let (ct, body) = expected_answer(p, from);
            assert!(
                out.contains(&format!("content-type: {ct}")),
                "{name}: {out}"
            );
            assert!(answer_in(&out, &body), "{name}: {out}");
            assert!(out.contains("VoxML answer accepted"), "{name}: {out}");
        }
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{name} echoed the secret"
        );
    }
}

#[test]
fn send_can_deliver_a_form_callback_as_a_get_query() {
    let addr = start_receiver();
    let cases = [
        (
            "voxtelesys",
            "/voxtelesys/voice",
            VOXTELESYS_BASIC,
            "<Say>Hello +15550002222",
        ),
        (
            "vobiz",
            "/vobiz/answer",
            VOBIZ_AUTH_TOKEN,
            "<Speak>Hello +15550002222",
        ),
    ];
    for (name, path, secret, answer) in cases {
        let url = format!("http://{addr}{path}");
        let (code, out, _) = run(voxhook()
            .args(["send", &url, "--method", "get", "--event", "call.answered"])
            .args(["--from", "+15550002222", "--secret", secret]));
        assert_eq!(code, 0, "{name}: {out}");
        assert!(out.contains(&format!("→ GET {url}?")), "{name}: {out}");
        assert!(out.contains(answer), "{name}: {out}");
    }
}

#[test]
fn the_secret_can_come_from_the_environment() {
    let addr = start_receiver();
    let url = format!("http://{addr}/vobiz/events");
    let cases = [
        ("provider variable", "VOBIZ_AUTH_TOKEN"),
        ("generic variable", "VOXHOOK_SECRET"),
    ];
    for (name, var) in cases {
        let (code, out, _) = run(voxhook()
            .args(["send", &url, "--event", "call.ringing"])
            .env(var, VOBIZ_AUTH_TOKEN));
        assert_eq!(code, 0, "{name}: {out}");
    }
}

#[test]
fn a_wrong_secret_fails_with_the_reason() {
    let addr = start_receiver();
    let cases = [
        ("vobiz", "/vobiz/answer", "signature_mismatch"),
        ("voxpria", "/voxpria/events", "signature_mismatch"),
        ("tryvox", "/tryvox/answer", "invalid_credentials"),
        ("voxtelesys", "/voxtelesys/voice", "invalid_credentials"),
    ];
    for (name, path, reason) in cases {
        let url = format!("http://{addr}{path}");
        let secret = if name == "voxtelesys" {
            "voxtelesys:wrong"
        } else {
            "wrong-secret"
        };
        let (code, out, _) = run(voxhook().args(["send", &url, "--secret", secret]));
        assert_eq!(code, 1, "{name}: {out}");
        assert!(
            out.contains("✗ rejected") && out.contains(reason),
            "{name}: {out}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let cases: [(&str, &[&str]); 4] = [
        ("no secret", &["send", "http://127.0.0.1:9/vobiz/answer"]),
        (
            "unknown kind",
            &[
                "send",
                "http://127.0.0.1:9/tryvox/answer",
                "--event",
                "call.gather",
                "--secret",
                "x",
            ],
        ),
        (
            "unknown provider path",
            &["send", "http://127.0.0.1:9/hooks", "--secret", "x"],
        ),
        ("bad flag", &["send", "--no-such-flag"]),
    ];
    for (name, args) in cases {
        let (code, out, err) = run(voxhook().args(args));
        assert_eq!(code, 2, "{name}: {out}{err}");
    }
}

#[test]
fn retries_follow_the_schedule_and_resign_each_attempt() {
    let addr = start_receiver();
    let url = format!("http://{addr}/vobiz/flaky");
    // The receiver's replay guard refuses a reused nonce, so success on the third
    // attempt shows each retry was signed afresh.
    let (code, out, _) = run(voxhook()
        .args([
            "send",
            &url,
            "--provider",
            "vobiz",
            "--event",
            "call.completed",
            "--retries",
        ])
        .args(["--secret", VOBIZ_AUTH_TOKEN])
        .env("VOXHOOK_RETRY_SCALE", "0.01"));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("retry 1/3") && out.contains("retry 2/3"),
        "{out}"
    );
    assert_eq!(out.matches("← 503").count(), 2, "{out}");
    assert!(!out.contains("retry 3/3"), "{out}");
}

#[test]
fn verify_explains_a_wrong_url_and_a_stale_timestamp() {
    // Vobiz: signed for the public URL, checked as if the proxy's internal URL were public.
    let dir = tempdir("verify");
    let (code, headers, _) = run(voxhook().args([
        "sign",
        "--provider",
        "vobiz",
        "--raw",
        "--secret",
        VOBIZ_AUTH_TOKEN,
        "--url",
        "https://hooks.example.com/vobiz/answer",
    ]));
    assert_eq!(code, 0);
    let dump = format!(
        "POST /vobiz/answer HTTP/1.1\r\nHost: 10.0.0.5:3000\r\n{}\r\n\r\nCallUUID=abc&Event=StartApp",
        headers.trim_end().replace('\n', "\r\n")
    );
    let verify_vobiz = |secrets: &[&str], url: &str| {
        let mut cmd = voxhook();
        cmd.args(["verify", "--provider", "vobiz", "--url", url]);
        for s in secrets {
            cmd.args(["--secret", s]);
        }
        run_stdin(&mut cmd, dump.as_bytes())
    };
    let (code, out) = verify_vobiz(&[VOBIZ_AUTH_TOKEN], "http://10.0.0.5:3000/vobiz/answer");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("does not verify") && out.contains("signature_mismatch"),
        "{out}"
    );
    assert!(
        out.contains("tried URL http://10.0.0.5:3000/vobiz/answer"),
        "{out}"
    );
    let (code, out) = verify_vobiz(
        &["old-token", VOBIZ_AUTH_TOKEN],
        "https://hooks.example.com/vobiz/answer",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verifies: vobiz_v3 with secret #1"), "{out}");
    assert!(!out.contains(VOBIZ_AUTH_TOKEN), "{out}");

    // VoxPria: the timestamped signature, checked ten minutes later.
    let body = dir.join("body.json");
    std::fs::write(
        &body,
        r#"{"event":"call.ended","data":{"call_id":"call_1"}}"#,
    )
    .unwrap();
    let (code, headers, _) = run(voxhook().args([
        "sign",
        "--provider",
        "voxpria",
        "--raw",
        "--secret",
        VOXPRIA_SECRET,
        "--url",
        "https://hooks.example.com/voxpria/events",
        "--now",
        "1700000000",
        "--body-file",
        body.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    let only_timestamped: String = headers
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("x-webhook-signature"))
        .collect();
    let hfile = dir.join("headers.txt");
    std::fs::write(&hfile, &only_timestamped).unwrap();
    let verify = |now: &str| {
        run(voxhook().args([
            "verify",
            "--provider",
            "voxpria",
            "--secret",
            VOXPRIA_SECRET,
            "--url",
            "https://hooks.example.com/voxpria/events",
            "--now",
            now,
            "--headers-file",
            hfile.to_str().unwrap(),
            "--body-file",
            body.to_str().unwrap(),
        ]))
    };
    let (code, out, _) = verify("1700000600");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale_timestamp"), "{out}");
    assert!(
        out.contains("timestamp 1700000000 is 600 s from now"),
        "{out}"
    );
    let (code, out, _) = verify("1700000010");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn verify_names_a_missing_header() {
    let dump = "POST /voxtelesys/voice HTTP/1.1\nHost: h\ncontent-type: application/x-www-form-urlencoded\n\nCallSid=CA1";
    let (code, out) = run_stdin(
        voxhook()
            .args([
                "verify",
                "--provider",
                "voxtelesys",
                "--secret",
                VOXTELESYS_BASIC,
            ])
            .args(["--url", "https://hooks.example.com/voxtelesys/voice"]),
        dump.as_bytes(),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missing_credentials"), "{out}");
    assert!(
        out.to_ascii_lowercase()
            .contains("[basic] no `authorization` header"),
        "{out}"
    );
    assert!(!out.contains("dev-password"), "{out}");
}

#[test]
fn sign_output_makes_a_request_that_verifies() {
    let addr = start_receiver();
    let dir = tempdir("sign");
    let body = dir.join("hangup.txt");
    std::fs::write(
        &body,
        "Event=Hangup&CallUUID=4f1c&From=%2B14155551234&CallStatus=completed",
    )
    .unwrap();
    let cases = [
        (
            "vobiz",
            "/vobiz/events",
            VOBIZ_AUTH_TOKEN,
            "application/x-www-form-urlencoded",
        ),
        (
            "voxpria",
            "/voxpria/events",
            VOXPRIA_SECRET,
            "application/json",
        ),
        ("tryvox", "/tryvox/events", TRYVOX_TOKEN, "application/json"),
        (
            "voxtelesys",
            "/voxtelesys/status",
            VOXTELESYS_BASIC,
            "application/x-www-form-urlencoded",
        ),
    ];
    for (name, path, secret, ct) in cases {
        let payload: &[u8] = if ct == "application/json" {
            br#"{"event":"call.ended","call_uuid":"c1","type":"per_recipient","message_id":"m1","data":{"call_id":"c1"}}"#
        } else {
            b"Event=Hangup&CallUUID=4f1c&CallSid=CA1&From=%2B14155551234&CallStatus=completed"
        };
        std::fs::write(&body, payload).unwrap();
        let url = format!("http://{addr}{path}");
        let (code, headers, err) = run(voxhook().args([
            "sign",
            "--provider",
            name,
            "--raw",
            "--secret",
            secret,
            "--url",
            &url,
            "--body-file",
            body.to_str().unwrap(),
        ]));
        assert_eq!(code, 0, "{name}: {err}");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let status = rt.block_on(async {
            let mut req = http_client().post(&url).header("content-type", ct);
            for line in headers.lines() {
                let (k, v) = line.split_once(": ").expect("Name: value");
                req = req.header(k, v);
            }
            req.body(payload.to_vec())
                .send()
                .await
                .expect("send")
                .status()
                .as_u16()
        });
        assert_eq!(status, 200, "{name}: {headers}");
    }
    // The default output is curl arguments.
    let (_, args, _) = run(voxhook().args([
        "sign",
        "--provider",
        "vobiz",
        "--secret",
        VOBIZ_AUTH_TOKEN,
        "--url",
        "http://h/vobiz/answer",
    ]));
    assert!(args.starts_with("-H 'x-vobiz-signature-v3: "), "{args}");
}

#[test]
fn load_with_duplicates_reports_no_mismatched_answers() {
    let addr = start_receiver();
    let url = format!("http://{addr}/vobiz/answer");
    let (code, out, err) = run(voxhook().args([
        "load",
        &url,
        "--secret",
        VOBIZ_AUTH_TOKEN,
        "--rate",
        "40",
        "--duration",
        "1s",
        "--concurrency",
        "4",
        "--duplicates",
        "0.3",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("sent 40 deliveries"), "{out}");
    assert!(out.contains("status    200 ×40"), "{out}");
    assert!(out.contains("deadline misses: 0"), "{out}");
    assert!(out.contains(" 0 mismatched answers"), "{out}");
    assert!(out.contains("latency   p50 "), "{out}");
}

#[test]
fn listen_forward_to_relays_resigned_deliveries() {
    let app = start_receiver();
    let (listen, addr) = spawn_listen(&["--forward-to", &format!("http://{app}")]);
    let from = "+14155550123";
    let (code, out, _) = run(voxhook().args([
        "send",
        &format!("http://{addr}/vobiz/answer"),
        "--from",
        from,
        "--secret",
        VOBIZ_AUTH_TOKEN,
    ]));
    // The listener's URL is not the app's: only re-signing for the new URL lets it through.
    let (_, answer) = expected_answer(Provider::Vobiz, from);
    assert_eq!(code, 0, "{out}");
    assert!(answer_in(&out, &answer), "{out}");
    let (code, out, _) = run(voxhook().args([
        "send",
        &format!("http://{addr}/vobiz/answer"),
        "--secret",
        "wrong",
    ]));
    assert_eq!(code, 1, "{out}");
    let printed = listen.stop();
    assert!(printed.contains("vobiz call.answered"), "{printed}");
    assert!(
        printed.contains(&format!("→ http://{app}/vobiz/answer: 200")),
        "{printed}"
    );
    assert!(printed.contains("REJECTED 403"), "{printed}");
    assert!(
        printed.contains("[vobiz_v3] tried URL http://127.0.0.1:"),
        "{printed}"
    );
}

#[test]
fn parse_prints_the_normalized_event() {
    let body =
        "Event=Hangup&CallUUID=550e8400&From=%2B14155551234&CallStatus=completed&Duration=125";
    let (code, out) = run_stdin(
        voxhook().args([
            "parse",
            "--provider",
            "vobiz",
            "--content-type",
            "application/x-www-form-urlencoded",
        ]),
        body.as_bytes(),
    );
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect(&out);
    assert_eq!(v["kind"], "call.completed");
    assert_eq!(v["duration"], 125);
    let (code, _) = run_stdin(
        voxhook().args(["parse", "--content-type", "application/json"]),
        b"{nope",
    );
    assert_eq!(code, 1);
}

#[test]
fn completions_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(voxhook().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(
            out.contains("listen") && out.contains("forward-to"),
            "{shell}"
        );
    }
}

/// Whether `send`'s output shows the answer `want`: JSON compared as JSON, XML byte for byte.
fn answer_in(out: &str, want: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(want) {
        Ok(want) => out
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l.trim()).ok())
            .any(|got| got == want),
        Err(_) => out.contains(want),
    }
}

/// Starts `voxhook listen` for Vobiz on a free port; returns the child and its address.
/// A running `voxhook listen`, killed when dropped (also when a test fails).
struct Listen(std::process::Child);

impl Listen {
    /// Stops the listener and returns what it printed on stdout.
    fn stop(mut self) -> String {
        self.0.kill().ok();
        let mut printed = String::new();
        if let Some(out) = self.0.stdout.as_mut() {
            std::io::Read::read_to_string(out, &mut printed).ok();
        }
        self.0.wait().ok();
        printed
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn spawn_listen(extra: &[&str]) -> (Listen, String) {
    let mut listen = voxhook()
        .args(["listen", "--addr", "127.0.0.1:0", "--provider", "vobiz"])
        .args(["--secret", VOBIZ_AUTH_TOKEN])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn listen");
    let mut stderr = BufReader::new(listen.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    // Keep draining stderr so the listener never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (Listen(listen), addr)
}

#[test]
fn listen_answers_actionable_events_with_the_fallback_voxml() {
    let (listen, addr) = spawn_listen(&["--json"]);
    let url = format!("http://{addr}/vobiz/answer");
    let (code, out, _) = run(voxhook()
        .args(["send", &url, "--call-id", "call-42"])
        .args(["--secret", VOBIZ_AUTH_TOKEN]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("<Response>"), "{out}");
    let (code, out, _) = run(voxhook()
        .args(["send", &url, "--event", "call.completed"])
        .args(["--secret", VOBIZ_AUTH_TOKEN]));
    assert_eq!(code, 0, "{out}");
    let printed = listen.stop();
    let first: serde_json::Value =
        serde_json::from_str(printed.lines().next().unwrap_or_default()).expect(&printed);
    assert_eq!(first["kind"], "call.answered", "{printed}");
    assert_eq!(first["call_id"], "call-42", "{printed}");
}

fn run_stdin(cmd: &mut std::process::Command, input: &[u8]) -> (i32, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("voxhook-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_late_answer_is_flagged_as_a_missed_deadline() {
    let addr = start_receiver();
    // Vobiz's 3 s deadline scaled to 30 ms; the receiver's slow route takes 200 ms.
    let url = format!("http://{addr}/vobiz/slow");
    let (code, out, _) = run(voxhook()
        .args([
            "send",
            &url,
            "--event",
            "call.completed",
            "--secret",
            VOBIZ_AUTH_TOKEN,
        ])
        .env("VOXHOOK_DEADLINE_SCALE", "0.01"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Vobiz would have timed out"), "{out}");
    assert!(out.contains("the deadline is 30 ms"), "{out}");
}
