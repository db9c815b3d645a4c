//! klog header, structured pairs, Go unquoting and the kubelet catalogue.
#![no_main]
use libfuzzer_sys::fuzz_target;
use podmortem::parse::{klog, kubelet};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(l) = klog::find(&text) {
        let _ = podmortem::parse::collect_facts(|out| kubelet::parse(&l, out));
        let _: Vec<_> = l.pairs().collect();
    }
    let _ = klog::unquote_go(&text);
    let _ = klog::pod_list(&text);
    let _ = klog::pleg_event(&text);
    let _ = kubelet::uid_in_cgroup(&text);
    let _ = kubelet::container_in_cgroup(&text);
});
