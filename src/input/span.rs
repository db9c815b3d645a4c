//! The earliest and latest full timestamps of one input: its year anchors.
//!
//! Almost every containerd line carries a full stamp, so this runs once per
//! line. Stamps of one day share that day's resolved midnight instead of
//! each going through the calendar again.

use crate::time::{Stamp, Zone};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// An input's span of full timestamps (UTC), built line by line.
#[derive(Debug, Default)]
pub struct SpanTracker {
    /// Earliest and latest of the stamps read from their day's midnight,
    /// as (Unix seconds, nanoseconds).
    fast: Option<((i64, u32), (i64, u32))>,
    /// Earliest and latest of the others (named zones, leap seconds).
    slow: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The last day seen and its midnight in Unix seconds.
    day: Option<(Day, Option<i64>)>,
}

/// A calendar day at a fixed offset: (year, month, day, offset in seconds).
type Day = (i32, u8, u8, i32);

impl SpanTracker {
    /// Widens the span to take in `st` (a stamp that does not resolve is left out).
    pub fn observe(&mut self, st: &Stamp) {
        match self.unix_time(st) {
            Some(Some(t)) => self.fast = Some(widen(self.fast, t)),
            Some(None) => {}
            None => {
                if let Some(i) = st.resolve(0, &Zone::default()) {
                    self.slow = Some(widen(self.slow, i.utc));
                }
            }
        }
    }

    /// The span so far.
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let to_utc = |(s, n): (i64, u32)| DateTime::from_timestamp(s, n);
        let fast = self.fast.and_then(|(lo, hi)| Some((to_utc(lo)?, to_utc(hi)?)));
        match (fast, self.slow) {
            (Some(f), Some(s)) => Some((f.0.min(s.0), f.1.max(s.1))),
            (f, s) => f.or(s),
        }
    }

    /// The instant `st.resolve(0, UTC)` gives, as (Unix seconds,
    /// nanoseconds), from the day's midnight; `Some(None)` when the day
    /// does not exist; `None` when the stamp needs the calendar's own path.
    fn unix_time(&mut self, st: &Stamp) -> Option<Option<(i64, u32)>> {
        let (Some(year), Some(offset)) = (st.year, st.offset_s) else { return None };
        if st.hour > 23 || st.minute > 59 || st.second > 59 || st.nanos >= 1_000_000_000 {
            return None;
        }
        let key = (year + i32::from(st.year_offset), st.month, st.day, offset);
        let midnight = match self.day {
            Some((k, m)) if k == key => m,
            _ => {
                let m = midnight_utc(key);
                self.day = Some((key, m));
                m
            }
        };
        Some(midnight.map(|m| (m + i64::from(st.hour) * 3600 + i64::from(st.minute) * 60 + i64::from(st.second), st.nanos)))
    }
}

fn widen<T: Ord + Copy>(span: Option<(T, T)>, t: T) -> (T, T) {
    match span {
        None => (t, t),
        Some((lo, hi)) => (lo.min(t), hi.max(t)),
    }
}

/// Local midnight of a day at a fixed offset, in Unix seconds.
fn midnight_utc((year, month, day, offset): Day) -> Option<i64> {
    let naive = NaiveDate::from_ymd_opt(year, month.into(), day.into())?.and_hms_opt(0, 0, 0)?;
    FixedOffset::east_opt(offset)?.from_local_datetime(&naive).single().map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stamp(year: i32, month: u8, day: u8, hms: (u8, u8, u8), nanos: u32, offset_s: i32) -> Stamp {
        let (hour, minute, second) = hms;
        Stamp { year: Some(year), year_offset: 0, month, day, hour, minute, second, nanos, digits: 9, offset_s: Some(offset_s) }
    }

    proptest! {
        #[test]
        fn agrees_with_resolving_each_stamp(
            days in proptest::collection::vec((2023i32..2027, 1u8..13, 1u8..32, 0u8..25, 0u8..61, 0u8..62, 0u32..1_100_000_000, -50_400i32..50_400), 1..20)
        ) {
            let mut tracker = SpanTracker::default();
            let mut expected: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
            for (y, mo, d, h, mi, s, n, off) in days {
                let st = stamp(y, mo, d, (h, mi, s), n, off);
                tracker.observe(&st);
                if let Some(i) = st.resolve(0, &Zone::default()) {
                    expected = Some(match expected { None => (i.utc, i.utc), Some((lo, hi)) => (lo.min(i.utc), hi.max(i.utc)) });
                }
            }
            prop_assert_eq!(tracker.span(), expected);
        }
    }

    #[test]
    fn one_day_and_the_next() {
        let mut t = SpanTracker::default();
        t.observe(&stamp(2025, 12, 31, (23, 59, 59), 900_000_000, 0));
        t.observe(&stamp(2026, 1, 1, (0, 0, 1), 0, 0));
        t.observe(&stamp(2026, 1, 1, (9, 0, 0), 0, 9 * 3600));
        t.observe(&stamp(2026, 2, 30, (0, 0, 0), 0, 0)); // no such day: left out
        let (lo, hi) = t.span().unwrap();
        assert_eq!(lo.to_rfc3339(), "2025-12-31T23:59:59.900+00:00");
        assert_eq!(hi.to_rfc3339(), "2026-01-01T00:00:01+00:00");
    }
}
