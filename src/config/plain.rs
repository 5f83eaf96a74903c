//! Rewrites the TOML deserializer's messages in the words of the config file: keys, numbers
//! and lists instead of fields, `i64` and sequences, and a suggestion for a misspelt key.
//! The position is the deserializer's; only the wording changes.

/// The plain-words form of deserializer `message`, for the value at byte `offset` of `text`.
pub(super) fn rewrite(message: &str, text: &str, offset: Option<usize>) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return unknown_key(rest);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return format!("missing key `{}", rest);
    }
    let key = offset.and_then(|o| key_before(text, o));
    if message.starts_with("data did not match any variant of untagged enum") {
        let subject = key.map_or_else(|| "the value".to_string(), |k| format!("`{k}`"));
        return format!("{subject} has a value of the wrong kind");
    }
    for (prefix, is_type) in [("invalid type: ", true), ("invalid value: ", false)] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((got, expected)) = rest.split_once(", expected ") {
                let subject = key.map_or_else(|| "the value".to_string(), |k| format!("`{k}`"));
                let wanted = expected_words(expected, !is_type);
                return format!("{subject} must be {wanted}, got {}", got_words(got));
            }
        }
    }
    message.to_string()
}

/// `rest` is what follows "unknown field `": "colour`, expected one of `a`, `b`" or
/// "colour`, there are no fields".
fn unknown_key(rest: &str) -> String {
    let Some((name, tail)) = rest.split_once('`') else {
        return format!("unknown key `{rest}");
    };
    let known: Vec<&str> = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|k| !k.is_empty())
        .collect();
    match nearest(name, &known) {
        Some(best) => format!("unknown key `{name}` (did you mean `{best}`?)"),
        None if known.is_empty() => format!("unknown key `{name}`: this table takes no keys"),
        None => format!(
            "unknown key `{name}`; the keys here are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The known key closest to `name` by edit distance, if close enough to be a typo: at most
/// a third of the longer name's letters (and at least one letter) differ.
fn nearest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(d, k)| *d <= (lower.chars().count().max(k.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters, with a transposition of neighbours counted as one
/// edit (`dealy` is one slip from `delay`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The key whose value starts at `offset`: the `key =` on that line, or on the nearest line
/// above that has one (for a value inside a multi-line list).
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset.min(text.len()))?;
    before.lines().rev().find_map(|line| {
        let (key, _) = line.split_once('=')?;
        let key = key.trim().trim_matches(['"', '\'']);
        let key = key.rsplit('.').next().unwrap_or(key).trim();
        (!key.is_empty() && !key.starts_with('#') && !key.contains(['[', ' ']))
            .then(|| key.to_string())
    })
}

/// What serde says it expected, as a person would: `i64` is a number.
fn expected_words(expected: &str, out_of_range: bool) -> String {
    let word = match expected.trim() {
        "i64" | "i32" | "integer" | "an integer" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" => {
            return if out_of_range {
                "a number from 0 up".to_string()
            } else {
                "a number".to_string()
            }
        }
        "f64" | "f32" | "a float" => "a number",
        "a boolean" | "bool" => "true or false",
        "a sequence" => "a list, like [\"a\", \"b\"]",
        "a string" | "a borrowed string" => "a string in quotes",
        "a map" => "a table",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    word.to_string()
}

/// What serde says it got: `string "ten"` is "ten", `integer `-1`` is -1.
fn got_words(got: &str) -> String {
    let got = got.trim();
    if let Some(quoted) = got.strip_prefix("string ") {
        return quoted.to_string();
    }
    for prefix in ["integer ", "floating point ", "boolean "] {
        if let Some(value) = got.strip_prefix(prefix) {
            return value.trim_matches('`').to_string();
        }
    }
    match got {
        "sequence" => "a list".to_string(),
        "map" => "a table".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_types_name_the_key_in_plain_words() {
        let text = "max_items = \"fifty\"\n";
        assert_eq!(
            rewrite(
                "invalid type: string \"fifty\", expected i64",
                text,
                Some(12)
            ),
            "`max_items` must be a number, got \"fifty\""
        );
        let text = "[[feed]]\nallowed_hosts = \"e.com\"\n";
        assert_eq!(
            rewrite(
                "invalid type: string \"e.com\", expected a sequence",
                text,
                Some(25)
            ),
            "`allowed_hosts` must be a list, like [\"a\", \"b\"], got \"e.com\""
        );
        assert_eq!(
            rewrite(
                "invalid value: integer `-1`, expected u32",
                "retries = -1",
                Some(10)
            ),
            "`retries` must be a number from 0 up, got -1"
        );
        assert_eq!(
            rewrite(
                "invalid type: integer `1`, expected a boolean",
                "respect_robots = 1",
                Some(17)
            ),
            "`respect_robots` must be true or false, got 1"
        );
    }

    #[test]
    fn a_shape_the_value_may_not_take_quotes_what_it_may_be() {
        assert_eq!(
            rewrite(
                "invalid type: integer `5`, expected \"robots\" or a list of sitemap URLs",
                "sitemaps = 5",
                Some(11)
            ),
            "`sitemaps` must be \"robots\" or a list of sitemap URLs, got 5"
        );
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_known_one() {
        assert_eq!(
            rewrite(
                "unknown field `dealy`, expected one of `delay`, `timeout`",
                "",
                None
            ),
            "unknown key `dealy` (did you mean `delay`?)"
        );
        assert_eq!(
            rewrite(
                "unknown field `colour`, expected one of `delay`, `timeout`",
                "",
                None
            ),
            "unknown key `colour`; the keys here are `delay`, `timeout`"
        );
        assert_eq!(
            rewrite("unknown field `URL`, expected `url` or `name`", "", None),
            "unknown key `URL` (did you mean `url`?)"
        );
    }

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert_eq!(edit_distance("delay", "delay"), 0);
        assert_eq!(edit_distance("dealy", "delay"), 1);
        assert_eq!(edit_distance("max_item", "max_items"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
