//! Counted nouns for what people read: "1 feed", "2 feeds". Summaries go to cron mail and
//! terminals, where "1 failures" reads as a bug.

/// `n` followed by `one` when `n` is 1, else by `many`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` and `noun`, with an `s` added unless `n` is 1 (for nouns that take a plain `s`).
pub fn counted(n: usize, noun: &str) -> String {
    count(n, noun, &format!("{noun}s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(counted(0, "feed"), "0 feeds");
        assert_eq!(counted(1, "feed"), "1 feed");
        assert_eq!(counted(2, "failure"), "2 failures");
        assert_eq!(count(1, "entry", "entries"), "1 entry");
        assert_eq!(count(3, "entry", "entries"), "3 entries");
    }
}
