//! klog text lines: the header and structured `key=value` pairs.
//!
//! `I0318 10:21:19.149698     246 kubelet.go:2407] "SyncLoop ADD" source="api" pods=[…]`
//! The header has no year and no zone (process local time). Structured
//! messages are Go-quoted; values are quoted strings, bare tokens, or
//! bracketed `{…}`, `[…]`, `&{…}` renderings (klog ≤ v2.90 uses `%+v`,
//! later versions JSON).

use super::words::find_short;
use crate::time::{parse_clock, Stamp};
use std::borrow::Cow;

/// A klog line split into header fields, message and key/value text.
#[derive(Debug, Clone)]
pub struct KlogLine<'a> {
    /// `I`, `W`, `E` or `F`.
    pub level: char,
    /// Header time (no year, no zone).
    pub stamp: Stamp,
    /// `file.go:123` from the header.
    pub source: &'a str,
    /// The message: unquoted for structured lines, raw text otherwise.
    pub msg: Cow<'a, str>,
    /// True when the message was a quoted structured message.
    pub structured: bool,
    /// The text after the message (the key/value pairs).
    pub rest: &'a str,
    /// The message and pairs as written (quotes and escapes kept): for
    /// looking for words in either at once.
    pub written: &'a str,
    /// The fields of a kubelet `--logging-format=json` line, when it was one.
    pub json: Option<serde_json::Map<String, serde_json::Value>>,
    /// The `key=value` pairs of `rest`, split once (values as written).
    raw_pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> KlogLine<'a> {
    /// The value of `key` among the structured pairs, unquoted.
    pub fn get(&self, key: &str) -> Option<Cow<'a, str>> {
        if let Some(map) = &self.json {
            return map.get(key).map(|v| match v {
                serde_json::Value::String(s) => Cow::Owned(s.clone()),
                other => Cow::Owned(other.to_string()),
            });
        }
        self.raw_pairs.iter().find(|(k, _)| *k == key).map(|(_, raw)| unquote_value(raw))
    }

    /// A kubelet `--logging-format=json` line (`{"ts":…,"caller":…,"msg":…,"v":2,…}`).
    pub fn from_json(v: serde_json::Value, raw: &str) -> Option<KlogLine<'static>> {
        let serde_json::Value::Object(map) = v else { return None };
        let ts = map.get("ts")?.as_f64()?;
        let msg = map.get("msg")?.as_str()?.to_string();
        // `ts` is milliseconds as a float; read its digits from the text so the
        // microseconds are truncated exactly as klog's header would print them.
        let micros = ts_micros(raw).unwrap_or((ts * 1000.0).floor() as i64);
        let t = chrono::DateTime::from_timestamp_micros(micros)?;
        let level = if map.contains_key("err") && !map.contains_key("v") { 'E' } else { 'I' };
        let source: &'static str = "json";
        Some(KlogLine {
            level,
            stamp: Stamp::from_utc(t, 6),
            source,
            msg: Cow::Owned(msg),
            structured: true,
            rest: "",
            written: "",
            json: Some(map),
            raw_pairs: Vec::new(),
        })
    }

    /// All structured pairs, in order.
    pub fn pairs(&self) -> KvIter<'a> {
        KvIter::new(self.rest)
    }
}

/// Microseconds since the epoch from the `"ts":1742293282547.387` field of a raw JSON line.
fn ts_micros(raw: &str) -> Option<i64> {
    let i = raw.find("\"ts\":")? + 5;
    let rest = raw[i..].trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    let (ms, frac) = rest[..end].split_once('.').unwrap_or((&rest[..end], ""));
    let ms: i64 = ms.parse().ok()?;
    let us: i64 = format!("{:0<3}", &frac[..frac.len().min(3)]).parse().ok()?;
    Some(ms * 1000 + us)
}

