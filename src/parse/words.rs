//! Small `nom` parsers shared by the message catalogues: quoted values and
//! runtime IDs, the pieces fixed wordings are made of.
//!
//! A wording such as `StopContainer for "<id>" with timeout <n> (s)` reads
//! as a tuple of these: `(tag("StopContainer for "), quoted_hex, tag(" with timeout "), digit1)`.

use memchr::memmem::Finder;
use nom::bytes::complete::tag;
use nom::sequence::delimited;
use nom::{IResult, Parser};

/// `"<text>"`: the text between two double quotes (no escapes inside).
pub fn quoted(i: &str) -> IResult<&str, &str> {
    // `take_until` would build a substring searcher on every call; the
    // closing quote is one byte.
    let fail = || nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::TakeUntil));
    let inner = i.strip_prefix('"').ok_or_else(|| nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Tag)))?;
    let end = memchr::memchr(b'"', inner.as_bytes()).ok_or_else(fail)?;
    Ok((&inner[end + 1..], &inner[..end]))
}

/// Lowercase hex digits, as a table: IDs are 64 of them, checked often.
static IS_HEX: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = matches!(c as u8, b'0'..=b'9' | b'a'..=b'f');
        c += 1;
    }
    t
};

/// Length of the lowercase hex run at the start of `b`. Runtime IDs are 64
/// digits: eight bytes are checked at a time, then the last few one by one.
fn hex_len(b: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let mut n = 0;
    while let Some(word) = b.get(n..n + 8) {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let w = u64::from_le_bytes(bytes);
        // Each byte's low seven bits plus a constant below 0x80 stays below
        // 0x100 (no carry into the next byte); its high bit then tells
        // `byte >= c` or, negated, `byte <= c`.
        let low = w & !HIGHS;
        let at_least = |c: u8| (low + ONES * u64::from(0x80 - c)) & HIGHS;
        let at_most = |c: u8| !(low + ONES * u64::from(0x7f - c)) & HIGHS;
        let digit = (at_least(b'0') & at_most(b'9')) | (at_least(b'a') & at_most(b'f'));
        let not_hex = !(digit & !w) & HIGHS;
        if not_hex != 0 {
            return n + not_hex.trailing_zeros() as usize / 8;
        }
        n += 8;
    }
    n + b[n..].iter().take_while(|&&c| IS_HEX[usize::from(c)]).count()
}

/// A lowercase hex run: a container, sandbox or shim ID (or its prefix).
pub fn hex(i: &str) -> IResult<&str, &str> {
    let n = hex_len(i.as_bytes());
    if n == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::HexDigit)));
    }
    Ok((&i[n..], &i[..n]))
}

/// `"<hex id>"`.
pub fn quoted_hex(i: &str) -> IResult<&str, &str> {
    delimited(tag("\""), hex, tag("\"")).parse(i)
}

