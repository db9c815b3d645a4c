//! Timestamps as logs print them, and their resolution to UTC instants.
//!
//! journald and klog stamps carry no year and no zone; containerd, CRI and
//! JSON stamps carry both. Parsers keep what the line said in a [`Stamp`];
//! once every file has been read, [`YearResolver`] picks the year from full
//! timestamps seen elsewhere (handling rollover) and the zone from `--tz`.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, TimeZone, Utc};
use std::fmt;

/// A timestamp exactly as precise as the log line that carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// The year, when the line printed one.
    pub year: Option<i32>,
    /// Years to add to the inferred year: set when a year-less file rolls
    /// over (December → January) between two of its lines.
    pub year_offset: i8,
    /// Month 1–12.
    pub month: u8,
    /// Day of month 1–31.
    pub day: u8,
    /// Hour 0–23.
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Second 0–60.
    pub second: u8,
    /// Fraction of the second in nanoseconds.
    pub nanos: u32,
    /// Number of fractional digits the log printed (0 = whole seconds).
    pub digits: u8,
    /// Offset east of UTC in seconds, when the line printed one.
    pub offset_s: Option<i32>,
}

impl Stamp {
    /// Builds a full stamp from a UTC instant (used for epoch-based times).
    pub fn from_utc(t: DateTime<Utc>, digits: u8) -> Stamp {
        Stamp {
            year: Some(t.year()),
            year_offset: 0,
            // (chrono's fields are in range: each fits a byte.)
            month: t.month() as u8,
            day: t.day() as u8,
            hour: chrono::Timelike::hour(&t) as u8,
            minute: chrono::Timelike::minute(&t) as u8,
            second: chrono::Timelike::second(&t) as u8,
            nanos: chrono::Timelike::nanosecond(&t),
            digits,
            offset_s: Some(0),
        }
    }

    /// True when the stamp needs no outside help to become an instant.
    pub fn is_complete(&self) -> bool {
        self.year.is_some() && self.offset_s.is_some()
    }

    /// Resolves with the given year (when the stamp has none) and zone (when
    /// it has no offset). `None` when the date does not exist in that year.
    pub fn resolve(&self, year: i32, zone: &Zone) -> Option<Instant> {
        let y = self.year.unwrap_or(year) + i32::from(self.year_offset);
        let date = NaiveDate::from_ymd_opt(y, self.month.into(), self.day.into())?;
        let naive = date.and_hms_nano_opt(self.hour.into(), self.minute.into(), self.second.min(59).into(), self.nanos)?;
        let utc = match self.offset_s {
            Some(off) => {
                let fixed = FixedOffset::east_opt(off)?;
                match fixed.from_local_datetime(&naive) {
                    LocalResult::Single(t) => t.with_timezone(&Utc),
                    _ => return None,
                }
            }
            None => zone.to_utc(&naive)?,
        };
        Some(Instant { utc, digits: self.digits })
    }
}

/// A resolved point in time, remembering how precise its source was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// The instant in UTC.
    pub utc: DateTime<Utc>,
    /// Fractional digits the source printed; output keeps this precision.
    pub digits: u8,
}

impl Instant {
    /// Seconds from `self` to `later` (negative when `later` is earlier).
    pub fn secs_until(&self, later: &Instant) -> f64 {
        (later.utc - self.utc).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6
    }
}

impl fmt::Display for Instant {
    /// RFC 3339 in UTC with the precision of the source line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.utc.format("%Y-%m-%dT%H:%M:%S");
        let digits = self.digits.min(9) as usize;
        if digits == 0 {
            write!(f, "{base}Z")
        } else {
            let frac = format!("{:09}", chrono::Timelike::nanosecond(&self.utc) % 1_000_000_000);
            write!(f, "{base}.{}Z", &frac[..digits])
        }
    }
}

impl<'de> serde::Deserialize<'de> for Instant {
    /// Reads back what [`Display`](fmt::Display) wrote (RFC 3339), keeping its precision.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let (st, used) = parse_rfc3339_prefix(&text).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))?;
        if used != text.len() || st.offset_s.is_none() {
            return Err(serde::de::Error::custom(format!("not an RFC 3339 time with zone: {text:?}")));
        }
        st.resolve(0, &Zone::default()).ok_or_else(|| serde::de::Error::custom(format!("invalid time {text:?}")))
    }
}

impl serde::Serialize for Instant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The zone that zone-less stamps are read in (`--tz`, default UTC).
#[derive(Debug, Clone)]
pub enum Zone {
    /// A fixed offset such as `+09:00` or `UTC`.
    Fixed(FixedOffset),
    /// A named IANA zone such as `Europe/Berlin` (daylight saving honoured).
    Named(chrono_tz::Tz),
}

