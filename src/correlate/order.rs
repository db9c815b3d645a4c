//! A run's facts in time order, for the correlator.
//!
//! The facts stay where their inputs put them; only their places are
//! ordered. Each fact is then applied once, and each chunk of an input's
//! list is freed as soon as all of its facts have been applied, so that a
//! node's facts shrink while its Pods' timelines grow instead of both being
//! whole at the end (they are the two largest parts of a node's memory).

use crate::event::{Event, EventKind};
use crate::fact_list::FactList;

/// Chunks of a full chunk's room (1.5 MiB each) freed before their memory
/// is handed back to the system at once.
const RETURN_EVERY: usize = 2;

/// Chunks' worth of facts from which a node is large enough for memory
/// freed while it is correlated to be handed back at once (each hand-back
/// costs the allocator its caches: made for the 264 MB benchmark's nodes
/// of 15,000 to 20,000 facts, 2-6% of its time).
const LARGE: usize = 4;

/// A fact's place: its input's list and its index there.
#[derive(Debug, Clone, Copy)]
struct Place {
    list: u32,
    index: u32,
}

/// The facts of a run to be correlated, in time order.
#[derive(Debug)]
pub struct InTimeOrder {
    lists: Vec<FactList>,
    order: Vec<Place>,
    /// For each list, its chunks' facts not yet applied.
    left: Vec<Vec<u32>>,
}

/// Facts the correlator uses: those with a time, and the untimed ones that
/// say who is who (a Pod log's container, an owner from kubectl).
fn is_used(e: &Event) -> bool {
    e.at().is_some() || matches!(e.kind, EventKind::ContainerOfPod { .. } | EventKind::PodOwner { .. })
}

impl InTimeOrder {
    /// Orders the used facts of `lists` (one list per input, in any order)
    /// by time, then by where they were written; the facts of one line keep
    /// their order. Chunks with no used fact are freed now.
    pub fn new(mut lists: Vec<FactList>) -> InTimeOrder {
        let mut left: Vec<Vec<u32>> = lists.iter().map(|l| vec![0; l.chunk_count()]).collect();
        // Sorted with the facts at hand (looking each up by its place in
        // every comparison costs 1% of a run), then kept as places only.
        let mut keyed = Vec::new();
        for ((list, facts), counts) in lists.iter().enumerate().zip(&mut left) {
            for (index, e) in facts.iter().enumerate().filter(|(_, e)| is_used(e)) {
                // (Inputs have far fewer than four billion facts: a line
                // number is a u32 too.)
                keyed.push((e, Place { list: list as u32, index: index as u32 }));
                if let Some(n) = counts.get_mut(FactList::chunk_of(index)) {
                    *n += 1;
                }
            }
        }
        // Stable: facts of one line (equal time and origin) stay in list
        // order. Each list is nearly in time order already, and the sort
        // merges such runs.
        keyed.sort_by_key(|(e, _)| (e.at(), e.origin));
        let sorted = keyed.len();
        let order: Vec<Place> = keyed.into_iter().map(|(_, p)| p).collect();
        if sorted >= LARGE * FactList::CHUNK {
            // The sorted list (16 bytes a fact) goes back before the
            // timelines are made, for large nodes (4 nodes of 6,875 Pods
            // at `-j1`: 69-71 -> 66-67 MB peak).
            crate::memory::return_freed();
        }
        for (facts, counts) in lists.iter_mut().zip(&left) {
            for (chunk, _) in counts.iter().enumerate().filter(|(_, n)| **n == 0) {
                facts.free_chunk(chunk);
            }
        }
        InTimeOrder { lists, order, left }
    }

    /// The facts in order, to look at (as often as needed) before they are applied.
    pub fn iter(&self) -> impl Iterator<Item = &Event> + Clone {
        self.order.iter().filter_map(|p| fact_at(&self.lists, *p))
    }

    /// Gives each fact in order to `apply`, freeing each chunk of facts
    /// once they have all been given.
    pub fn apply_each(self, mut apply: impl FnMut(&Event)) {
        let InTimeOrder { mut lists, order, mut left } = self;
        let large = order.len() >= LARGE * FactList::CHUNK;
        let mut unreturned = 0;
        for p in order {
            if let Some(e) = fact_at(&lists, p) {
                apply(e);
            }
            let (list, chunk) = (p.list as usize, FactList::chunk_of(p.index as usize));
            if let Some(n) = left.get_mut(list).and_then(|counts| counts.get_mut(chunk)) {
                *n = n.saturating_sub(1);
                if *n == 0 && lists.get_mut(list).is_some_and(|facts| facts.free_chunk(chunk)) {
                    unreturned += 1;
                }
                // Now, while the timelines still grow, not after the
                // allocator's purge delay.
                if large && unreturned == RETURN_EVERY {
                    crate::memory::return_freed();
                    unreturned = 0;
                }
            }
        }
    }
}

fn fact_at(lists: &[FactList], p: Place) -> Option<&Event> {
    lists.get(p.list as usize)?.get(p.index as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Origin, PodRef, When};
    use crate::time::Instant;
    use chrono::{TimeZone, Utc};

    /// A fact of input `file`, line `line`, at second `s` (untimed when
    /// `None`); `untimed_kind` picks an identity fact the correlator keeps.
    fn fact(file: u32, line: u32, s: Option<i64>, untimed_kind: bool) -> Event {
        let when = s.map_or(When::Untimed, |s| When::At(Instant { utc: Utc.timestamp_opt(s, 0).unwrap(), digits: 0 }));
        let kind = if untimed_kind {
            EventKind::ContainerOfPod { pod: PodRef::default(), container: None, name: None }
        } else {
            EventKind::PodAdded { pod: PodRef::default() }
        };
        Event { when, origin: Origin { file, line }, node: None, kind }
    }

    fn key(e: &Event) -> (u32, u32, bool) {
        (e.origin.file, e.origin.line, matches!(e.kind, EventKind::ContainerOfPod { .. }))
    }

    #[test]
    fn facts_come_in_time_order_then_by_line_each_once_and_unused_ones_never() {
        // Two inputs of more than a chunk each, out of order in places, with
        // facts of one line that must keep their order, and untimed facts:
        // identity ones kept (first), others dropped.
        let n = FactList::CHUNK as u32 + 300;
        let mut lists = Vec::new();
        for file in 0..2u32 {
            let mut list = FactList::default();
            for line in 1..=n {
                let s = i64::from(line) * 2 + i64::from(file) - if line % 97 == 0 { 50 } else { 0 };
                list.push(fact(file, line, Some(s), false));
                if line % 500 == 0 {
                    list.push(fact(file, line, Some(s), true)); // a second fact of the same line
                    list.push(fact(file, line, None, line % 1000 == 0));
                }
            }
            lists.push(list);
        }
        let mut expected: Vec<&Event> = lists.iter().flat_map(FactList::iter).filter(|e| is_used(e)).collect();
        expected.sort_by_key(|e| (e.at(), e.origin));
        let expected: Vec<(u32, u32, bool)> = expected.into_iter().map(key).collect();
        assert!(expected.len() > 2 * n as usize, "the test covers every kind of fact");
        assert!(expected.iter().take(2).all(|k| k.2), "untimed identity facts come first");

        let order = InTimeOrder::new(lists);
        let seen: Vec<_> = order.iter().map(key).collect();
        assert_eq!(seen, expected);
        // Twice, as `Identity::build` looks.
        assert_eq!(order.iter().count(), expected.len());
        let mut applied = Vec::new();
        order.apply_each(|e| applied.push(key(e)));
        assert_eq!(applied, expected);
    }
}
