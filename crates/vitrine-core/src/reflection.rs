//! Visitors' reflections (issue 14): the question every reflection
//! answers, the same on every page and in every export.

/// The question, from the seed gallery's own invitation to readers.
pub const QUESTION: &str = "How far does this reflect your experience?";

/// Its answers, stored as 1 to 5.
pub const SCALE: [&str; 5] = ["Not at all", "A little", "Somewhat", "Mostly", "Completely"];

/// The answer `n` (1 to 5) in words.
pub fn answer(n: i64) -> Option<&'static str> {
    usize::try_from(n.checked_sub(1)?)
        .ok()
        .and_then(|i| SCALE.get(i).copied())
}

/// The day a reflection was sent, as a Release shows it: the `YYYY-MM-DD`
/// of its stored RFC 3339 time, never the time of day.
pub fn day(created_at: &str) -> String {
    created_at.chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_one_to_five() {
        assert_eq!(answer(1), Some("Not at all"));
        assert_eq!(answer(5), Some("Completely"));
        assert_eq!(answer(0), None);
        assert_eq!(answer(6), None);
        assert_eq!(answer(i64::MIN), None);
    }
}