/// Finds a klog header at the start of `body`, or after a cut/redacted prefix.
pub fn find(body: &str) -> Option<KlogLine<'_>> {
    if let Some(l) = parse(body) {
        return Some(l);
    }
    // A redacted or cut prefix: look for "I0318 " style headers further on.
    let bytes = body.as_bytes();
    let mut from = 0;
    while let Some(pos) = memchr::memchr3(b'I', b'W', b'E', &bytes[from..]) {
        let at = from + pos;
        if at > 0 && bytes[at - 1] == b' ' {
            if let Some(l) = parse(&body[at..]) {
                return Some(l);
            }
        }
        from = at + 1;
        if from >= bytes.len() {
            break;
        }
    }
    None
}

/// Parses a line that starts with a klog header.
pub fn parse(body: &str) -> Option<KlogLine<'_>> {
    let b = body.as_bytes();
    if b.len() < 22 {
        return None;
    }
    let level = b[0] as char;
    if !matches!(level, 'I' | 'W' | 'E' | 'F') {
        return None;
    }
    if !b[1..5].iter().all(u8::is_ascii_digit) || b[5] != b' ' {
        return None;
    }
    // (Checked above: four ASCII digits.)
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let (month, day) = (two(1), two(3));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute, second, nanos, digits, used) = parse_clock(&body[6..])?;
    let rest = skip_spaces(&body[6 + used..]);
    // PID (right-aligned, may be absent with some header options).
    let pid_end = rest.bytes().position(|c| !c.is_ascii_digit()).unwrap_or(rest.len());
    let rest = skip_spaces(&rest[pid_end..]);
    let close = close_bracket(rest)?;
    let source = &rest[..close];
    if memchr::memchr(b' ', source.as_bytes()).is_some() {
        return None;
    }
    let text = rest.get(close + 2..).unwrap_or("");
    let stamp = Stamp { year: None, year_offset: 0, month, day, hour, minute, second, nanos, digits, offset_s: None };
    if text.starts_with('"') {
        if let Some((msg, used)) = unquote_go(text) {
            let rest = &text[used..];
            // Room for the pairs of nearly every line, so the list is not regrown.
            let mut raw_pairs = Vec::with_capacity(8);
            raw_pairs.extend(KvIter::new(rest).raw());
            return Some(KlogLine { level, stamp, source, msg, structured: true, rest, written: text, json: None, raw_pairs });
        }
    }
    Some(KlogLine {
        level,
        stamp,
        source,
        msg: Cow::Borrowed(text),
        structured: false,
        rest: "",
        written: text,
        json: None,
        raw_pairs: Vec::new(),
    })
}

/// `s` without its leading spaces.
fn skip_spaces(s: &str) -> &str {
    // Spaces are ASCII: the first other byte starts a character.
    &s[s.bytes().position(|c| c != b' ').unwrap_or(s.len())..]
}

/// Where the header's `file.go:123]` ends: the first `]` followed by a space or the end.
fn close_bracket(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    memchr::memchr_iter(b']', b).find(|&i| matches!(b.get(i + 1), Some(b' ') | None))
}

