//! `journalctl -o json` lines: one JSON object per journal entry.

use super::{Envelope, EnvelopeKind};
use crate::time::Stamp;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::borrow::Cow;

/// Parses a journal export object; `None` for any other JSON.
pub fn parse(line: &str) -> Option<Envelope<'_>> {
    if !line.contains("\"__REALTIME_TIMESTAMP\"") && !line.contains("\"MESSAGE\"") {
        return None;
    }
    let v: Value = serde_json::from_str(line).ok()?;
    let obj = v.as_object()?;
    let message = match obj.get("MESSAGE")? {
        Value::String(s) => s.clone(),
        // Non-UTF-8 messages are exported as arrays of byte values.
        Value::Array(bytes) => {
            let raw: Vec<u8> = bytes.iter().filter_map(|b| b.as_u64().map(|n| n as u8)).collect();
            String::from_utf8_lossy(&raw).into_owned()
        }
        _ => return None,
    };
    let micros = obj
        .get("_SOURCE_REALTIME_TIMESTAMP")
        .or_else(|| obj.get("__REALTIME_TIMESTAMP"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<i64>().ok());
    let stamp = micros.and_then(DateTime::<Utc>::from_timestamp_micros).map(|t| Stamp::from_utc(t, 6));
    // Host and identifier borrow from the line when they are plain strings.
    let host = borrow_field(line, "_HOSTNAME");
    let ident = borrow_field(line, "SYSLOG_IDENTIFIER").or_else(|| borrow_field(line, "_COMM"));
    Some(Envelope {
        kind: EnvelopeKind::JournalJson,
        stamp,
        host: host.map(Cow::Borrowed),
        ident: ident.map(Cow::Borrowed),
        body: Cow::Owned(message),
        app: None,
    })
}

/// Parses a Grafana Loki `logcli query -o jsonl` entry: `{"labels":{…},"line":"…","timestamp":"…"}`.
/// The line may itself be a full journald/syslog/CRI line; its envelope then wins.
pub fn parse_loki(line: &str) -> Option<Envelope<'_>> {
    if !line.contains("\"line\"") {
        return None;
    }
    let v: Value = serde_json::from_str(line).ok()?;
    let text = v.get("line")?.as_str()?.to_string();
    let labels = v.get("labels").and_then(Value::as_object);
    let label = |keys: &[&str]| -> Option<String> {
        let l = labels?;
        keys.iter().find_map(|k| l.get(*k).and_then(Value::as_str)).map(str::to_string)
    };
    let stamp = v.get("timestamp").and_then(Value::as_str).and_then(crate::time::parse_rfc3339_prefix).map(|(s, _)| s);
    let host = label(&["node", "nodename", "host", "hostname", "node_name", "instance"]);
    let unit = label(&["unit", "syslog_identifier", "service_name", "app", "job"]).map(|u| u.trim_end_matches(".service").to_string());
    let app = match (label(&["namespace"]), label(&["pod", "pod_name"]), label(&["container", "container_name"])) {
        (Some(ns), Some(pod), Some(container)) => Some(crate::parse::app::AppLogIdentity {
            pod: crate::event::PodRef { namespace: Some(ns), name: Some(pod), uid: None },
            container,
            container_id: None,
        }),
        _ => None,
    };
    // Re-split the inner line: it may carry its own envelope.
    let inner = super::split(&text);
    let (stamp, body, inner_host, inner_ident) = match inner.kind {
        EnvelopeKind::Bare => (stamp, text.clone(), None, None),
        _ => (inner.stamp.or(stamp), inner.body.into_owned(), inner.host.map(|h| h.into_owned()), inner.ident.map(|i| i.into_owned())),
    };
    Some(Envelope {
        kind: EnvelopeKind::Loki,
        stamp,
        host: host.or(inner_host).map(Cow::Owned),
        ident: unit.or(inner_ident).map(Cow::Owned),
        body: Cow::Owned(body),
        app,
    })
}

/// Finds `"KEY":"value"` without escapes and borrows the value.
fn borrow_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\":\"");
    let start = line.find(&pat)? + pat.len();
    let end = start + line[start..].find('"')?;
    let v = &line[start..end];
    (!v.contains('\\')).then_some(v)
}
