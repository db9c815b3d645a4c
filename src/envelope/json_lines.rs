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
    Some(Envelope { kind: EnvelopeKind::JournalJson, stamp, host, ident, body: Cow::Owned(message) })
}

/// Finds `"KEY":"value"` without escapes and borrows the value.
fn borrow_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\":\"");
    let start = line.find(&pat)? + pat.len();
    let end = start + line[start..].find('"')?;
    let v = &line[start..end];
    (!v.contains('\\')).then_some(v)
}
