//! Free-text matching: case folding, phrase search on word boundaries and a small negation check.
//!
//! Findings, specimen remarks and patient states often arrive as text only. Matching is by the
//! knowledge base's phrase lists, never by phrases written here.

/// Folds text for comparison: lower case, typographic dashes and minus signs to `-`, and runs of
/// white space to one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for ch in text.chars() {
        let ch = match ch {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{2018}' | '\u{2019}' => '\'',
            _ => ch,
        };
        if ch.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(ch.to_lowercase());
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric()
}

/// Byte offsets where `phrase` (already folded) occurs in `haystack` (already folded) on word
/// boundaries: the characters either side of the match, if any, are not letters or digits.
pub fn find_phrase(haystack: &str, phrase: &str) -> Vec<usize> {
    let mut hits = Vec::new();
    if phrase.is_empty() {
        return hits;
    }
    let mut start = 0;
    while let Some(pos) = haystack[start..].find(phrase) {
        let at = start + pos;
        let end = at + phrase.len();
        let before_ok = haystack[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c) || !phrase.chars().next().is_some_and(is_word_char));
        let after_ok = haystack[end..].chars().next().is_none_or(|c| {
            !is_word_char(c) || !phrase.chars().next_back().is_some_and(is_word_char)
        });
        if before_ok && after_ok {
            hits.push(at);
        }
        start = at + phrase.chars().next().map_or(1, char::len_utf8);
    }
    hits
}

/// Words that, shortly before a phrase in the same clause, negate it ("no splenomegaly",
/// "denies fever", "negative for HIV").
const NEGATION_CUES: [&str; 12] = [
    "no",
    "not",
    "denies",
    "denied",
    "without",
    "negative for",
    "absence of",
    "absent",
    "free of",
    "ruled out",
    "no evidence of",
    "never",
];

/// Whether the phrase found at byte `at` of the folded `haystack` is negated: a negation cue among
/// the four words before it, within the same clause (no `.`, `;` or `,` in between).
pub fn is_negated(haystack: &str, at: usize) -> bool {
    let before = &haystack[..at];
    let clause_start = before.rfind(['.', ';', ',', ':', '(', '\n']).map_or(0, |i| i + 1);
    let clause = before[clause_start..].trim();
    let words: Vec<&str> = clause.split(' ').filter(|w| !w.is_empty()).collect();
    let window = &words[words.len().saturating_sub(4)..];
    let joined = window.join(" ");
    NEGATION_CUES.iter().any(|cue| !find_phrase(&joined, cue).is_empty())
}

/// Whether any of `phrases` (folded) occurs in `haystack` (folded), optionally ignoring negated
/// mentions. Returns the first phrase that matched.
pub fn find_any<'p>(
    haystack: &str,
    phrases: &'p [String],
    negation_sensitive: bool,
) -> Option<&'p str> {
    phrases.iter().find_map(|phrase| {
        find_phrase(haystack, phrase)
            .into_iter()
            .any(|at| !negation_sensitive || !is_negated(haystack, at))
            .then_some(phrase.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_on_word_boundaries_only() {
        let text = fold("Palpable SPLEEN tip; splenomegaly noted");
        assert_eq!(find_phrase(&text, "splenomegaly").len(), 1);
        assert!(find_phrase(&text, "spleen tip").len() == 1);
        assert!(find_phrase(&fold("hepatosplenomegaly"), "splenomegaly").is_empty());
        assert_eq!(find_phrase(&fold("Fy(a-b-)"), "fy(a-b-)"), vec![0]);
    }

    #[test]
    fn negation_is_clause_local() {
        let text = fold("No splenomegaly, but fever");
        let at = find_phrase(&text, "splenomegaly")[0];
        assert!(is_negated(&text, at));
        let at = find_phrase(&text, "fever")[0];
        assert!(!is_negated(&text, at));
        let text = fold("patient denies night sweats");
        assert!(is_negated(&text, find_phrase(&text, "night sweats")[0]));
    }

    #[test]
    fn fold_normalises_dashes_and_space() {
        assert_eq!(fold("  Fy(a\u{2212}b\u{2212})\tPhenotype "), "fy(a-b-) phenotype");
    }
}
