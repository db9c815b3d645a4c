//! Envelopes: the prefix a log shipper wraps around a component's line.
//!
//! An envelope may carry a timestamp, a host and an identifier (`kubelet`,
//! `containerd[110]`); the component's own line is the `body`. Recognisers
//! are tried from the most to the least specific; a line no recogniser
//! claims is passed on whole as a bare line (redacted or cut prefixes such
//! as `......` are trimmed).

mod cri;
mod journald;
mod json_lines;
mod syslog;

use crate::time::Stamp;
use std::borrow::Cow;

pub use cri::parse as parse_cri;

/// Which envelope wrapped a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EnvelopeKind {
    /// journald `short`/`short-precise` or RFC 3164 syslog (`Mar 18 10:21:19 host ident[pid]: …`).
    Journald,
    /// journald `short-iso` or rsyslog RFC 3339 file format.
    JournaldIso,
    /// RFC 3164/5424 syslog with a `<PRI>` prefix.
    Syslog,
    /// `journalctl -o json`.
    JournalJson,
    /// CRI container log line (`<RFC3339Nano> stdout F …`).
    Cri,
    /// Grafana Loki `logcli query -o jsonl` entry.
    Loki,
    /// No envelope (or one cut off).
    Bare,
}

impl EnvelopeKind {
    /// The name used in the JSON `inputs[].formats` list.
    pub fn name(self) -> &'static str {
        match self {
            EnvelopeKind::Journald => "journald",
            EnvelopeKind::JournaldIso => "journald-iso",
            EnvelopeKind::Syslog => "syslog",
            EnvelopeKind::JournalJson => "journald-json",
            EnvelopeKind::Cri => "cri",
            EnvelopeKind::Loki => "loki",
            EnvelopeKind::Bare => "bare",
        }
    }
}

/// A line split into its envelope and the component's own text.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    /// Which envelope it was.
    pub kind: EnvelopeKind,
    /// The envelope's timestamp, if any.
    pub stamp: Option<Stamp>,
    /// Host name from the envelope.
    pub host: Option<Cow<'a, str>>,
    /// Identifier (`kubelet`, `containerd`, `kernel`, `systemd`), without `[pid]`.
    pub ident: Option<Cow<'a, str>>,
    /// The component's line.
    pub body: Cow<'a, str>,
    /// The Pod and container a shipper's labels name (Loki exports), when the line is app output.
    pub app: Option<crate::parse::app::AppLogIdentity>,
}

impl<'a> Envelope<'a> {
    fn bare(line: &'a str) -> Envelope<'a> {
        let trimmed = line.trim_start_matches(['.', ' ', '\u{2026}']);
        Envelope { kind: EnvelopeKind::Bare, stamp: None, host: None, ident: None, body: Cow::Borrowed(trimmed), app: None }
    }
}

/// Splits a line into envelope and body. Never fails: unknown shapes are bare.
pub fn split(line: &str) -> Envelope<'_> {
    let b = line.as_bytes();
    match b.first() {
        Some(b'<') => syslog::parse(line).unwrap_or_else(|| Envelope::bare(line)),
        Some(b'{') => json_lines::parse(line).or_else(|| json_lines::parse_loki(line)).unwrap_or_else(|| Envelope::bare(line)),
        Some(c) if c.is_ascii_uppercase() && b.len() > 15 => journald::parse_short(line).unwrap_or_else(|| Envelope::bare(line)),
        Some(c) if c.is_ascii_digit() && b.len() > 20 && b[4] == b'-' => {
            cri::parse(line).map(|c| c.envelope).or_else(|| journald::parse_iso(line)).unwrap_or_else(|| Envelope::bare(line))
        }
        _ => Envelope::bare(line),
    }
}

/// Where a journald line's host, identifier and message lie, as offsets
/// from the end of its clock: what [`split`] reads in its ` host ident[pid]: `,
/// kept to read the next lines with the same one without reading it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournaldTag {
    host: Option<(usize, usize)>,
    ident: Option<(usize, usize)>,
    /// The tag's length: the message starts this far after the clock.
    pub len: usize,
}

impl JournaldTag {
    /// How [`split`] reads `line`'s tag (`tag_len` bytes after its clock,
    /// which ends at `clock_end`); `None` when it does not read `line` as a
    /// journald line whose message follows that tag.
    pub fn read(line: &str, clock_end: usize, tag_len: usize) -> Option<JournaldTag> {
        let env = split(line);
        let base = line.as_ptr() as usize + clock_end;
        let offsets = |part: &Option<Cow<str>>| match part {
            Some(Cow::Borrowed(s)) => Some(Some((s.as_ptr() as usize - base, s.len()))),
            Some(Cow::Owned(_)) => None,
            None => Some(None),
        };
        let body_at = match &env.body {
            Cow::Borrowed(b) => b.as_ptr() as usize,
            Cow::Owned(_) => return None,
        };
        let read_whole = env.kind == EnvelopeKind::Journald && env.app.is_none() && body_at == base + tag_len;
        read_whole.then_some(JournaldTag { host: offsets(&env.host)?, ident: offsets(&env.ident)?, len: tag_len })
    }