/// Where `needle` first occurs in `hay`, for short texts such as one
/// message: nothing is built first (a `memmem` or `str::find` searcher
/// costs more to build than a short message costs to scan).
pub fn find_short(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, hay.get(from..)?) {
        let at = from + i;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A run of characters up to (not including) the next `c`, possibly empty.
pub fn until_char(c: char) -> impl Fn(&str) -> IResult<&str, &str> {
    move |i: &str| {
        let end = i.find(c).unwrap_or(i.len());
        Ok((&i[end..], &i[..end]))
    }
}

/// A fixed phrase looked for inside many lines (`static P: LazyLock<Phrase>`):
/// its searcher is built once, not on every call as `str::find` does.
pub struct Phrase {
    /// The searcher for the phrase's first [`VECTOR_NEEDLE_MAX`] bytes.
    head: Finder<'static>,
    /// The whole phrase.
    whole: &'static [u8],
}

/// The longest needle `memmem` looks for with its vector loop; it looks for
/// longer ones with Two-Way, several times slower on one message. A longer
/// phrase is looked for by its first this-many bytes, then compared whole.
const VECTOR_NEEDLE_MAX: usize = 32;

impl Phrase {
    /// The searcher for `phrase`.
    pub fn new(phrase: &'static str) -> Self {
        let whole = phrase.as_bytes();
        Phrase { head: Finder::new(&whole[..whole.len().min(VECTOR_NEEDLE_MAX)]), whole }
    }

    /// Where the phrase first starts in `hay`.
    pub fn find(&self, hay: &str) -> Option<usize> {
        self.find_from(hay.as_bytes(), 0)
    }

    /// Where the phrase first starts in `hay` at or after `from`.
    fn find_from(&self, hay: &[u8], mut from: usize) -> Option<usize> {
        if self.whole.len() <= VECTOR_NEEDLE_MAX {
            return Some(from + self.head.find(hay.get(from..)?)?);
        }
        loop {
            let at = from + self.head.find(hay.get(from..)?)?;
            if hay[at..].starts_with(self.whole) {
                return Some(at);
            }
            from = at + 1;
        }
    }

    /// True when the phrase occurs in `hay`.
    pub fn is_in(&self, hay: &str) -> bool {
        self.find(hay).is_some()
    }

    /// Where the phrase starts in `hay`, each occurrence after the last one's end.
    pub fn find_all<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = usize> + 'h {
        let mut from = 0;
        std::iter::from_fn(move || {
            let at = self.find_from(hay.as_bytes(), from)?;
            from = at + self.whole.len();
            Some(at)
        })
    }

    /// The phrase's length in bytes.
    pub fn byte_len(&self) -> usize {
        self.whole.len()
    }

    /// The text after the first occurrence of the phrase.
    pub fn after<'a>(&self, hay: &'a str) -> Option<&'a str> {
        // The phrase is valid UTF-8, so its end is a character boundary.
        self.find(hay).and_then(|i| hay.get(i + self.whole.len()..))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces() {
        assert_eq!(quoted(r#""kube-api-access-rzsmz" (UID"#), Ok((" (UID", "kube-api-access-rzsmz")));
        assert!(quoted(r#""unterminated"#).is_err());
        assert_eq!(quoted_hex(r#""62e0ab" with"#), Ok((" with", "62e0ab")));
        assert!(quoted_hex(r#""62E0" with"#).is_err());
        assert_eq!(until_char(',')("Name:web,Uid:1"), Ok((",Uid:1", "Name:web")));
        assert_eq!(hex("0123456789abcdefABC"), Ok(("ABC", "0123456789abcdef")));
        assert!(hex("g1").is_err());
    }

    proptest::proptest! {
        #[test]
        fn hex_len_counts_as_a_byte_by_byte_scan(
            run in proptest::collection::vec(proptest::sample::select(b"0123456789abcdef".to_vec()), 0..80),
            tail in proptest::collection::vec(proptest::prop_oneof![
                proptest::sample::select(b"09afAFgG/:`@\"\x7f\x80\xb0\xe6\xff".to_vec()),
                proptest::num::u8::ANY,
            ], 0..12)
        ) {
            let bytes = [run, tail].concat();
            let expected = bytes.iter().take_while(|&&c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)).count();
            proptest::prop_assert_eq!(hex_len(&bytes), expected);
        }
    }

    #[test]
    fn phrases() {
        let p = Phrase::new(" msg=");
        assert_eq!(p.find(r#"level=info msg="x""#), Some(10));
        assert_eq!(p.after(r#"level=info msg="x""#), Some(r#""x""#));
        assert_eq!(p.find("level=info message=x"), None);
        assert_eq!(p.after("no such"), None);
    }

    #[test]
    fn phrases_agree_with_str_find_long_and_short() {
        // 41 bytes, so it is looked for by its head and compared whole; the
        // hays hold its head with the wrong tail before the real thing.
        let long = "UnmountVolume.TearDown failed for volume ";
        let hays = [
            "Error: UnmountVolume.TearDown failed for volume \"data\"",
            "UnmountVolume.TearDown failed for volumes; UnmountVolume.TearDown failed for volume x",
            "UnmountVolume.TearDown failed for volume UnmountVolume.TearDown failed for volume ",
            "UnmountVolume.TearDown failed for volum",
            "",
        ];
        for phrase in [long, "failed for volume ", "volume ", "v"] {
            let p = Phrase::new(phrase);
            assert_eq!(p.byte_len(), phrase.len());
            for hay in hays {
                assert_eq!(p.find(hay), hay.find(phrase), "{phrase:?} in {hay:?}");
                let all: Vec<usize> = p.find_all(hay).collect();
                let expected: Vec<usize> = hay.match_indices(phrase).map(|(i, _)| i).collect();
                assert_eq!(all, expected, "{phrase:?} in {hay:?}");
            }
        }
    }

    #[test]
    fn find_short_agrees_with_str_find() {
        let hay = "id:\"a\" container_id:\"b\" exit_status:137 ia";
        for needle in ["id:\"", "container_id:\"", "exit_status:", "ia", "a", "x", "137 ia", "ia!"] {
            assert_eq!(find_short(hay.as_bytes(), needle.as_bytes()), hay.find(needle), "{needle}");
        }
        assert_eq!(find_short(b"abc", b""), None);
        assert_eq!(find_short(b"", b"a"), None);
    }
}
