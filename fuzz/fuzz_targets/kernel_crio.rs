//! Kernel OOM lines, systemd notices, CRI-O and conmon messages, app lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use podmortem::parse::{app, crio, kernel};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = kernel::parse(&text);
    let _ = crio::parse(&text);
    let _ = crio::parse_conmon(&text);
    let _ = app::identity_from_path(std::path::Path::new(text.as_ref()));
});
