//! API objects and audit events (any JSON value), with slice state across documents.
#![no_main]
use libfuzzer_sys::fuzz_target;
use podmortem::parse::{kube_json, ApiState};

fuzz_target!(|data: &[u8]| {
    let mut st = ApiState::default();
    for v in serde_json::Deserializer::from_slice(data).into_iter::<serde_json::Value>().flatten() {
        let _ = kube_json::parse_object(&v, &mut st);
    }
});