impl Default for Zone {
    fn default() -> Self {
        Zone::Fixed(FixedOffset::east_opt(0).expect("zero offset is valid"))
    }
}

impl Zone {
    /// Parses `UTC`, `Z`, `+09:00`, `-0700` or an IANA name.
    pub fn parse(s: &str) -> Result<Zone, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" {
            return Ok(Zone::default());
        }
        if let Some(off) = parse_offset(t) {
            return FixedOffset::east_opt(off).map(Zone::Fixed).ok_or_else(|| format!("invalid offset {t:?}"));
        }
        t.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| format!("unknown time zone {t:?} (use UTC, +09:00 or an IANA name)"))
    }

    fn to_utc(&self, naive: &chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
        match self {
            Zone::Fixed(f) => f.from_local_datetime(naive).single().map(|t| t.with_timezone(&Utc)),
            Zone::Named(z) => z.from_local_datetime(naive).earliest().map(|t| t.with_timezone(&Utc)),
        }
    }
}

/// Parses `Z`, `+09:00`, `+0900` or `-07` into seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// Parses an RFC 3339 timestamp (`2025-03-18T10:21:22.521444907Z`,
/// `…+09:00`, also with a space instead of `T`). Returns the stamp and the
/// number of bytes consumed.
pub fn parse_rfc3339_prefix(s: &str) -> Option<(Stamp, usize)> {
    parse_rfc3339_prefix_bytes(s.as_bytes())
}

/// [`parse_rfc3339_prefix`] on bytes: a stamp inside a line that need not be
/// checked as text first.
pub fn parse_rfc3339_prefix_bytes(b: &[u8]) -> Option<(Stamp, usize)> {
    // Neighbouring lines mostly share their second: a UTC stamp
    // (`…:SS.fffZ`) whose first 19 bytes are the last one's reuses its date
    // and clock, and only its fraction is read.
    thread_local! {
        static LAST_SECOND: std::cell::Cell<Option<([u8; 19], Stamp)>> = const { std::cell::Cell::new(None) };
    }
    let utc_fraction = |b: &[u8]| {
        let (nanos, digits, end) = fraction(b, 20);
        (b.get(19) == Some(&b'.') && b.get(end) == Some(&b'Z')).then_some((nanos, digits, end + 1))
    };
    let head: Option<&[u8; 19]> = b.get(..19).and_then(|h| h.try_into().ok());
    if let (Some(head), Some((text, second))) = (head, LAST_SECOND.get()) {
        if *head == text {
            if let Some((nanos, digits, used)) = utc_fraction(b) {
                return Some((Stamp { nanos, digits, ..second }, used));
            }
        }
    }
    let parsed = parse_rfc3339_full(b);
    if let (Some(head), Some((stamp, used))) = (head, parsed) {
        if utc_fraction(b).is_some_and(|(_, _, end)| end == used) {
            LAST_SECOND.set(Some((*head, stamp)));
        }
    }
    parsed
}

/// [`parse_rfc3339_prefix_bytes`], every field read.
fn parse_rfc3339_full(b: &[u8]) -> Option<(Stamp, usize)> {
    if b.len() < 19 {
        return None;
    }
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = i32::from(two_digits(b, 0)?) * 100 + i32::from(two_digits(b, 2)?);
    let (month, day, hour, minute, second) =
        (two_digits(b, 5)?, two_digits(b, 8)?, two_digits(b, 11)?, two_digits(b, 14)?, two_digits(b, 17)?);
    let mut i = 19;
    let (nanos, digits) = if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        let (nanos, digits, end) = fraction(b, i + 1);
        i = end;
        (nanos, digits)
    } else {
        (0, 0)
    };
    let mut offset = None;
    if let Some(&c) = b.get(i) {
        if c == b'Z' {
            offset = Some(0);
            i += 1;
        } else if c == b'+' || c == b'-' {
            let mut end = i + 1;
            while end < b.len() && (b[end].is_ascii_digit() || b[end] == b':') && end - i <= 6 {
                end += 1;
            }
            if let Some(off) = std::str::from_utf8(&b[i..end]).ok().and_then(parse_offset) {
                offset = Some(off);
                i = end;
            }
        }
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some((Stamp { year: Some(year), year_offset: 0, month, day, hour, minute, second, nanos, digits, offset_s: offset }, i))
}

/// The value of the two ASCII digits at `b[i..i + 2]` (a date or clock field).
#[inline]
fn two_digits(b: &[u8], i: usize) -> Option<u8> {
    let (hi, lo) = (b.get(i)?.wrapping_sub(b'0'), b.get(i + 1)?.wrapping_sub(b'0'));
    // (Checked before the product: a byte that is no digit would overflow it.)
    if hi < 10 && lo < 10 {
        Some(hi * 10 + lo)
    } else {
        None
    }
}

