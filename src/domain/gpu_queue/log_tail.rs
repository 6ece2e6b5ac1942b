//! The last few kilobytes of a job's output, which is what the portal shows while a job runs. The
//! full log lives elsewhere; this only has to stay small and stay valid text.

/// How much output a job keeps unless told otherwise (the Go server kept the same 64 KiB).
pub const DEFAULT_LOG_CAP: usize = 64 * 1024;

/// A bounded suffix of everything appended, plus a count of everything ever appended.
///
/// The Go server cut the tail at a byte offset, which could leave half a character at the start
/// and make the whole column invalid UTF-8. Here the cut moves forward to the next character
/// boundary, so the tail may be a few bytes shorter than the cap but is always valid text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTail {
    text: String,
    total: u64,
    cap: usize,
}

impl LogTail {
    pub fn new(cap_bytes: usize) -> Self {
        Self {
            text: String::new(),
            total: 0,
            cap: cap_bytes,
        }
    }

    /// Rebuilds a tail read back from storage. A stored text longer than `cap` (the cap was lowered
    /// since) is cut as an append would cut it, and a stored total smaller than the text (a
    /// damaged row) is raised to the text's length, so `truncated` never lies.
    pub fn from_parts(text: String, total_bytes: u64, cap: usize) -> Self {
        let total = total_bytes.max(text.len() as u64);
        let mut tail = Self { text, total, cap };
        tail.cut_to_cap();
        tail
    }

    /// Appends a chunk of output; an empty chunk changes nothing.
    pub fn append(&mut self, chunk: &str) {
        if chunk.is_empty() {
            return;
        }
        self.total = self.total.saturating_add(chunk.len() as u64);
        if chunk.len() >= self.cap {
            // Everything already held would be dropped; skip copying it in first.
            self.text.clear();
            let start = next_boundary(chunk, chunk.len() - self.cap);
            self.text.push_str(&chunk[start..]);
        } else {
            self.text.push_str(chunk);
            self.cut_to_cap();
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every byte ever appended, including the ones no longer held.
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// Whether the start of the output has been dropped, so the portal can say "showing the end".
    pub fn truncated(&self) -> bool {
        self.total > self.text.len() as u64
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    fn cut_to_cap(&mut self) {
        if self.text.len() > self.cap {
            let cut = next_boundary(&self.text, self.text.len() - self.cap);
            self.text.drain(..cut);
        }
    }
}

impl Default for LogTail {
    fn default() -> Self {
        Self::new(DEFAULT_LOG_CAP)
    }
}

/// The first character boundary at or after `at`.
fn next_boundary(s: &str, at: usize) -> usize {
    (at..=s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_tail_is_empty_and_not_truncated() {
        let tail = LogTail::default();
        assert_eq!(tail.text(), "");
        assert_eq!(tail.total_bytes(), 0);
        assert!(!tail.truncated());
        assert_eq!(tail.cap(), 64 * 1024);
    }

    #[test]
    fn appends_under_the_cap_are_kept_whole() {
        let mut tail = LogTail::new(16);
        tail.append("step 1\n");
        tail.append("step 2\n");
        assert_eq!(tail.text(), "step 1\nstep 2\n");
        assert_eq!(tail.total_bytes(), 14);
        assert!(!tail.truncated());
    }

    #[test]
    fn an_empty_chunk_changes_nothing() {
        let mut tail = LogTail::new(4);
        tail.append("abc");
        let before = tail.clone();
        tail.append("");
        assert_eq!(tail, before);
    }

    #[test]
    fn the_oldest_bytes_are_dropped_past_the_cap_and_the_total_keeps_counting() {
        let mut tail = LogTail::new(8);
        tail.append("0123456789");
        assert_eq!(tail.text(), "23456789");
        tail.append("ab");
        assert_eq!(tail.text(), "456789ab");
        assert_eq!(tail.total_bytes(), 12);
        assert!(tail.truncated());
    }

    #[test]
    fn a_cut_inside_a_multi_byte_character_moves_to_the_next_character() {
        // "é" is two bytes and "€" three: keeping the last 4 bytes of "aé€" would start inside "é".
        let mut tail = LogTail::new(4);
        tail.append("aé€");
        assert_eq!(tail.text(), "€");
        assert_eq!(tail.total_bytes(), 6);
        assert!(tail.truncated());
    }

    #[test]
    fn a_cut_across_chunks_also_respects_character_boundaries() {
        let mut tail = LogTail::new(5);
        tail.append("€€");
        assert_eq!(tail.text(), "€");
        tail.append("x");
        assert_eq!(tail.text(), "€x");
        tail.append("yz");
        assert_eq!(
            tail.text(),
            "xyz",
            "dropping only one byte would split the euro, so all of it goes"
        );
        assert_eq!(tail.total_bytes(), 9);
    }

    #[test]
    fn a_chunk_exactly_the_cap_replaces_everything() {
        let mut tail = LogTail::new(3);
        tail.append("old");
        tail.append("new");
        assert_eq!(tail.text(), "new");
        assert!(tail.truncated());
    }

    #[test]
    fn from_parts_restores_a_stored_tail_and_recuts_when_the_cap_shrank() {
        let restored = LogTail::from_parts("tail end".into(), 1_000, 64);
        assert_eq!(restored.text(), "tail end");
        assert_eq!(restored.total_bytes(), 1_000);
        assert!(restored.truncated());

        let shrunk = LogTail::from_parts("aé€".into(), 6, 4);
        assert_eq!(shrunk.text(), "€");
        assert_eq!(shrunk.total_bytes(), 6);
    }

    #[test]
    fn from_parts_raises_a_total_smaller_than_the_text() {
        let damaged = LogTail::from_parts("hello".into(), 2, 64);
        assert_eq!(damaged.total_bytes(), 5);
        assert!(!damaged.truncated());
    }
}
