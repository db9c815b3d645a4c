//! Property tests of the parsers' invariants: any input is read without a
//! panic, and a recognised line gives back the key fields it was built from.

use podmortem::event::EventKind;
use podmortem::parse::{ApiState, LineParser};
use proptest::prelude::*;
use std::sync::LazyLock;

static PARSER: LazyLock<LineParser> = LazyLock::new(LineParser::new);

fn hex64() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}"
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,20}[a-z0-9]"
}

fn uid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = PARSER.is_relevant(&bytes);
        let _ = PARSER.parse(&text, &mut ApiState::default());
    }

    #[test]
    fn marker_laden_noise_never_panics(prefix in ".{0,40}", marker in prop::sample::select(vec![
        "StopContainer for \"", "Kill container \"", "exit event container_id:\"", "\"Killing container with a grace period\" pod=\"",
        "SyncLoop DELETE", "UnmountVolume.TearDown failed for volume \"", "oom-kill:constraint=", "TaskExit event &TaskExit{",
        "{\"kind\":\"EndpointSlice\",\"endpoints\":[", "{\"ts\":", "time=\"", "I0101 00:00:00.000000 1 x.go:1] \"",
    ]), suffix in ".{0,80}") {
        let line = format!("{prefix}{marker}{suffix}");
        let _ = PARSER.parse(&line, &mut ApiState::default());
    }

    #[test]
    fn containerd_stop_round_trips(id in hex64(), timeout in 0i64..100_000, month in 0usize..12, day in 1u8..29,
                                    h in 0u8..24, m in 0u8..60, s in 0u8..60, nanos in 0u32..1_000_000_000, two_envelopes in any::<bool>()) {
        let body = format!("time=\"2025-{:02}-{day:02}T{h:02}:{m:02}:{s:02}.{nanos:09}Z\" level=info msg=\"StopContainer for \\\"{id}\\\" with timeout {timeout} (s)\"", month + 1);
        let line = if two_envelopes { format!("{} {day:02} {h:02}:{m:02}:{s:02} node-1 containerd[110]: {body}", MONTHS[month]) } else { body };
        let p = PARSER.parse(&line, &mut ApiState::default());
        prop_assert_eq!(p.events.len(), 1);
        match &p.events[0] {
            EventKind::StopRequested { container, timeout_s } => {
                prop_assert_eq!(container, &id);
                prop_assert_eq!(*timeout_s, timeout);
            }
            other => prop_assert!(false, "{:?}", other),
        }
        let st = p.stamp.unwrap();
        prop_assert_eq!((st.year, st.month, st.day, st.hour, st.minute, st.second, st.nanos), (Some(2025), month as u8 + 1, day, h, m, s, nanos));
    }

    #[test]
    fn kubelet_kill_round_trips(ns in name(), pod in name(), u in uid(), c in name(), id in hex64(), grace in 0i64..100_000, modern in any::<bool>()) {
        let uid_field = if modern { format!("\"{u}\"") } else { u.clone() };
        let line = format!("I0318 10:21:22.519925     246 kuberuntime_container.go:808] \"Killing container with a grace period\" pod=\"{ns}/{pod}\" podUID={uid_field} containerName=\"{c}\" containerID=\"containerd://{id}\" gracePeriod={grace}");
        let p = PARSER.parse(&line, &mut ApiState::default());
        match &p.events[0] {
            EventKind::KillRequested { pod: r, container, name, grace_s, is_override, modern: m } => {
                prop_assert_eq!(r.namespace.as_deref(), Some(ns.as_str()));
                prop_assert_eq!(r.name.as_deref(), Some(pod.as_str()));
                prop_assert_eq!(r.uid.as_deref(), Some(u.as_str()));
                prop_assert_eq!(container.as_deref(), Some(id.as_str()));
                prop_assert_eq!(name.as_deref(), Some(c.as_str()));
                prop_assert_eq!(*grace_s, grace);
                prop_assert!(!is_override);
                prop_assert_eq!(*m, Some(modern));
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn exit_event_round_trips(id in hex64(), code in 0i32..256, secs in 1_500_000_000i64..2_000_000_000, nanos in 0u32..1_000_000_000, sep in prop::sample::select(vec![" ", "  "])) {
        let status = if code == 0 { String::new() } else { format!("exit_status:{code}{sep}") };
        let line = format!("time=\"2025-03-18T10:21:52.551980894Z\" level=info msg=\"received exit event container_id:\\\"{id}\\\"{sep}id:\\\"{id}\\\"{sep}pid:4020{sep}{status}exited_at:{{seconds:{secs}{sep}nanos:{nanos}}}\"");
        let p = PARSER.parse(&line, &mut ApiState::default());
        match &p.events[0] {
            EventKind::Exited { id: got, exit_code, exited_at, sandbox } => {
                prop_assert_eq!(got, &id);
                prop_assert_eq!(*exit_code, Some(code));
                prop_assert!(!sandbox);
                let at = exited_at.unwrap().resolve(0, &Default::default()).unwrap();
                prop_assert_eq!(at.utc.timestamp(), secs);
                prop_assert_eq!(chrono::Timelike::nanosecond(&at.utc), nanos);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }
}
