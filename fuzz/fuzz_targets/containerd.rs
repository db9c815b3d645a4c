//! containerd logrus text / terminal / JSON shapes and its message catalogue.
#![no_main]
use libfuzzer_sys::fuzz_target;
use podmortem::parse::containerd;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(l) = containerd::split(&text) {
        let _ = podmortem::parse::collect_facts(|out| containerd::parse(&l, out));
    }
    let _ = containerd::signal_name(&text);
});