/// The fractional-second digits starting at `b[start]`: nanoseconds, how
/// many digits were printed (at most 9 count), and where the digits end.
#[inline]
fn fraction(b: &[u8], start: usize) -> (u32, u8, usize) {
    /// What the first `i` digits are worth in nanoseconds, by `i`.
    const SCALE: [u32; 10] = [1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
    let digits_of = b.get(start..).unwrap_or(&[]);
    let mut n = 0u32;
    let mut len = 0;
    for &c in digits_of {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if len < 9 {
            n = n * 10 + u32::from(d);
        }
        len += 1;
    }
    let digits = len.min(9);
    (n * SCALE[digits], digits as u8, start + len)
}

/// Parses `hh:mm:ss[.frac]`, returning (h, m, s, nanos, digits, consumed).
pub fn parse_clock(s: &str) -> Option<(u8, u8, u8, u32, u8, usize)> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (two_digits(b, 0)?, two_digits(b, 3)?, two_digits(b, 6)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut i = 8;
    let (nanos, digits) = if b.get(8) == Some(&b'.') {
        let (nanos, digits, end) = fraction(b, 9);
        i = end;
        (nanos, digits)
    } else {
        (0, 0)
    };
    Some((h, m, sec, nanos, digits, i))
}

/// Month number from an English three-letter abbreviation.
pub fn month_from_abbrev(s: &str) -> Option<u8> {
    // A match on the bytes compiles to a few byte tests; a list search
    // compares the string with each month in turn (every journald line).
    Some(match s.as_bytes() {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    })
}

/// Chooses years for year-less stamps from the full timestamps of the input.
///
/// Each file contributes the span of its own full timestamps; a year-less
/// stamp gets the year that puts it nearest that span (so `Dec 31` next to
/// `2026-01-01` anchors lands in 2025), falling back to the span of all
/// files, then to `--year`, then to the current year with a warning.
#[derive(Debug, Clone, Default)]
pub struct YearResolver {
    forced: Option<i32>,
    global: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl YearResolver {
    /// A resolver; `forced` is the user's `--year`.
    pub fn new(forced: Option<i32>) -> Self {
        YearResolver { forced, global: None }
    }

    /// Widens the global span with a file's span of full timestamps.
    pub fn add_span(&mut self, span: Option<(DateTime<Utc>, DateTime<Utc>)>) {
        if let Some((lo, hi)) = span {
            self.global = Some(match self.global {
                None => (lo, hi),
                Some((a, b)) => (a.min(lo), b.max(hi)),
            });
        }
    }

    /// True when neither `--year` nor any full timestamp can anchor years.
    pub fn is_unanchored(&self) -> bool {
        self.forced.is_none() && self.global.is_none()
    }

    /// Resolves a stamp, using the file's own span first, then its node's.
    pub fn resolve(&self, st: &Stamp, file_span: Option<(DateTime<Utc>, DateTime<Utc>)>, zone: &Zone) -> Option<Instant> {
        self.resolve_in(st, &[file_span], zone)
    }

    /// Resolves a stamp with the first known span of `spans` (file, node, …),
    /// then the span of all inputs.
    pub fn resolve_in(&self, st: &Stamp, spans: &[Option<(DateTime<Utc>, DateTime<Utc>)>], zone: &Zone) -> Option<Instant> {
        if st.year.is_some() {
            return st.resolve(0, zone);
        }
        if let Some(y) = self.forced {
            return st.resolve(y, zone);
        }
        let span = spans.iter().flatten().next().copied().or(self.global);
        let Some((lo, hi)) = span else {
            return st.resolve(Utc::now().year(), zone);
        };
        // A span shorter than a year holds at most one of the candidates: when
        // the year of either end puts the stamp inside it, that is the answer.
        if (hi - lo).num_days() < 365 {
            for y in [lo.year(), hi.year()] {
                if let Some(inst) = st.resolve(y, zone).filter(|i| lo <= i.utc && i.utc <= hi) {
                    return Some(inst);
                }
            }
        }
        let mut best: Option<(i64, Instant)> = None;
        for y in lo.year() - 1..=hi.year() + 1 {
            let Some(inst) = st.resolve(y, zone) else { continue };
            let dist = if inst.utc < lo {
                (lo - inst.utc).num_seconds()
            } else if inst.utc > hi {
                (inst.utc - hi).num_seconds()
            } else {
                0
            };
            if best.as_ref().is_none_or(|(d, _)| dist < *d) {
                best = Some((dist, inst));
            }
        }
        best.map(|(_, i)| i)
    }
}

/// Tracks year rollover between consecutive year-less stamps of one file.
#[derive(Debug, Default)]
pub struct RolloverTracker {
    last_month: Option<u8>,
    offset: i8,
}

impl RolloverTracker {
    /// Returns the year offset for this stamp, given the previous ones in
    /// file order: December → January adds a year, January → December (a
    /// file written newest first) takes one away.
    pub fn observe(&mut self, month: u8) -> i8 {
        if let Some(prev) = self.last_month {
            if prev >= 11 && month <= 2 {
                self.offset = self.offset.saturating_add(1);
            } else if prev <= 2 && month >= 11 {
                self.offset = self.offset.saturating_sub(1);
            }
        }
        self.last_month = Some(month);
        self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_of_one_second_read_as_a_full_parse_reads_them() {
        // The second stamp of each pair takes the first one's date and clock.
        for text in [
            "2026-11-08T10:08:50.453943551Z",
            "2026-11-08T10:08:50.45Z x",
            "2026-11-08T10:08:50.4539435Z",
            "2026-11-08T10:08:50Z",
            "2026-11-08T10:08:50.1+09:00",
            "2026-11-08T10:08:50.999999999Z",
            "2026-11-08T10:08:50.5Zed",
            "2026-11-08T10:08:51.000000001Z",
            "2026-13-08T10:08:51.000000001Z",
        ] {
            assert_eq!(parse_rfc3339_prefix_bytes(text.as_bytes()), parse_rfc3339_full(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn rfc3339_with_nanos_and_zone() {
        let (st, n) = parse_rfc3339_prefix("2025-03-18T10:21:22.521444907Z rest").unwrap();
        assert_eq!(n, 30);
        let i = st.resolve(0, &Zone::default()).unwrap();
        assert_eq!(i.to_string(), "2025-03-18T10:21:22.521444907Z");
        let (st, _) = parse_rfc3339_prefix("2019-11-18T13:57:42.617846445+09:00").unwrap();
        assert_eq!(st.resolve(0, &Zone::default()).unwrap().to_string(), "2019-11-18T04:57:42.617846445Z");
    }

    #[test]
    fn precision_is_kept() {
        let (st, _) = parse_rfc3339_prefix("2024-11-29T18:13:11.6827Z").unwrap();
        assert_eq!(st.resolve(0, &Zone::default()).unwrap().to_string(), "2024-11-29T18:13:11.6827Z");
    }

    #[test]
    fn year_from_span_handles_rollover_and_leap_day() {
        let mut r = YearResolver::new(None);
        let jan = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 5).unwrap();
        r.add_span(Some((jan, jan)));
        let dec31 =
            Stamp { year: None, year_offset: 0, month: 12, day: 31, hour: 23, minute: 59, second: 59, nanos: 0, digits: 0, offset_s: None };
        assert_eq!(r.resolve(&dec31, None, &Zone::default()).unwrap().utc.year(), 2025);
        let feb29 = Stamp { month: 2, day: 29, ..dec31 };
        let mut r = YearResolver::new(None);
        let mar = Utc.with_ymd_and_hms(2028, 3, 1, 0, 0, 0).unwrap();
        r.add_span(Some((mar, mar)));
        assert_eq!(r.resolve(&feb29, None, &Zone::default()).unwrap().utc.year(), 2028);
    }

    #[test]
    fn fractions_beyond_nine_digits_are_cut() {
        let (st, used) = parse_rfc3339_prefix("2025-03-18T10:21:22.1234567891Z x").unwrap();
        assert_eq!((st.nanos, st.digits, st.offset_s, used), (123_456_789, 9, Some(0), 31));
        let (h, _, _, nanos, digits, used) = parse_clock("10:21:22.5 x").unwrap();
        assert_eq!((h, nanos, digits, used), (10, 500_000_000, 1, 10));
        assert!(parse_clock("1a:21:22").is_none());
    }

    #[test]
    fn month_abbreviations() {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        for (m, n) in months.iter().zip(1..) {
            assert_eq!(month_from_abbrev(m), Some(n));
        }
        assert_eq!(month_from_abbrev("jan"), None);
        assert_eq!(month_from_abbrev("Janu"), None);
        assert_eq!(month_from_abbrev(""), None);
    }

    #[test]
    fn zones() {
        assert!(Zone::parse("Europe/Berlin").is_ok());
        assert!(Zone::parse("+09:00").is_ok());
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert_eq!(parse_offset("+0900"), Some(32400));
        assert_eq!(parse_offset("-07:00"), Some(-25200));
    }

    #[test]
    fn rollover_tracker() {
        let mut t = RolloverTracker::default();
        assert_eq!(t.observe(12), 0);
        assert_eq!(t.observe(12), 0);
        assert_eq!(t.observe(1), 1);
        assert_eq!(t.observe(1), 1);
    }
}