/// Unquotes a Go `strconv.Quote` string at the start of `s`. Returns the
/// text (borrowed when it has no escapes, as most messages do) and the
/// bytes consumed (including both quotes).
pub fn unquote_go(s: &str) -> Option<(Cow<'_, str>, usize)> {
    let inner = s.strip_prefix('"')?;
    let stop = memchr::memchr2(b'"', b'\\', inner.as_bytes())?;
    if inner.as_bytes()[stop] == b'"' {
        return Some((Cow::Borrowed(&inner[..stop]), stop + 2));
    }
    let mut out = String::with_capacity(inner.len());
    // The plain run being copied starts at `at`; the search resumes at `from`.
    let (mut at, mut from) = (0, 0);
    loop {
        // Copy the plain run up to the next quote or backslash in one go.
        let next = from + memchr::memchr2(b'"', b'\\', &inner.as_bytes()[from..])?;
        out.push_str(&inner[at..next]);
        if inner.as_bytes()[next] == b'"' {
            return Some((Cow::Owned(out), next + 2));
        }
        // The common escapes (`\"`, `\\`) stand for the byte after them:
        // that byte starts the next run, copied with it.
        if let Some(b'"' | b'\\') = inner.as_bytes().get(next + 1) {
            (at, from) = (next + 1, next + 2);
            continue;
        }
        let mut chars = inner[next + 1..].chars();
        let e = chars.next()?;
        let mut used = 1 + e.len_utf8();
        let mut take = |n: usize| -> Option<&str> {
            let start = next + used;
            let h = inner.get(start..start + n)?;
            used += n;
            Some(h)
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'x' => out.push(char::from(u8::from_str_radix(take(2)?, 16).ok()?)),
            'u' => out.push(char::from_u32(u32::from_str_radix(take(4)?, 16).ok()?).unwrap_or('\u{fffd}')),
            'U' => out.push(char::from_u32(u32::from_str_radix(take(8)?, 16).ok()?).unwrap_or('\u{fffd}')),
            '0'..='7' => {
                let v = u32::from_str_radix(&inner[next + 1..next + 1 + 1 + take(2)?.len()], 8).ok()?;
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            other => out.push(other),
        }
        (at, from) = (next + used, next + used);
    }
}

/// Length of the Go-quoted string at the start of `s` (both quotes
/// included), found without unquoting it.
fn quoted_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// Iterates `key=value` pairs of a structured klog (or logrus) line.
pub struct KvIter<'a> {
    s: &'a str,
}

impl<'a> KvIter<'a> {
    /// Starts iterating the pairs in `s`.
    pub fn new(s: &'a str) -> Self {
        KvIter { s }
    }
}

impl<'a> KvIter<'a> {
    /// The next pair with its value as written (quotes and escapes kept).
    fn next_raw(&mut self) -> Option<(&'a str, &'a str)> {
        let s = skip_spaces(self.s);
        // Keys are short: one pass finds the `=` and checks every byte before it.
        let eq = s.bytes().position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'))?;
        if eq == 0 || s.as_bytes()[eq] != b'=' {
            return None;
        }
        let key = &s[..eq];
        let v = &s[eq + 1..];
        let used = match v.as_bytes() {
            [b'"', ..] => quoted_len(v).unwrap_or(v.len()),
            [b'{' | b'[', ..] | [b'&', b'{', ..] => balanced_len(v),
            _ => memchr::memchr(b' ', v.as_bytes()).unwrap_or(v.len()),
        };
        self.s = &v[used..];
        Some((key, &v[..used]))
    }

    /// The pairs with their values as written (quotes and escapes kept).
    pub fn raw(mut self) -> impl Iterator<Item = (&'a str, &'a str)> {
        std::iter::from_fn(move || self.next_raw())
    }

    /// The value of the first pair named `key`, unquoted; other values are skipped, not unquoted.
    pub fn value_of(mut self, key: &str) -> Option<Cow<'a, str>> {
        while let Some((k, raw)) = self.next_raw() {
            if k == key {
                return Some(unquote_value(raw));
            }
        }
        None
    }
}

/// A raw value, unquoted when it is a complete Go-quoted string.
fn unquote_value(raw: &str) -> Cow<'_, str> {
    if raw.starts_with('"') {
        if let Some((u, n)) = unquote_go(raw) {
            if n == raw.len() {
                return u;
            }
        }
    }
    Cow::Borrowed(raw)
}

impl<'a> Iterator for KvIter<'a> {
    type Item = (&'a str, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        self.next_raw().map(|(k, raw)| (k, unquote_value(raw)))
    }
}

