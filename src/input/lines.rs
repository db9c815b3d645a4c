//! An input's lines, handed out of its read buffer one by one.
//!
//! Lines are not copied unless one straddles two buffers; a line longer than
//! [`MAX_LINE`] is read only up to that length, so memory stays bounded
//! whatever the input holds. The start of the last non-blank line is kept
//! for the caller (the node's logs go on until its time).

use std::io::{self, BufRead};

/// Longest line read whole; the rest of a longer line is skipped (memory stays bounded).
pub const MAX_LINE: usize = 4 << 20;

/// Calls `f` with every line of `r` (line ending removed) and whether it
/// was cut at `cap` bytes. Lines are handed out from the reader's buffer;
/// only a line that straddles two buffers is copied. `last` ends up holding
/// the start of the last line (copied once per buffer, not per line).
pub(super) fn for_each_line(r: &mut dyn BufRead, cap: usize, last: &mut Vec<u8>, mut f: impl FnMut(&[u8], bool)) -> io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut carry_cut = false;
    let mut pending = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if pending {
                keep_start(last, trim_line_end(&carry));
                f(trim_line_end(&carry), carry_cut);
            }
            return Ok(());
        }
        let len = chunk.len();
        let mut start = 0;
        let mut last_piece = None;
        for nl in memchr::memchr_iter(b'\n', chunk) {
            let piece = &chunk[start..nl];
            if pending {
                append_capped(&mut carry, &mut carry_cut, piece, cap);
                keep_start(last, trim_line_end(&carry));
                f(trim_line_end(&carry), carry_cut);
                carry.clear();
                carry_cut = false;
                pending = false;
            } else {
                if piece.len() > cap {
                    f(&piece[..cap], true);
                } else {
                    f(trim_line_end(piece), false);
                }
                if !is_blank(piece) {
                    last_piece = Some(piece);
                }
            }
            start = nl + 1;
        }
        if let Some(piece) = last_piece {
            keep_start(last, trim_line_end(piece));
        }
        if start < len {
            append_capped(&mut carry, &mut carry_cut, &chunk[start..], cap);
            pending = true;
        }
        r.consume(len);
    }
}

/// How much of the last line is kept: enough for any envelope's and
/// component's timestamp, which come first.
const LAST_LINE_KEPT: usize = 512;

/// True for a line of nothing but white space (looked at from its start,
/// so almost every line is told by its first byte).
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Keeps the start of `line` as the last line seen, unless it is blank.
fn keep_start(last: &mut Vec<u8>, line: &[u8]) {
    if is_blank(line) {
        return;
    }
    last.clear();
    last.extend_from_slice(&line[..line.len().min(LAST_LINE_KEPT)]);
}

/// Appends to a straddling line, keeping at most `cap` bytes of it.
fn append_capped(carry: &mut Vec<u8>, cut: &mut bool, piece: &[u8], cap: usize) {
    let room = cap.saturating_sub(carry.len());
    if piece.len() > room {
        *cut = true;
    }
    carry.extend_from_slice(&piece[..piece.len().min(room)]);
}

/// A line without its trailing `\r`s (CRLF files).
fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r'] = line {
        line = rest;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    /// The lines `for_each_line` hands out and the last line it keeps, read
    /// through a buffer of `cap` bytes.
    fn lines_and_last(text: &str, cap: usize) -> (Vec<String>, String) {
        let mut r = BufReader::with_capacity(cap, text.as_bytes());
        let (mut lines, mut last) = (Vec::new(), Vec::new());
        for_each_line(&mut r, MAX_LINE, &mut last, |l, _| lines.push(String::from_utf8_lossy(l).into_owned())).unwrap();
        (lines, String::from_utf8(last).unwrap())
    }

    #[test]
    fn the_last_line_is_kept_whatever_the_buffer_size() {
        let text = "first line\nsecond, a longer line\r\nthird\n\n  \n";
        for cap in [1, 2, 5, 7, 16, 1024] {
            let (lines, last) = lines_and_last(text, cap);
            assert_eq!(lines, ["first line", "second, a longer line", "third", "", "  "], "buffer {cap}");
            assert_eq!(last, "third", "blank lines are not the last line (buffer {cap})");
            let (_, last) = lines_and_last("a\nno newline at the end", cap);
            assert_eq!(last, "no newline at the end", "buffer {cap}");
        }
        let long = format!("x\n{}\n", "y".repeat(2000));
        assert_eq!(lines_and_last(&long, 64).1, "y".repeat(LAST_LINE_KEPT), "only the start of a long line");
        assert_eq!(lines_and_last("", 8).1, "");
    }
}
