//! CRI container log lines: `<RFC3339Nano> <stdout|stderr> <F|P> <message>`.

use super::{Envelope, EnvelopeKind};
use crate::time::parse_rfc3339_prefix;
use std::borrow::Cow;

/// A CRI log line: the envelope plus whether it is a partial fragment.
#[derive(Debug, Clone)]
pub struct CriLine<'a> {
    /// The envelope (body = the application's text).
    pub envelope: Envelope<'a>,
    /// True for a `P` (partial) fragment of a long line.
    pub partial: bool,
}

/// Parses a CRI container log line; `None` when the shape does not fit.
pub fn parse(line: &str) -> Option<CriLine<'_>> {
    let (stamp, used) = parse_rfc3339_prefix(line)?;
    stamp.offset_s?;
    let rest = line[used..].strip_prefix(' ')?;
    let (stream, rest) = rest.split_once(' ')?;
    if stream != "stdout" && stream != "stderr" {
        return None;
    }
    let (tags, msg) = match rest.split_once(' ') {
        Some((t, m)) => (t, m),
        None => (rest, ""),
    };
    if tags.is_empty() || !tags.split(':').all(|t| t == "F" || t == "P") {
        return None;
    }
    Some(CriLine {
        envelope: Envelope { kind: EnvelopeKind::Cri, stamp: Some(stamp), host: None, ident: None, body: Cow::Borrowed(msg), app: None },
        partial: tags.split(':').any(|t| t == "P"),
    })
}