    /// [`split`] of a line whose clock ends at `clock_end`, reads as
    /// `stamp` (as [`journald_clock`] reads it; lines of one second share
    /// it) and is followed by this tag.
    pub fn split_at_stamp<'a>(&self, line: &'a str, clock_end: usize, stamp: Stamp) -> Option<Envelope<'a>> {
        let part = |at: Option<(usize, usize)>| {
            at.and_then(|(start, len)| line.get(clock_end + start..clock_end + start + len)).map(Cow::Borrowed)
        };
        Some(Envelope {
            kind: EnvelopeKind::Journald,
            stamp: Some(stamp),
            host: part(self.host),
            ident: part(self.ident),
            body: Cow::Borrowed(line.get(clock_end + self.len..)?),
            app: None,
        })
    }
}

/// The time of a journald `short` line whose clock ends at `clock_end`, as
/// [`split`] reads it; `None` when it does not read as one that ends there.
pub fn journald_clock(line: &str, clock_end: usize) -> Option<Stamp> {
    let (stamp, used) = journald::short_stamp(line)?;
    (used == clock_end).then_some(stamp)
}

/// The identifier of a journald or syslog-file line (`kubelet` in
/// `Mar 18 10:21:19 host kubelet[246]: …`), read without parsing the rest;
/// what [`split`] would name as `ident` for such a line. Also gives the
/// message after `ident[pid]: ` when the tag is followed by one.
pub fn journald_ident(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let after_stamp = match line.first()? {
        c if c.is_ascii_uppercase() && line.get(3) == Some(&b' ') => {
            // `Mar 18 10:21:19[.123456] ` (day zero- or space-padded).
            let rest = trim_spaces(&line[4..]);
            let rest = &rest[position(rest, b' ')? + 1..];
            &rest[position(rest, b' ')? + 1..]
        }
        c if c.is_ascii_digit() && line.get(4) == Some(&b'-') => &line[position(line, b' ')? + 1..],
        _ => return None,
    };
    let first = first_word(after_stamp);
    // With --no-hostname the first word is already `ident[pid]:`.
    let tag = if first.ends_with(b":") || first.contains(&b'[') { first } else { first_word(after_stamp.get(first.len() + 1..)?) };
    let end = tag.iter().position(|&b| b == b'[' || b == b':')?;
    // `tag` lies inside `line`: the message starts after it and one space.
    let tag_end = tag.as_ptr() as usize - line.as_ptr() as usize + tag.len();
    let body = line.get(tag_end + 1..).unwrap_or(&[]);
    (end > 0).then(|| (&tag[..end], body))
}

/// Where the clock of a journald `short` or `short-precise` line ends
/// (`Mar 18 10:21:19[.123456]`, the day zero- or space-padded); `None` for
/// any other line.
pub fn journald_clock_end(line: &[u8]) -> Option<usize> {
    const SECONDS_END: usize = 15;
    let shaped = line.len() > SECONDS_END + 4 && line[0].is_ascii_uppercase() && line[3] == b' ' && line[9] == b':' && line[12] == b':';
    if !shaped {
        return None;
    }
    if line[SECONDS_END] != b'.' {
        return Some(SECONDS_END);
    }
    let digits = line[SECONDS_END + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
    Some(SECONDS_END + 1 + digits)
}

/// The ` host ident[pid]: ` (or ` ident[pid]: `) that follows the clock of
/// a journald line (`after_clock` starts right after it), when it is one;
/// what lies before a journald line's message and is not the message.
pub fn journald_tag(after_clock: &[u8]) -> Option<&[u8]> {
    let colon = memchr::memchr(b':', after_clock)?;
    let head = &after_clock[..colon];
    let spaces = head.iter().filter(|&&b| b == b' ').count();
    let tagged =
        head.first() == Some(&b' ') && (1..=2).contains(&spaces) && !head.ends_with(b" ") && after_clock.get(colon + 1) == Some(&b' ');
    tagged.then(|| &after_clock[..colon + 2])
}

/// The first space-separated word of `s`.
fn first_word(s: &[u8]) -> &[u8] {
    &s[..position(s, b' ').unwrap_or(s.len())]
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ', rest @ ..] = s {
        s = rest;
    }
    s
}

