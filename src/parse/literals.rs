//! A set of literal strings searched for at once: the prefilter's engine.
//!
//! Teddy (SIMD, from `aho-corasick`'s packed searcher) where the CPU has it;
//! an Aho-Corasick automaton elsewhere. Both give the same answers.

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind};

/// Literals tested for together (`is_match` is true when any occurs).
pub struct Literals(Engine);

enum Engine {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Literals {
    /// Builds the searcher for `words` (non-empty literals).
    pub fn new(words: &[&str]) -> Self {
        match packed::Config::new().builder().extend(words).build() {
            Some(s) => Literals(Engine::Packed(s)),
            None => Literals(Engine::Automaton(
                AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).build(words).expect("literals are valid patterns"),
            )),
        }
    }

    /// True when any of the literals occurs in `hay`.
    pub fn is_match(&self, hay: &[u8]) -> bool {
        match &self.0 {
            Engine::Packed(s) => s.find(hay).is_some(),
            Engine::Automaton(a) => a.is_match(hay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_any_literal_anywhere() {
        let l = Literals::new(&["StopContainer", "Kill container", "vict"]);
        assert!(l.is_match(b"level=info msg=\"StopContainer for \\\"62e0\\\"\""));
        assert!(l.is_match(b"pod was evicted"));
        assert!(!l.is_match(b"Generating pod status"));
        assert!(!l.is_match(b""));
    }
}
