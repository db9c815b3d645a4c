//! The prefilter: does a line hold any marker literal? Every parser names
//! the literals its messages hold ([`super::markers`]); a node log line
//! with none of them is counted, not parsed.
//!
//! Most relevant lines open their message with a marker (`"SyncLoop ADD"`,
//! `msg="StopContainer for …"`). The full search (Teddy, SIMD) costs a few
//! hundred instructions a call however early the marker sits, so the
//! message's opening is first compared with the commonest openings, each of
//! which holds a marker: a match there is a marker found; anything else
//! goes to the full search. The answer is the full search's either way.

use super::literals::Literals;

/// Openings of the commonest relevant messages, as kubelet and containerd
/// print them. Each holds a marker (a test checks it), so a message that
/// opens with one holds that marker.
const OPENINGS: &[&str] = &[
    // kubelet (the message after `] "`)
    "SyncLoop",
    "operationExecutor.UnmountVolume",
    "UnmountVolume",
    "Event occurred",
    "Killing container",
    "Volume detached",
    "Generic (PLEG): container finished",
    "Patch status for pod",
    "Status for pod updated",
    "Container exited normally",
    "All volumes are unmounted",
    "Pod fully terminated and removed from etcd",
    "Probe failed",
    "Running preStop hook",
    "PreStop hook",
    "Message for Container",
    // containerd (the message after ` msg="`)
    "TearDown network",
    "CreateContainer",
    "cleaning up after shim disconnected",
    "shim disconnected",
    "RunPodSandbox",
    "StopPodSandbox",
    "StopContainer",
    "Stop container",
    "RemovePodSandbox",
    "received exit event",
    "received container exit event",
    "received sandbox container exit event",
    "TaskExit",
    "TaskOOM",
    "Container to stop",
    "Kill container",
    "failed to handle container TaskExit",
];

/// The marker search, with the openings tried first.
pub struct Prefilter {
    literals: Literals,
    /// [`OPENINGS`] by their first byte.
    openings: Vec<Vec<Opening>>,
}

/// One of [`OPENINGS`], its first eight bytes held as a word: most
/// openings that share a first byte differ within eight.
#[derive(Clone)]
struct Opening {
    /// The first eight bytes (fewer for a shorter opening, the rest zero).
    head: u64,
    /// Ones over the bytes `head` holds.
    mask: u64,
    /// The whole opening.
    text: &'static [u8],
}

