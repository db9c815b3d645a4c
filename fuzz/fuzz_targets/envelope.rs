//! Envelope sniffing: journald, syslog, CRI, journal JSON, Loki, bare.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let e = podmortem::envelope::split(&line);
    let _ = podmortem::envelope::parse_cri(&e.body);
    let _ = podmortem::envelope::is_journal_banner(&line);
    let _ = podmortem::envelope::journald_ident(data);
});
