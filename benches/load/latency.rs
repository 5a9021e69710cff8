//! One connection, one request at a time: sends the pre-signed deliveries of
//! a `load_gen_voxpria` file in order (each once) for a number of seconds and
//! prints round-trip percentiles with sub-microsecond resolution.
//!
//! wrk reports latency in whole microseconds, too coarse to judge a target
//! of "at most 3 µs added" when the median sits on a boundary; this client
//! times each round trip with `Instant`. It does the least it can between
//! requests (the requests are formatted before the clock starts), and the
//! server's answers must be 2xx.
//!
//! Usage: `load_latency ADDR REQUESTS_FILE SECONDS`, printing
//! `requests non2xx p10 p50 p90 p99` (µs).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("load_latency: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(file), Some(seconds)) = (args.next(), args.next(), args.next()) else {
        return Err("usage: load_latency ADDR REQUESTS_FILE SECONDS".into());
    };
    let seconds: f64 = seconds
        .parse()
        .map_err(|_| format!("SECONDS is not a number: {seconds}"))?;
    let lines = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let requests = lines
        .lines()
        .map(|line| {
            let (signature, body) = line
                .split_once(' ')
                .ok_or_else(|| format!("{file}: a line without `<signature> <body>`"))?;
            Ok(format!(
                "POST /voxpria/events HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 X-Webhook-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes())
        })
        .collect::<Result<Vec<_>, String>>()?;

    let stream = TcpStream::connect(&addr).map_err(|e| format!("connect {addr}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut round_trips = Vec::with_capacity(requests.len());
    let mut non2xx = 0_usize;
    let mut line = String::new();
    let mut body = Vec::new();
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    for request in &requests {
        if Instant::now() >= end {
            break;
        }
        let start = Instant::now();
        writer
            .write_all(request)
            .map_err(|e| format!("send: {e}"))?;
        line.clear();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("read: {e}"))?;
        if !line.starts_with("HTTP/1.1 2") {
            non2xx += 1;
        }
        let mut length = 0_usize;
        loop {
            line.clear();
            if reader
                .read_line(&mut line)
                .map_err(|e| format!("read: {e}"))?
                == 0
            {
                return Err("the server closed the connection".into());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad content-length: {value}"))?;
            }
        }
        body.resize(length, 0);
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("read: {e}"))?;
        round_trips.push(start.elapsed());
    }
    if round_trips.len() == requests.len() {
        return Err(format!(
            "all {} requests were sent before the time was up: make more",
            requests.len()
        ));
    }
    round_trips.sort_unstable();
    let at = |q: f64| {
        let i = ((round_trips.len() as f64 * q) as usize).min(round_trips.len().saturating_sub(1));
        round_trips.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e6)
    };
    Ok(format!(
        "{} {non2xx} {:.2} {:.2} {:.2} {:.2}",
        round_trips.len(),
        at(0.10),
        at(0.50),
        at(0.90),
        at(0.99)
    ))
}
