//! Writes N distinct, freshly signed VoxPria `call.completed` deliveries,
//! one `<signature> <body>` line each, for `cycle.lua` (wrk cannot compute
//! HMACs itself). Each body
//! has its own call id, so no delivery is a duplicate of another; the
//! `t=` timestamp is now, valid for the receiver's ±5 minute window.
//!
//! Usage: `load_gen_voxpria N SECRET > requests.txt`

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let secret = args
        .next()
        .unwrap_or_else(|| "whsec_dev_voxpria_secret".to_owned());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for i in 0..n {
        // A realistic ~350-byte event (the size the performance targets use).
        let body = format!(
            r#"{{"event":"call.completed","timestamp":"2026-11-22T12:00:00Z","data":{{"callId":"call_load_{i:08}","status":"completed","duration":127,"toNumber":"+14155551234","fromNumber":"+14155550100","campaignId":"cmp_42","recording":"https://cdn.example.com/rec/{i:08}.mp3","transcript":"Customer confirmed the appointment."}}}}"#
        );
        let signature = voxhook::auth::sign::timestamped_hex(&secret, now, body.as_bytes());
        writeln!(out, "{signature} {body}")?;
    }
    out.flush()
}
