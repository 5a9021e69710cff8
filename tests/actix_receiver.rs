//! Every route and every rejection of the actix reference receiver, through
//! `actix_web::test` on the exact app `examples/actix_receiver.rs` serves.

#[path = "../examples/reference/actix_app.rs"]
mod actix_app;
#[path = "actix_support/mod.rs"]
mod actix_support;
#[path = "../examples/reference/mod.rs"]
mod reference;

use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::test;
use voxhook::Provider;

use actix_support::{Req, config, rejections, sign, signed};

struct Got {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn kind(&self) -> String {
        let v: serde_json::Value = serde_json::from_slice(&self.body).expect("a JSON body");
        v["error"].as_str().unwrap_or_default().to_owned()
    }
}

async fn got<B: MessageBody>(res: ServiceResponse<B>) -> Got {
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let body = test::read_body(res).await.to_vec();
    Got {
        status,
        headers,
        body,
    }
}

macro_rules! app {
    ($config:expr) => {{
        let config: reference::Config = $config;
        let receivers = config.receivers().expect("receivers");
        test::init_service(App::new().configure(actix_app::configure(config, &receivers))).await
    }};
}

macro_rules! send {
    ($app:expr, $req:expr) => {
        got(test::call_service($app, $req.to_actix().to_request()).await).await
    };
}

const HELLO: &str = "Hello +15550001111, this is voxhook.";

#[actix_web::test]
async fn every_route_answers_as_the_contract_says() {
    struct Case {
        name: &'static str,
        req: Req,
        content_type: Option<&'static str>,
        body: &'static str,
    }
    let xml = |verb: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><{verb}>{HELLO}</{verb}></Response>"#
        )
    };
    let voxtelesys_xml: &'static str = Box::leak(xml("Say").into_boxed_str());
    let vobiz_xml: &'static str = Box::leak(xml("Speak").into_boxed_str());
    let cases = [
        Case {
            name: "tryvox answer",
            req: signed(Provider::TryVox, "POST", "/tryvox/answer"),
            content_type: Some("application/json"),
            body: "json",
        },
        Case {
            name: "tryvox events",
            req: signed(Provider::TryVox, "POST", "/tryvox/events"),
            content_type: None,
            body: "",
        },
        Case {
            name: "voxtelesys voice POST",
            req: signed(Provider::Voxtelesys, "POST", "/voxtelesys/voice"),
            content_type: Some("application/xml"),
            body: voxtelesys_xml,
        },
        Case {
            name: "voxtelesys voice GET",
            req: signed(Provider::Voxtelesys, "GET", "/voxtelesys/voice"),
            content_type: Some("application/xml"),
            body: voxtelesys_xml,
        },
        Case {
            name: "voxtelesys status POST",
            req: signed(Provider::Voxtelesys, "POST", "/voxtelesys/status"),
            content_type: None,
            body: "",
        },
        Case {
            name: "voxtelesys status GET",
            req: signed(Provider::Voxtelesys, "GET", "/voxtelesys/status"),
            content_type: None,
            body: "",
        },
        Case {
            name: "voxpria events",
            req: signed(Provider::VoxPria, "POST", "/voxpria/events"),
            content_type: None,
            body: "",
        },
        Case {
            name: "vobiz answer POST",
            req: signed(Provider::Vobiz, "POST", "/vobiz/answer"),
            content_type: Some("application/xml"),
            body: vobiz_xml,
        },
        Case {
            name: "vobiz answer GET",
            req: signed(Provider::Vobiz, "GET", "/vobiz/answer"),
            content_type: Some("application/xml"),
            body: vobiz_xml,
        },
        Case {
            name: "vobiz events POST",
            req: signed(Provider::Vobiz, "POST", "/vobiz/events"),
            content_type: None,
            body: "",
        },
        Case {
            name: "vobiz events GET",
            req: signed(Provider::Vobiz, "GET", "/vobiz/events"),
            content_type: None,
            body: "",
        },
    ];
    for case in cases {
        // A fresh app per case: the GET and POST forms of one sample are the same event.
        let app = app!(config());
        let first = send!(&app, &case.req);
        assert_eq!(
            first.status,
            200,
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&first.body)
        );
        assert_eq!(
            first.header("content-type"),
            case.content_type,
            "{}",
            case.name
        );
        assert_eq!(first.header("voxhook-replayed"), None, "{}", case.name);
        if case.body == "json" {
            let doc: serde_json::Value = serde_json::from_slice(&first.body).unwrap();
            let want = serde_json::json!({"voxml_version":"1.0","instructions":[{"verb":"Say","text":HELLO}]});
            assert_eq!(doc, want, "{}", case.name);
        } else {
            assert_eq!(
                String::from_utf8_lossy(&first.body),
                case.body,
                "{}",
                case.name
            );
        }

        // The provider's retry (signed anew: a fresh nonce) is answered from the store.
        let provider = reference::ROUTES
            .iter()
            .find(|r| r.path == case.req.path())
            .unwrap()
            .provider;
        let retry = sign(&config(), provider, case.req.clone());
        let again = send!(&app, &retry);
        assert_eq!(again.status, 200, "{}", case.name);
        assert_eq!(
            again.header("voxhook-replayed"),
            Some("true"),
            "{}",
            case.name
        );
        assert_eq!(
            again.header("content-type"),
            case.content_type,
            "{}",
            case.name
        );
        assert_eq!(again.body, first.body, "{}", case.name);
    }
}

