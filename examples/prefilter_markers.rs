//! `prefilter_markers` — prints the literals `podmortem`'s prefilter looks
//! for, one per line, so that `rg -F -f` can count lines holding the very
//! same literals over the same files (`benches/compare.sh`).
//!
//! ```sh
//! cargo run --release --example prefilter_markers > /tmp/markers.txt
//! rg -c -F -f /tmp/markers.txt /tmp/podmortem-compare/archive
//! ```

fn main() {
    for m in podmortem::parse::markers() {
        println!("{m}");
    }
}
