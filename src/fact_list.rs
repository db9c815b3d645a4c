//! An input's facts, kept in fixed-size chunks.
//!
//! A node's facts are most of its memory. Kept in one growing vector, they
//! are copied each time it grows, and its room must be guessed up front
//! from the file's size, which says little: a generated 163 MB
//! `kubelet.log` holds one fact per 2,900 bytes, the benchmark's one per
//! 320. In chunks, the list grows without copying what it holds, wastes at
//! most one chunk's room, and lets the correlator free the facts it has
//! applied a chunk at a time, so that a node's facts and its Pods'
//! timelines are never both whole in memory.

use crate::event::Event;

/// A list of facts in chunks of [`FactList::CHUNK`]; every chunk but the last is full,
/// so a fact's place is its index.
#[derive(Debug, Clone, Default)]
pub struct FactList {
    chunks: Vec<Vec<Event>>,
    len: usize,
}

impl FactList {
    /// Facts a chunk holds: 16,384 facts of 96 bytes, 1.5 MiB. (Chunks of
    /// 512 to 32,768 facts peaked within a few MB of each other; large ones
    /// mean few hand-backs of freed memory, see `correlate::order`.)
    pub const CHUNK: usize = 16384;

    /// An empty list whose first chunk has room for about `facts` facts
    /// (at most a chunk's), so that a large input's first chunk is not
    /// copied as it grows.
    pub fn with_capacity(facts: usize) -> FactList {
        let room = if facts == 0 { 0 } else { facts.next_power_of_two().min(Self::CHUNK) };
        FactList { chunks: vec![Vec::with_capacity(room)], len: 0 }
    }

    /// Appends a fact.
    #[inline]
    pub fn push(&mut self, e: Event) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::CHUNK => chunk.push(e),
            last => {
                // The first chunk grows as a vector does (most inputs are
                // small Pod logs of a few facts) up to a chunk's room (a
                // power of two); the others start full size.
                let mut chunk = if last.is_none() { Vec::new() } else { Vec::with_capacity(Self::CHUNK) };
                chunk.push(e);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    /// How many facts were put in (freed chunks still count).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no fact was put in.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The fact at `i`, unless out of range or its chunk was freed.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&Event> {
        self.chunks.get(i / Self::CHUNK)?.get(i % Self::CHUNK)
    }

    /// The fact at `i`, to change in place.
    #[inline]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Event> {
        self.chunks.get_mut(i / Self::CHUNK)?.get_mut(i % Self::CHUNK)
    }

    /// The facts in order.
    pub fn iter(&self) -> impl Iterator<Item = &Event> {
        self.chunks.iter().flatten()
    }

    /// The facts in order, to change in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Event> {
        self.chunks.iter_mut().flatten()
    }

    /// Keeps only the facts `keep` accepts, in order (each chunk is freed
    /// as soon as its facts are moved).
    pub fn retain(&mut self, mut keep: impl FnMut(&Event) -> bool) {
        *self = std::mem::take(self).into_iter().filter(|e| keep(e)).collect();
    }

    /// The chunk that holds the fact at `i` (see [`FactList::free_chunk`]).
    #[inline]
    pub fn chunk_of(i: usize) -> usize {
        i / Self::CHUNK
    }

    /// How many chunks the list has.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Frees one chunk's facts, once they are no longer needed: its
    /// indices then give no fact. True when the chunk had a full chunk's
    /// room (a large block, worth handing back to the system now).
    pub fn free_chunk(&mut self, chunk: usize) -> bool {
        match self.chunks.get_mut(chunk) {
            Some(c) => std::mem::take(c).capacity() == Self::CHUNK,
            None => false,
        }
    }
}

impl IntoIterator for FactList {
    type Item = Event;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Event>>>;

    /// The facts in order; each chunk's memory goes once its facts are taken.
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

impl FromIterator<Event> for FactList {
    fn from_iter<I: IntoIterator<Item = Event>>(iter: I) -> FactList {
        let mut list = FactList::default();
        for e in iter {
            list.push(e);
        }
        list
    }
}

impl From<Vec<Event>> for FactList {
    fn from(events: Vec<Event>) -> FactList {
        events.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNK: usize = FactList::CHUNK;
    use crate::event::{EventKind, Origin, When};

    fn fact(line: u32) -> Event {
        Event { when: When::Untimed, origin: Origin { file: 0, line }, node: None, kind: EventKind::PodAdded { pod: Default::default() } }
    }

    fn lines(list: &FactList) -> Vec<u32> {
        list.iter().map(|e| e.origin.line).collect()
    }

    #[test]
    fn facts_keep_their_order_and_index_across_chunks() {
        let n = 2 * CHUNK + 5;
        let mut list: FactList = (0..n as u32).map(fact).collect();
        assert_eq!(list.len(), n);
        assert_eq!(list.chunk_count(), 3);
        assert_eq!(lines(&list), (0..n as u32).collect::<Vec<_>>());
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK + 4] {
            assert_eq!(list.get(i).map(|e| e.origin.line), Some(i as u32));
        }
        assert!(list.get(n).is_none());
        if let Some(e) = list.get_mut(CHUNK + 1) {
            e.origin.line = 7;
        }
        assert_eq!(list.iter().nth(CHUNK + 1).map(|e| e.origin.line), Some(7));
    }

    #[test]
    fn retain_keeps_the_accepted_facts_in_order_and_indexable() {
        let mut list: FactList = (0..(3 * CHUNK) as u32).map(fact).collect();
        list.retain(|e| e.origin.line % 3 == 0);
        assert_eq!(list.len(), CHUNK);
        assert_eq!(list.chunk_count(), 1);
        assert_eq!(lines(&list), (0..(3 * CHUNK) as u32).step_by(3).collect::<Vec<_>>());
        assert_eq!(list.get(CHUNK - 1).map(|e| e.origin.line), Some((3 * CHUNK - 3) as u32));
    }

    #[test]
    fn a_freed_chunk_gives_no_facts_and_the_others_stay() {
        let mut list: FactList = (0..(CHUNK + 2) as u32).map(fact).collect();
        assert_eq!(FactList::chunk_of(CHUNK - 1), 0);
        assert_eq!(FactList::chunk_of(CHUNK), 1);
        list.free_chunk(0);
        assert!(list.get(0).is_none());
        assert_eq!(list.get(CHUNK + 1).map(|e| e.origin.line), Some(CHUNK as u32 + 1));
        assert_eq!(list.len(), CHUNK + 2);
    }
}
