//! Exact output for the reference receiver's answers.

use crate::Provider;
use crate::voxml::{Document, Response};

fn hello(from: &str) -> Document {
    Response::new()
        .say(format!("Hello {from}, this is voxhook."))
        .into()
}

#[test]
fn reference_receiver_answers() {
    let doc = hello("+14155550100");
    let tryvox = doc.render(Provider::TryVox).unwrap();
    assert_eq!(tryvox.content_type, "application/json");
    let json: serde_json::Value = serde_json::from_slice(&tryvox.body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"voxml_version":"1.0","instructions":[{"verb":"Say","text":"Hello +14155550100, this is voxhook."}]})
    );
    let vx = doc.render(Provider::Voxtelesys).unwrap();
    assert_eq!(vx.content_type, "application/xml");
    assert_eq!(
        &vx.body[..],
        br#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello +14155550100, this is voxhook.</Say></Response>"#
    );
    let vb = doc.render(Provider::Vobiz).unwrap();
    assert_eq!(vb.content_type, "application/xml");
    assert_eq!(
        &vb.body[..],
        br#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>Hello +14155550100, this is voxhook.</Speak></Response>"#
    );
}

#[test]
fn caller_text_is_escaped() {
    let doc = hello("<there> & \"co\"");
    let vb = doc.render(Provider::Vobiz).unwrap();
    assert_eq!(
        &vb.body[..],
        br#"<?xml version="1.0" encoding="UTF-8"?><Response><Speak>Hello &lt;there&gt; &amp; &quot;co&quot;, this is voxhook.</Speak></Response>"#
    );
}

#[test]
fn document_is_send_sync_static() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Document>();
    assert_send_sync::<crate::voxml::Rendered>();
}