/// Length of a bracketed value (`{…}`, `[…]`, `&{…}`), respecting quotes.
/// Jumps from quote or closing bracket to the next (the text between is
/// only counted for opening brackets): values are long, brackets few.
fn balanced_len(v: &str) -> usize {
    let b = v.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    loop {
        let Some(rest) = b.get(i..) else { return b.len() };
        let Some(stop) = memchr::memchr3(b'"', b'}', b']', rest) else { return b.len() };
        depth += memchr::memchr2_iter(b'{', b'[', &rest[..stop]).count() as i32;
        i += stop;
        if b[i] == b'"' {
            // A quoted string: its brackets do not count; `\` escapes the next byte.
            i += 1;
            loop {
                let Some(rest) = b.get(i..) else { return b.len() };
                let Some(at) = memchr::memchr2(b'"', b'\\', rest) else { return b.len() };
                i += at;
                if b[i] == b'"' {
                    i += 1;
                    break;
                }
                i += 2;
            }
        } else {
            depth -= 1;
            if depth <= 0 {
                return i + 1;
            }
            i += 1;
        }
    }
}

/// Parses a klog pod list: `["ns/a" "ns/b"]`, `[ns/a ns/b]`, `"[ns/a]"` or
/// JSON objects (items borrowed from `v` where they are written whole).
pub fn pod_list(v: &str) -> Vec<Cow<'_, str>> {
    let inner = v.trim().trim_start_matches('[').trim_end_matches(']');
    if find_short(inner.as_bytes(), b"\"namespace\"").is_some() {
        // kubelet JSON logging: [{"name":"x","namespace":"y"}]
        let mut out = Vec::new();
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(v) {
            for it in items {
                if let (Some(n), Some(ns)) = (it.get("name").and_then(|x| x.as_str()), it.get("namespace").and_then(|x| x.as_str())) {
                    out.push(Cow::Owned(format!("{ns}/{n}")));
                }
            }
        }
        return out;
    }
    let mut out = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let (item, used) = if rest.starts_with('"') {
            match unquote_go(rest) {
                Some((s, n)) => (s, n),
                None => (Cow::Borrowed(rest.trim_matches('"')), rest.len()),
            }
        } else {
            let n = rest.find(' ').unwrap_or(rest.len());
            (Cow::Borrowed(&rest[..n]), n)
        };
        if item.contains('/') {
            out.push(item);
        }
        rest = rest[used..].trim_start();
    }
    out
}

