//! Syslog lines with a `<PRI>` prefix: RFC 5424 and RFC 3164 on the wire.

use super::{journald, split_ident, Envelope, EnvelopeKind};
use crate::time::parse_rfc3339_prefix;
use std::borrow::Cow;

/// `<PRI>1 TS host app procid msgid SD msg` or `<PRI>Mmm dd hh:mm:ss host tag: msg`.
pub fn parse(line: &str) -> Option<Envelope<'_>> {
    let close = line.find('>')?;
    if !(2..=4).contains(&close) || !line[1..close].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = &line[close + 1..];
    if let Some(v5424) = rest.strip_prefix("1 ") {
        let (stamp, used) = parse_rfc3339_prefix(v5424)?;
        let mut fields = v5424[used..].trim_start().splitn(5, ' ');
        let host = fields.next()?;
        let app = fields.next()?;
        let _procid = fields.next()?;
        let _msgid = fields.next()?;
        let mut msg = fields.next().unwrap_or("");
        if let Some(m) = msg.strip_prefix("- ") {
            msg = m;
        } else if msg.starts_with('[') {
            // Structured data: skip to the first "] " that ends it.
            if let Some(end) = msg.find("] ") {
                msg = &msg[end + 2..];
            }
        }
        let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
        return Some(Envelope {
            kind: EnvelopeKind::Syslog,
            stamp: Some(stamp),
            host: (host != "-").then_some(Cow::Borrowed(host)),
            ident: (app != "-").then_some(Cow::Borrowed(app)),
            body: Cow::Borrowed(msg),
            app: None,
        });
    }
    if let Some(mut e) = journald::parse_short(rest) {
        e.kind = EnvelopeKind::Syslog;
        return Some(e);
    }
    let (ident, body) = split_ident(rest)?;
    Some(Envelope {
        kind: EnvelopeKind::Syslog,
        stamp: None,
        host: None,
        ident: Some(Cow::Borrowed(ident)),
        body: Cow::Borrowed(body),
        app: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5424() {
        let e = parse("<30>1 2025-03-18T10:21:19.123456+00:00 node1 containerd 110 - - time=\"x\"").unwrap();
        assert_eq!(e.host.as_deref(), Some("node1"));
        assert_eq!(e.ident.as_deref(), Some("containerd"));
        assert_eq!(e.body, "time=\"x\"");
    }

    #[test]
    fn rfc3164_wire() {
        let e = parse("<30>Mar 18 10:21:19 node1 kubelet[246]: I0318 x").unwrap();
        assert_eq!(e.ident.as_deref(), Some("kubelet"));
        assert_eq!(e.body, "I0318 x");
    }
}