/// The first eight bytes of `b` as a word (zeros past its end).
fn head_word(b: &[u8]) -> u64 {
    let mut w = [0; 8];
    let n = b.len().min(8);
    w[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(w)
}

impl Opening {
    fn new(text: &'static str) -> Self {
        let text = text.as_bytes();
        let mask = if text.len() >= 8 { u64::MAX } else { (1u64 << (8 * text.len())) - 1 };
        Opening { head: head_word(text), mask, text }
    }

    /// True when `message` (whose first eight bytes are `head`) opens with this.
    fn opens(&self, message: &[u8], head: u64) -> bool {
        head & self.mask == self.head && (self.text.len() <= 8 || message.starts_with(self.text))
    }
}

impl Prefilter {
    /// Builds the search for `markers` (non-empty literals).
    pub fn new(markers: &[&str]) -> Self {
        let mut openings = vec![Vec::new(); 256];
        for o in OPENINGS {
            if let Some(&first) = o.as_bytes().first() {
                openings[usize::from(first)].push(Opening::new(o));
            }
        }
        Prefilter { literals: Literals::new(markers), openings }
    }

    /// True when any marker occurs in `line`.
    pub fn is_match(&self, line: &[u8]) -> bool {
        self.opens_with_marker(line) || self.literals.is_match(line)
    }

    /// True when the message (where [`message_guess`] puts it) opens with
    /// one of [`OPENINGS`].
    fn opens_with_marker(&self, line: &[u8]) -> bool {
        let Some(message) = message_guess(line) else { return false };
        let Some(&first) = message.first() else { return false };
        let head = head_word(message);
        self.openings[usize::from(first)].iter().any(|o| o.opens(message, head))
    }
}

/// The fixed part of a klog header (level, date, clock): no `]` in it.
const HEADER: usize = 21;

/// Where the message of a klog line (after `] `) or a logrus line (after
/// ` msg=`) starts, its quote skipped; `None` for other shapes. A guess
/// from a few bytes, not a parse: it only decides where openings are
/// compared, so a wrong guess costs the full search, never a wrong answer.
fn message_guess(line: &[u8]) -> Option<&[u8]> {
    let message = match line.first()? {
        b'I' | b'W' | b'E' | b'F' => {
            // `I1108 09:40:24.233264 ` comes first: the `]` is after it.
            let header = line.get(HEADER..)?;
            header.get(memchr::memchr(b']', header)? + 2..)?
        }
        b't' => {
            let time = line.strip_prefix(b"time=\"")?;
            let after_time = time.get(memchr::memchr(b'"', time)? + 1..)?.strip_prefix(b" level=")?;
            after_time.get(memchr::memchr(b' ', after_time)? + 1..)?.strip_prefix(b"msg=")?
        }
        _ => return None,
    };
    Some(message.strip_prefix(b"\"").unwrap_or(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_opening_holds_a_marker() {
        let markers = Literals::new(&crate::parse::markers());
        for o in OPENINGS {
            assert!(markers.is_match(o.as_bytes()), "{o:?} holds no marker");
        }
    }

    #[test]
    fn the_message_is_found_in_klog_and_logrus_lines() {
        let klog = br#"I1108 09:40:24.233264     246 kubelet.go:2407] "SyncLoop ADD" source="api""#;
        assert!(message_guess(klog).unwrap().starts_with(b"SyncLoop ADD\""));
        let plain = b"E0618 00:01:36.682934  391617 reconciler.go:162] UnmountVolume.TearDown succeeded for volume";
        assert!(message_guess(plain).unwrap().starts_with(b"UnmountVolume.TearDown"));
        let logrus = br#"time="2026-11-08T09:40:24.233264214Z" level=info msg="StopContainer for \"62e0\" with timeout 30 (s)""#;
        assert!(message_guess(logrus).unwrap().starts_with(b"StopContainer for"));
        let warning = br#"time="2026-11-08T09:40:24Z" level=warning msg=cleaning"#;
        assert_eq!(message_guess(warning), Some(&b"cleaning"[..]));
        assert_eq!(message_guess(b"[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG"), None);
        assert_eq!(message_guess(b"I0318 no bracket"), None);
        assert_eq!(message_guess(b"time=\"unterminated"), None);
    }

    #[test]
    fn the_answer_is_the_full_searchs() {
        let markers = crate::parse::markers();
        let (fast, full) = (Prefilter::new(&markers), Literals::new(&markers));
        let lines = [
            &br#"I1108 09:40:24.233264     246 kubelet.go:2407] "SyncLoop ADD" source="api""#[..],
            br#"I1108 09:40:24.233264     246 kubelet.go:2407] "Generating pod status" pod="a/b""#,
            br#"I1108 09:40:24.233264     246 kubelet.go:2407] "Status for pod is up-to-date" podUID="u""#,
            br#"E1108 09:40:24.233264     246 nestedpendingoperations.go:348] Operation for "{volumeName:x}" failed. Error: UnmountVolume.TearDown failed"#,
            br#"time="2026-11-08T09:40:24.233264214Z" level=info msg="StopContainer for \"62e0\" with timeout 30 (s)""#,
            br#"time="2026-11-08T09:40:24.233264214Z" level=info msg="ImageCreate event name:\"x\"""#,
            br#"time="2026-11-08T09:40:24Z" level=info msg="Stop"#,
            b"Feb 03 10:00:00 node kubelet[246]: I0203 10:00:00.000000 246 kubelet.go:1] \"SyncLoop ADD\"",
            b"[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG",
            b"",
            b"I",
        ];
        for line in lines {
            assert_eq!(fast.is_match(line), full.is_match(line), "{}", String::from_utf8_lossy(line));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_line_gets_the_full_searchs_answer(
            head in proptest::sample::select(vec!["I1108 09:40:24.233264 246 k.go:1] \"", "I1108 x] ", "time=\"2026-11-08T09:40:24Z\" level=info msg=\"", "time=\"t\" level=warning msg=", "Feb 03 ", ""]),
            opening in proptest::sample::select(OPENINGS.iter().map(|o| &o[..o.len() / 2]).chain(OPENINGS.iter().copied()).collect::<Vec<_>>()),
            tail in "[a-zA-Z \\]\"=]{0,30}",
        ) {
            let markers = crate::parse::markers();
            let (fast, full) = (Prefilter::new(&markers), Literals::new(&markers));
            let line = format!("{head}{opening}{tail}");
            proptest::prop_assert_eq!(fast.is_match(line.as_bytes()), full.is_match(line.as_bytes()), "{:?}", line);
        }
    }
}
