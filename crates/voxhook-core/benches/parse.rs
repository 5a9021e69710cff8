//! Parsing speed per dialect (a typical 300–600 byte payload each), against a
//! baseline in the same run: serde_json into a flat derived struct for JSON,
//! serde_urlencoded into a flat struct for forms. Target: within 2x.
//!
//! `cargo bench -p voxhook-core --bench parse -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs)] // criterion's generated entry points

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use serde_json::value::RawValue;
use voxhook_core::{Event, Provider};

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

const TRYVOX: &[u8] = br#"{"event":"call.ended","call_uuid":"c7a34e6f-9d1b-4c8e-a5f2-3b9d7e8c1a4f","account_id":"AC123456","from":"+919876543210","to":"+14155551234","direction":"outbound","status":"completed","duration":125,"bill_duration":180,"end_reason":"hangup","caller_name":"Priya Raman","timestamp":"2026-04-09T10:32:50.456Z"}"#;

const VOXPRIA: &[u8] = br#"{"event":"call.ended","timestamp":"2025-02-02T14:30:00Z","data":{"call_id":"call_abc123","campaign_id":"camp_xyz789","contact_id":"cont_def456","phone_number":"+15551234567","status":"answered","duration":127,"recording_url":"https://media.voxpria.example/rec/call_abc123.mp3","transcript":"Agent: Hello. Customer: Yes, I confirm.","variables":{"appointment_confirmed":true,"appointment_date":"2025-02-10"}}}"#;

const VOXTELESYS: &[u8] = b"CallSid=CA9f2c1b7e5d4a3b2c1d0e9f8a7b6c5d4e&AccountID=AC-20931&TrunkID=TG-4410&From=%2B13125550143&To=%2B18475550199&CallStatus=ringing&ApiVersion=v1&Direction=inbound&CallerName=ACME+CORP&FromCity=CHICAGO&FromState=IL&FromZip=60601&FromCountry=US&ToCity=EVANSTON&ToState=IL&ToZip=60201&ToCountry=US&Vars=%7B%22lang%22%3A%22en%22%7D&ParentCallSid=CA11112222333344445555666677778888";

const VOBIZ: &[u8] = b"From=%2B14155551234&To=%2B14155555678&RequestUUID=a1b2c3d4-0000-4000-8000-000000000001&ALegRequestUUID=a1b2c3d4-0000-4000-8000-000000000001&CallUUID=550e8400-e29b-41d4-a716-446655440000&Direction=outbound&ALegUUID=550e8400-e29b-41d4-a716-446655440000&Event=Hangup&CallStatus=completed&StartTime=2026-04-14+09%3A00%3A00&AnswerTime=2026-04-14+09%3A00%3A05&EndTime=2026-04-14+09%3A02%3A10&HangupCause=NORMAL_CLEARING&Duration=125&BillDuration=180";

#[allow(dead_code)]
#[derive(Deserialize)]
struct FlatTryVox {
    event: String,
    call_uuid: String,
    account_id: String,
    from: String,
    to: String,
    direction: String,
    status: String,
    duration: Option<u64>,
    bill_duration: Option<u64>,
    end_reason: Option<String>,
    caller_name: Option<String>,
    timestamp: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FlatVoxPria {
    event: String,
    timestamp: Option<String>,
    data: FlatVoxPriaData,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FlatVoxPriaData {
    call_id: String,
    campaign_id: Option<String>,
    contact_id: Option<String>,
    phone_number: Option<String>,
    status: String,
    duration: Option<u64>,
    recording_url: Option<String>,
    transcript: Option<String>,
    variables: Option<Box<RawValue>>,
}

#[allow(dead_code, non_snake_case)]
#[derive(Deserialize)]
struct FlatVoxtelesys {
    CallSid: String,
    AccountID: String,
    TrunkID: String,
    From: String,
    To: String,
    CallStatus: String,
    ApiVersion: String,
    Direction: String,
    CallerName: Option<String>,
    FromCity: Option<String>,
    FromState: Option<String>,
    FromZip: Option<String>,
    FromCountry: Option<String>,
    ToCity: Option<String>,
    ToState: Option<String>,
    ToZip: Option<String>,
    ToCountry: Option<String>,
    Vars: Option<String>,
    ParentCallSid: Option<String>,
}

#[allow(dead_code, non_snake_case)]
#[derive(Deserialize)]
struct FlatVobiz {
    From: String,
    To: String,
    RequestUUID: String,
    ALegRequestUUID: String,
    CallUUID: String,
    Direction: String,
    ALegUUID: String,
    Event: String,
    CallStatus: String,
    StartTime: Option<String>,
    AnswerTime: Option<String>,
    EndTime: Option<String>,
    HangupCause: Option<String>,
    Duration: Option<String>,
    BillDuration: Option<String>,
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");

    g.throughput(Throughput::Bytes(TRYVOX.len() as u64));
    g.bench_function("tryvox/voxhook", |b| {
        b.iter(|| Event::parse(Provider::TryVox, JSON, black_box(TRYVOX)).unwrap())
    });
    g.bench_function("tryvox/serde_json_flat", |b| {
        b.iter(|| serde_json::from_slice::<FlatTryVox>(black_box(TRYVOX)).unwrap())
    });

    g.throughput(Throughput::Bytes(VOXPRIA.len() as u64));
    g.bench_function("voxpria/voxhook", |b| {
        b.iter(|| Event::parse(Provider::VoxPria, JSON, black_box(VOXPRIA)).unwrap())
    });
    g.bench_function("voxpria/serde_json_flat", |b| {
        b.iter(|| serde_json::from_slice::<FlatVoxPria>(black_box(VOXPRIA)).unwrap())
    });

    g.throughput(Throughput::Bytes(VOXTELESYS.len() as u64));
    g.bench_function("voxtelesys/voxhook", |b| {
        b.iter(|| Event::parse(Provider::Voxtelesys, FORM, black_box(VOXTELESYS)).unwrap())
    });
    g.bench_function("voxtelesys/serde_urlencoded_flat", |b| {
        b.iter(|| serde_urlencoded::from_bytes::<FlatVoxtelesys>(black_box(VOXTELESYS)).unwrap())
    });

    g.throughput(Throughput::Bytes(VOBIZ.len() as u64));
    g.bench_function("vobiz/voxhook", |b| {
        b.iter(|| Event::parse(Provider::Vobiz, FORM, black_box(VOBIZ)).unwrap())
    });
    g.bench_function("vobiz/serde_urlencoded_flat", |b| {
        b.iter(|| serde_urlencoded::from_bytes::<FlatVobiz>(black_box(VOBIZ)).unwrap())
    });

    g.throughput(Throughput::Bytes(VOXPRIA.len() as u64));
    g.bench_function("detect_voxpria/voxhook", |b| {
        b.iter(|| Event::detect(JSON, black_box(VOXPRIA)).unwrap())
    });
    g.finish();

    // Serializing the normalized form is off the hot path; measured for reference.
    let event = Event::parse(Provider::Vobiz, FORM, VOBIZ).unwrap();
    c.bench_function("normalized_json/vobiz", |b| {
        b.iter(|| black_box(&event).to_json())
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