/// The fields of a PLEG event: `&{ID:u Type:T Data:d}` or `{"ID":"u","Type":"T","Data":"d"}`.
pub fn pleg_event(v: &str) -> Option<(Cow<'_, str>, Cow<'_, str>, Cow<'_, str>)> {
    if v.starts_with("&{") {
        let mut inner = v;
        while let Some(after) = inner.strip_prefix("&{") {
            inner = after;
        }
        let inner = inner.trim_end_matches('}');
        let mut id = None;
        let mut ty = None;
        let mut data = None;
        for part in inner.split(' ') {
            if let Some(x) = part.strip_prefix("ID:") {
                id = Some(Cow::Borrowed(x));
            } else if let Some(x) = part.strip_prefix("Type:") {
                ty = Some(Cow::Borrowed(x));
            } else if let Some(x) = part.strip_prefix("Data:") {
                data = Some(Cow::Borrowed(x));
            }
        }
        return Some((id?, ty?, data?));
    }
    /// The JSON rendering (klog ≥ v2.90); fields other than these are ignored.
    #[derive(serde::Deserialize)]
    struct PlegJson<'a> {
        #[serde(rename = "ID", borrow)]
        id: Cow<'a, str>,
        #[serde(rename = "Type", borrow)]
        ty: Cow<'a, str>,
        #[serde(rename = "Data", borrow)]
        data: Cow<'a, str>,
    }
    let j: PlegJson = serde_json::from_str(v).ok()?;
    Some((j.id, j.ty, j.data))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// [`super::balanced_len`] byte by byte, as first written: the reference.
    fn balanced_len_bytewise(v: &str) -> usize {
        let b = v.as_bytes();
        let (mut depth, mut in_str, mut i) = (0i32, false, 0);
        while i < b.len() {
            let c = b[i];
            if in_str {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_str = false;
                }
            } else {
                match c {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth <= 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        b.len()
    }

    proptest! {
        #[test]
        fn bracketed_values_end_where_a_bytewise_scan_says(v in "[{}\\[\\]\"\\\\a &:]{0,40}") {
            prop_assert_eq!(super::balanced_len(&v), balanced_len_bytewise(&v), "{:?}", v);
        }
    }

    use super::*;

    #[test]
    fn header_and_pairs() {
        let l = parse(r#"I0318 10:21:22.519925     246 kuberuntime_container.go:808] "Killing container with a grace period" pod="pod-e2e-dx5dg/group-0" podUID="8bb7de3e-72f0-4102-adbd-53897040775e" containerName="c" containerID="containerd://62e0" gracePeriod=2"#).unwrap();
        assert_eq!(l.level, 'I');
        assert_eq!(l.source, "kuberuntime_container.go:808");
        assert_eq!(l.msg, "Killing container with a grace period");
        assert_eq!(l.stamp.nanos, 519_925_000);
        assert_eq!(l.stamp.digits, 6);
        assert_eq!(l.get("gracePeriod").as_deref(), Some("2"));
        assert_eq!(l.get("containerID").as_deref(), Some("containerd://62e0"));
    }

    #[test]
    fn escaped_message_and_bracket_values() {
        let l = parse(r#"I0318 10:21:21.516037     246 kubelet.go:2439] "SyncLoop (PLEG): event for pod" pod="a/b" event={"ID":"u","Type":"ContainerStarted","Data":"d 1"}"#).unwrap();
        let ev = l.get("event").unwrap();
        assert_eq!(pleg_event(&ev), Some(("u".into(), "ContainerStarted".into(), "d 1".into())));
        let l = parse(r#"I1012 19:34:45.357018    2480 kubelet.go:2231] "SyncLoop (PLEG): event for pod" pod="default/nginx" event=&{ID:27aff94d Type:ContainerDied Data:4296b9e2}"#).unwrap();
        assert_eq!(pleg_event(&l.get("event").unwrap()).unwrap().1, "ContainerDied");
        let l = parse(r#"I0618 00:01:36.682934  391617 reconciler_common.go:162] "operationExecutor.UnmountVolume started for volume \"kube-api-access-4rpzn\" (UID: \"1e53\") ""#).unwrap();
        assert!(l.msg.contains("volume \"kube-api-access-4rpzn\""));
    }

    #[test]
    fn pod_lists() {
        assert_eq!(pod_list(r#"["a/b" "c/d"]"#), vec!["a/b", "c/d"]);
        assert_eq!(pod_list("[a/b c/d]"), vec!["a/b", "c/d"]);
        assert_eq!(pod_list("[default/nginx kube-system/kube-proxy-5thr6]")[0], "default/nginx");
    }

    #[test]
    fn go_unquote_escapes() {
        assert_eq!(unquote_go(r#""a\"b\\c\n\u00e9" rest"#), Some((Cow::Owned("a\"b\\c\né".to_string()), 17)));
        assert_eq!(unquote_go(r#""plain" rest"#), Some((Cow::Borrowed("plain"), 7)));
        assert_eq!(unquote_go(r#""\x41\101\U0001F600\t!""#), Some((Cow::Owned("AA\u{1F600}\t!".to_string()), 23)));
        assert_eq!(unquote_go(r#""bad \xZZ""#), None);
        assert_eq!(quoted_len(r#""a\"b" rest"#), Some(6));
        assert_eq!(unquote_go(r#""unterminated"#), None);
    }

    #[test]
    fn redacted_prefix() {
        let l = find(r#"...... I0507 11:59:35.029584    3224 kubelet.go:2408] "SyncLoop REMOVE" source="api""#).unwrap();
        assert_eq!(l.msg, "SyncLoop REMOVE");
    }
}
