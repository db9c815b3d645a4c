//! journald `short`, `short-precise`, `short-iso` and RFC 3164 file lines.

use super::{position, split_ident, Envelope, EnvelopeKind};
use crate::time::{month_from_abbrev, parse_clock, parse_rfc3339_prefix, Stamp};
use std::borrow::Cow;

/// `Mar 18 10:21:19[.123456] host ident[pid]: msg` (day zero- or space-padded).
pub fn parse_short(line: &str) -> Option<Envelope<'_>> {
    let (stamp, used) = short_stamp(line)?;
    let rest = line[used..].strip_prefix(' ')?;
    Some(host_and_ident(rest, EnvelopeKind::Journald, stamp))
}

/// The `Mar 18 10:21:19[.123456]` that opens a journald `short` line, and
/// where it ends.
pub fn short_stamp(line: &str) -> Option<(Stamp, usize)> {
    let month = month_from_abbrev(line.get(0..3)?)?;
    let b = line.as_bytes();
    if b.get(3) != Some(&b' ') {
        return None;
    }
    let digit = |c: u8| c.is_ascii_digit().then(|| c - b'0');
    // `18 ` and ` 8 ` (journald pads the day with a space) at once; any other day field as written.
    let (day, rest) = match (b.get(4..7), b.get(7..).and(line.get(7..))) {
        (Some(&[tens, ones, b' ']), Some(clock)) if tens == b' ' || tens.is_ascii_digit() => {
            (digit(ones)? + if tens == b' ' { 0 } else { 10 * digit(tens)? }, clock)
        }
        _ => {
            let rest = line[4..].trim_start_matches(' ');
            let day_end = position(rest.as_bytes(), b' ')?;
            (rest[..day_end].parse().ok()?, &rest[day_end + 1..])
        }
    };
    if !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute, second, nanos, digits, used) = parse_clock(rest)?;
    let stamp = Stamp { year: None, year_offset: 0, month, day, hour, minute, second, nanos, digits, offset_s: None };
    Some((stamp, line.len() - rest.len() + used))
}

/// `2025-03-18T10:21:19+00:00 host ident[pid]: msg` (short-iso, rsyslog RFC 3339).
pub fn parse_iso(line: &str) -> Option<Envelope<'_>> {
    let (stamp, used) = parse_rfc3339_prefix(line)?;
    let rest = line[used..].strip_prefix(' ')?;
    Some(host_and_ident(rest, EnvelopeKind::JournaldIso, stamp))
}

fn host_and_ident(rest: &str, kind: EnvelopeKind, stamp: Stamp) -> Envelope<'_> {
    // With a host: "host ident[pid]: msg"; with --no-hostname: "ident[pid]: msg".
    let first_end = position(rest.as_bytes(), b' ').unwrap_or(rest.len());
    let first = &rest[..first_end];
    if first.ends_with(':') || position(first.as_bytes(), b'[').is_some() {
        if let Some((ident, body)) = split_ident(rest) {
            return Envelope {
                kind,
                stamp: Some(stamp),
                host: None,
                ident: Some(Cow::Borrowed(ident)),
                body: Cow::Borrowed(body),
                app: None,
            };
        }
    }
    let after_host = rest.get(first_end + 1..).unwrap_or("");
    match split_ident(after_host) {
        Some((ident, body)) => Envelope {
            kind,
            stamp: Some(stamp),
            host: Some(Cow::Borrowed(first)),
            ident: Some(Cow::Borrowed(ident)),
            body: Cow::Borrowed(body),
            app: None,
        },
        // A line without an identifier (e.g. a cut prefix): keep the text.
        None => {
            Envelope { kind, stamp: Some(stamp), host: Some(Cow::Borrowed(first)), ident: None, body: Cow::Borrowed(after_host), app: None }
        }
    }
}
