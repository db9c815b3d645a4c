//! Interned text: each distinct name, ID or message of an input is stored
//! once, and facts carry a 32-bit [`Sym`] for it.
//!
//! A node's facts name the same few thousand Pod UIDs, container IDs and
//! names over and over. Kept as owned strings, every fact would allocate
//! them again, and every join in the correlator would hash and compare 64
//! characters. As symbols, a fact is a few dozen bytes with no allocation
//! of its own, equal text is an equal integer, and the strings are looked
//! up only when a report is written.

use std::hash::BuildHasher;
use std::num::NonZeroU32;

/// One interned string: an index into the [`Symbols`] table that made it.
/// Symbols of different tables mean nothing to each other; [`Symbols::absorb`]
/// translates one table's into another's.
/// (Never zero, so that an `Option<Sym>` is as small as a `Sym`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(NonZeroU32);

/// A table of interned strings.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    /// Every string, one after another.
    text: String,
    /// Where each symbol's string ends in `text` (it starts where the
    /// previous one ends).
    ends: Vec<usize>,
    /// Symbols by the hash of their text, kept with it: the table grows
    /// and tables merge without hashing any string again.
    index: hashbrown::HashTable<(Sym, u64)>,
}

/// The hash of a string: fixed, so a table's hashes can be checked anywhere.
fn hash(s: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(s)
}

impl Symbols {
    /// The symbol of `s`, added when new.
    pub fn intern(&mut self, s: &str) -> Sym {
        self.intern_hashed(s, hash(s))
    }

    /// [`Symbols::intern`] for a string whose hash is known.
    fn intern_hashed(&mut self, s: &str, h: u64) -> Sym {
        let Symbols { text, ends, index } = self;
        if let Some(&(found, _)) = index.find(h, |&(sym, _)| slice(text, ends, sym) == s) {
            return found;
        }
        // Four billion distinct strings would take a hundred gigabytes of
        // table before the count overflowed: past that, the last symbol is
        // shared (wrong text, never a panic).
        let sym = Sym::at(ends.len());
        text.push_str(s);
        ends.push(text.len());
        index.insert_unique(h, (sym, h), |&(_, h)| h);
        sym
    }

    /// The symbol of `s`, if this table has it.
    pub fn find(&self, s: &str) -> Option<Sym> {
        self.index.find(hash(s), |&(sym, _)| self.get(sym) == s).map(|&(sym, _)| sym)
    }

    /// The text of a symbol this table made.
    pub fn get(&self, sym: Sym) -> &str {
        slice(&self.text, &self.ends, sym)
    }

    /// Adds every string of `other` to this table; gives, for each symbol of
    /// `other` (by its index), the symbol of the same text here.
    pub fn absorb(&mut self, other: &Symbols) -> Vec<Sym> {
        let mut table = vec![Sym::at(0); other.len()];
        for &(sym, h) in &other.index {
            if let Some(slot) = table.get_mut(sym.index()) {
                *slot = self.intern_hashed(other.get(sym), h);
            }
        }
        table
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl Sym {
    /// The symbol of the string at `index` in its table.
    fn at(index: usize) -> Sym {
        let n = u32::try_from(index).ok().and_then(|i| i.checked_add(1)).unwrap_or(u32::MAX);
        Sym(NonZeroU32::new(n).unwrap_or(NonZeroU32::MAX))
    }

    /// This symbol's place in its table (for [`Symbols::absorb`]'s translation).
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

fn slice<'a>(text: &'a str, ends: &[usize], sym: Sym) -> &'a str {
    let i = sym.index();
    let start = if i == 0 { 0 } else { ends.get(i - 1).copied().unwrap_or(0) };
    let end = ends.get(i).copied().unwrap_or(0);
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_text_is_one_symbol() {
        let mut t = Symbols::default();
        let a = t.intern("kube-system/coredns-0");
        let b = t.intern("62e0ffc1");
        assert_eq!(t.intern(&String::from("kube-system/coredns-0")), a);
        assert_ne!(a, b);
        assert_eq!((t.get(a), t.get(b)), ("kube-system/coredns-0", "62e0ffc1"));
        assert_eq!(t.len(), 2);
        let empty = t.intern("");
        assert_eq!(t.get(empty), "");
        assert_eq!(t.intern(""), empty, "the empty string is a string like any other");
    }

    #[test]
    fn absorbing_translates_symbols_between_tables() {
        let mut node = Symbols::default();
        let uid = node.intern("a5d8fdd1-1369-469e-8a7d-2c1047529435");
        let mut file = Symbols::default();
        let id = file.intern("9192cb33");
        let same_uid = file.intern("a5d8fdd1-1369-469e-8a7d-2c1047529435");
        let table = node.absorb(&file);
        assert_eq!(table[same_uid.index()], uid, "text the node had keeps its symbol");
        assert_eq!(node.get(table[id.index()]), "9192cb33");
        assert_eq!(node.len(), 2);
    }

    #[test]
    fn many_strings_stay_apart() {
        let mut t = Symbols::default();
        let syms: Vec<Sym> = (0..10_000).map(|i| t.intern(&format!("{i:064x}"))).collect();
        for (i, s) in syms.iter().enumerate() {
            assert_eq!(t.get(*s), format!("{i:064x}"));
            assert_eq!(t.intern(&format!("{i:064x}")), *s);
        }
    }
}