#[actix_web::test]
async fn a_caller_without_a_number_is_there() {
    let app = app!(config());
    let body = br#"{"event":"call.answered","call_uuid":"c-2","status":"answered"}"#;
    let req = sign(
        &config(),
        Provider::TryVox,
        Req::new("POST", "/tryvox/answer", Some("application/json"), body),
    );
    let got = send!(&app, &req);
    assert_eq!(got.status, 200);
    let doc: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(
        doc["instructions"][0]["text"],
        "Hello there, this is voxhook."
    );
}

#[actix_web::test]
async fn every_rejection_has_its_status_headers_and_body() {
    let app = app!(config());
    for case in rejections(&config()) {
        let got = send!(&app, &case.req);
        assert_eq!(
            got.status,
            case.status,
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&got.body)
        );
        assert_eq!(
            got.header("content-type"),
            Some("application/json"),
            "{}",
            case.name
        );
        assert_eq!(got.kind(), case.kind, "{}", case.name);
        for name in [
            "www-authenticate",
            "allow",
            "retry-after",
            "voxhook-replayed",
        ] {
            let want = case.header.filter(|(n, _)| *n == name).map(|(_, v)| v);
            assert_eq!(got.header(name), want, "{}: {name}", case.name);
        }
    }
}

#[actix_web::test]
async fn a_vobiz_nonce_seen_before_is_a_replay() {
    let app = app!(config());
    let req = signed(Provider::Vobiz, "POST", "/vobiz/events");
    assert_eq!(send!(&app, &req).status, 200);
    let replay = send!(&app, &req);
    assert_eq!(
        (replay.status, replay.kind().as_str()),
        (403, "replayed_nonce")
    );
}

#[actix_web::test]
async fn healthz_needs_no_credentials() {
    let app = app!(config());
    for method in ["GET", "HEAD"] {
        let got = send!(&app, &Req::new(method, "/healthz", None, b""));
        assert_eq!(got.status, 200, "{method}");
        assert_eq!(
            got.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{method}"
        );
        assert_eq!(got.body, b"ok", "{method}");
    }
}

#[actix_web::test]
async fn at_the_budget_an_answer_route_falls_back() {
    tokio::time::pause();
    let mut cfg = config();
    cfg.demo_delay = std::time::Duration::from_secs(10);
    let app = app!(cfg);
    let got = send!(&app, &signed(Provider::Vobiz, "POST", "/vobiz/answer"));
    assert_eq!(got.status, 200);
    let fallback = voxhook::voxml::fallback(Provider::Vobiz);
    assert_eq!(got.header("content-type"), Some(fallback.content_type));
    assert_eq!(got.body, fallback.body.to_vec());
}
