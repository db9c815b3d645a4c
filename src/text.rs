//! Small text helpers shared by the parsers, the rules and the renderers.

/// The first `n` characters of `s` (all of it when shorter): a cut that
/// never splits a character, without building the text again.
pub fn first_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(end, _)| &s[..end])
}

#[cfg(test)]
mod tests {
    use super::first_chars;

    #[test]
    fn cuts_at_a_character_count() {
        for (s, n) in [("", 3), ("abc", 0), ("abc", 2), ("abc", 3), ("abc", 9), ("añb€c", 3), ("€€€", 2)] {
            assert_eq!(first_chars(s, n), s.chars().take(n).collect::<String>(), "{s:?} {n}");
        }
    }
}