/// True for journald's own header/footer lines (`-- Logs begin at … --`).
pub fn is_journal_banner(line: &str) -> bool {
    line.starts_with("-- ") && (line.ends_with(" --") || line.contains("No entries"))
}

/// Where byte `c` first occurs in `b`: a plain loop, cheaper than `memchr`'s
/// set-up for the short words of an envelope (hosts, identifiers, days).
fn position(b: &[u8], c: u8) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

/// Splits `ident[pid]:` into the identifier; shared by journald and syslog.
fn split_ident(rest: &str) -> Option<(&str, &str)> {
    let b = rest.as_bytes();
    // The tag ends at the first `: `; a space before it means there is no tag.
    let mut colon = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b' ' => return None,
            b':' if b.get(i + 1).is_none_or(|&n| n == b' ') => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let tag = &rest[..colon];
    if tag.is_empty() {
        return None;
    }
    let ident = &tag[..position(tag.as_bytes(), b'[').unwrap_or(tag.len())];
    let body = rest.get(colon + 2..).unwrap_or("");
    Some((ident, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journald_short() {
        let e = split("Mar 18 10:21:19 kind-worker kubelet[246]: I0318 10:21:19.149698     246 kubelet.go:2407] \"SyncLoop ADD\"");
        assert_eq!(e.kind, EnvelopeKind::Journald);
        assert_eq!(e.host.as_deref(), Some("kind-worker"));
        assert_eq!(e.ident.as_deref(), Some("kubelet"));
        assert!(e.body.starts_with("I0318 10:21:19.149698"));
        let st = e.stamp.unwrap();
        assert_eq!((st.month, st.day, st.hour, st.second), (3, 18, 10, 19));
    }

    #[test]
    fn syslog_space_padded_day_and_kernel() {
        let e = split("May  9 18:14:43 aks-node kernel: [  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG");
        assert_eq!(e.ident.as_deref(), Some("kernel"));
        assert_eq!(e.stamp.unwrap().day, 9);
        assert!(e.body.starts_with("[  139.201465]"));
    }

    #[test]
    fn journald_ident_agrees_with_split() {
        for line in [
            "Mar 18 10:21:19 kind-worker kubelet[246]: I0318 10:21:19.149698     246 kubelet.go:2407] \"SyncLoop ADD\"",
            "May  9 18:14:43 aks-node kernel: [  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG",
            "Mar 18 10:21:19.123456 kind-worker containerd[110]: time=\"2025-03-18T10:21:19Z\" level=info msg=\"x\"",
            "2025-03-18T10:21:19+00:00 kind-worker kubelet[246]: I0318 x",
            "Mar 18 10:21:19 kubelet[246]: I0318 x",
        ] {
            let expected = split(line).ident.map(|i| i.into_owned());
            let fast = journald_ident(line.as_bytes()).map(|(i, _)| String::from_utf8_lossy(i).into_owned());
            assert_eq!(fast, expected, "{line}");
        }
        assert_eq!(journald_ident(b"I0318 10:21:19.149698     246 kubelet.go:2407] x"), None);
        let (_, body) = journald_ident(b"Mar 18 10:21:19 kind-worker containerd[110]: time=\"x\"").unwrap();
        assert_eq!(body, b"time=\"x\"");
    }

    #[test]
    fn journald_tag_is_the_envelope_split_reads() {
        // Where the message starts, by clock and tag, is where `split` puts the body.
        for line in [
            "Mar 18 10:21:19 kind-worker kubelet[246]: I0318 10:21:19.149698     246 kubelet.go:2407] \"SyncLoop ADD\"",
            "May  9 18:14:43 aks-node kernel: [  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG",
            "Mar 18 10:21:19.123456 kind-worker containerd[110]: time=\"2025-03-18T10:21:19Z\" level=info msg=\"x\"",
            "Mar 18 10:21:19 kubelet[246]: I0318 x",
        ] {
            let b = line.as_bytes();
            let clock_end = journald_clock_end(b).expect(line);
            let tag = journald_tag(&b[clock_end..]).expect(line);
            assert_eq!(&line[clock_end + tag.len()..], split(line).body, "{line}");
        }
        // A tag read on one line splits the next lines that share it as `split` does.
        let first = "Mar 18 10:21:19 kind-worker kubelet[246]: I0318 first";
        let tag = JournaldTag::read(first, 15, " kind-worker kubelet[246]: ".len()).unwrap();
        let split_known = |tag: JournaldTag, line| tag.split_at_stamp(line, 15, journald_clock(line, 15)?);
        for line in ["Mar  8 09:01:02 kind-worker kubelet[246]: I0308 later", "Mar 18 10:21:19 kind-worker kubelet[246]: "] {
            let (known, read) = (split_known(tag, line).unwrap(), split(line));
            assert_eq!((known.kind, known.host, known.ident, known.body), (read.kind, read.host, read.ident, read.body), "{line}");
            assert_eq!(known.stamp.map(|s| (s.month, s.day, s.hour, s.second)), read.stamp.map(|s| (s.month, s.day, s.hour, s.second)));
        }
        assert!(split_known(tag, "Foo 18 10:21:19 kind-worker kubelet[246]: x").is_none(), "not a month: read afresh");
        let no_host = "Mar 18 10:21:19 kubelet[246]: I0318 x";
        let tag = JournaldTag::read(no_host, 15, " kubelet[246]: ".len()).unwrap();
        let known = split_known(tag, no_host).unwrap();
        assert_eq!((known.host, known.ident.as_deref()), (None, Some("kubelet")));
        // Words of a message before a colon are not a tag: nothing is cut.
        let untagged = b"Mar 18 10:21:19 kind-worker Killing container with a grace period: x";
        assert_eq!(journald_tag(&untagged[journald_clock_end(untagged).unwrap()..]), None);
        assert_eq!(journald_tag(b" kind-worker kubelet[246]:x"), None, "no space after the colon");
        assert_eq!(journald_clock_end(b"I0318 10:21:19.149698     246 kubelet.go:2407] x"), None);
        assert_eq!(journald_clock_end(b"2025-03-18T10:21:19+00:00 kind-worker kubelet[246]: x"), None);
    }

    #[test]
    fn snap_ident() {
        let e = split("Nov 18 13:57:42 insujang-tmaxlinux microk8s.daemon-containerd[8816]: time=\"2019-11-18T13:57:42.617846445+09:00\" level=info msg=\"x\"");
        assert_eq!(e.ident.as_deref(), Some("microk8s.daemon-containerd"));
    }

    #[test]
    fn bare_and_redacted() {
        let e = split("I0507 11:59:35.029584    3224 kubelet.go:2408] \"SyncLoop REMOVE\"");
        assert_eq!(e.kind, EnvelopeKind::Bare);
        let e = split("...... I0507 11:59:35.029584    3224 kubelet.go:2408] \"SyncLoop REMOVE\"");
        assert!(e.body.starts_with("I0507"));
    }

    #[test]
    fn iso_and_cri() {
        let e = split("2025-03-18T10:21:19+00:00 kind-worker kubelet[246]: I0318 x");
        assert_eq!(e.kind, EnvelopeKind::JournaldIso);
        assert_eq!(e.ident.as_deref(), Some("kubelet"));
        let e = split("2026-04-16T11:53:43.1234Z stdout F [11:53:43] received SIGTERM");
        assert_eq!(e.kind, EnvelopeKind::Cri);
        assert_eq!(e.body, "[11:53:43] received SIGTERM");
    }

    #[test]
    fn loki_export_lines() {
        let e = split(
            r#"{"labels":{"job":"systemd-journal","node":"kind-worker","unit":"kubelet.service"},"line":"I0318 10:21:22.519925     246 kuberuntime_container.go:808] \"Killing container with a grace period\"","timestamp":"2025-03-18T10:21:22.519925+02:00"}"#,
        );
        assert_eq!(e.kind, EnvelopeKind::Loki);
        assert_eq!(e.host.as_deref(), Some("kind-worker"));
        assert_eq!(e.ident.as_deref(), Some("kubelet"));
        assert!(e.body.starts_with("I0318"));
        let e = split(
            r#"{"labels":{"namespace":"default","pod":"web-1","container":"app"},"line":"2026-04-16T11:53:43.4Z stdout F got SIGTERM","timestamp":"2026-04-16T11:53:43.4Z"}"#,
        );
        assert_eq!(e.app.as_ref().unwrap().container, "app");
        assert_eq!(e.body, "got SIGTERM");
    }

    #[test]
    fn journal_json() {
        let e = split(
            r#"{"__REALTIME_TIMESTAMP":"1742293282547387","_HOSTNAME":"kind-worker","SYSLOG_IDENTIFIER":"kubelet","MESSAGE":"I0318 10:21:22.547387     246 x.go:1] \"y\""}"#,
        );
        assert_eq!(e.kind, EnvelopeKind::JournalJson);
        assert_eq!(e.host.as_deref(), Some("kind-worker"));
        assert!(e.body.starts_with("I0318"));
        assert_eq!(e.stamp.unwrap().year, Some(2025));
    }
}
