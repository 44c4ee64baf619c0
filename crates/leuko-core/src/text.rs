//! Free-text matching: case folding, phrase search on word boundaries and a small negation check.
//!
//! Findings, specimen remarks and patient states often arrive as text only. Matching is by the
//! knowledge base's phrase lists, never by phrases written here (only the grammar of negation
//! and of result lists is).

use crate::kb::ListedResult;

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
            // ASCII (nearly all clinical text) needs no Unicode case tables.
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                out.extend(ch.to_lowercase());
            }
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
        let after_ok = haystack[end..]
            .chars()
            .next()
            .is_none_or(|c| !is_word_char(c) || !phrase.chars().next_back().is_some_and(is_word_char));
        if before_ok && after_ok {
            hits.push(at);
        }
        start = at + phrase.chars().next().map_or(1, char::len_utf8);
    }
    hits
}

/// The distinct words (letter/digit runs) of a folded text, each also without a plural "s", for a
/// quick "might contain" test.
pub fn word_set(text: &str) -> std::collections::BTreeSet<&str> {
    let mut set = std::collections::BTreeSet::new();
    for word in text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
        set.insert(word);
        if let Some(stem) = word.strip_suffix('s') {
            set.insert(stem);
        }
    }
    set
}

/// The words of a phrase (letter/digit runs), split once so that [`might_contain_words`] can be
/// asked many times.
pub fn phrase_words(phrase: &str) -> Vec<String> {
    phrase.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// [`might_contain`] on a phrase already split by [`phrase_words`].
pub fn might_contain_words(words: &std::collections::BTreeSet<&str>, phrase_words: &[String]) -> bool {
    phrase_words
        .iter()
        .all(|w| words.contains(w.as_str()) || w.strip_suffix('s').is_some_and(|stem| words.contains(stem)))
}

/// Whether every word of `phrase` (a plural "s" aside) is among `words` ([`word_set`]): a phrase
/// that fails this cannot match, exactly or loosely, so the search can be skipped.
pub fn might_contain(words: &std::collections::BTreeSet<&str>, phrase: &str) -> bool {
    phrase
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .all(|w| words.contains(w) || w.strip_suffix('s').is_some_and(|stem| words.contains(stem)))
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
/// the five words before it (NegEx's usual window), within the same clause (no `.`, `;` or `,` in between).
pub fn is_negated(haystack: &str, at: usize) -> bool {
    let before = &haystack[..at];
    let clause_start = before.rfind(['.', ';', ',', ':', '(', '\n']).map_or(0, |i| i + 1);
    let clause = before[clause_start..].trim();
    let words: Vec<&str> = clause.split(' ').filter(|w| !w.is_empty()).collect();
    let window = &words[words.len().saturating_sub(5)..];
    let joined = window.join(" ");
    NEGATION_CUES.iter().any(|cue| !find_phrase(&joined, cue).is_empty()) || in_negated_list(haystack, at)
}

/// Words that end a negated list: what follows them is asserted ("no rash, but fever").
const CONTRAST: [&str; 6] = ["but", "however", "although", "though", "except", "yet"];

/// Whether the mention at byte `at` is an item of a comma list that a negation cue opens: "no
/// bleeding, fever, night sweats or weight loss" negates every item. The list must be short items
/// (at most three words before the last, which may hold the closing "or"/"nor"/"and"), be closed
/// by one of those words, and hold no contrast word; so "no travel history, splenomegaly on
/// examination" leaves the splenomegaly asserted.
fn in_negated_list(haystack: &str, at: usize) -> bool {
    let start = haystack[..at].rfind(['.', ';', ':', '(', '\n']).map_or(0, |i| i + 1);
    let end = haystack[at..].find(['.', ';', '(', ')', '\n']).map_or(haystack.len(), |i| at + i);
    let sentence = &haystack[start..end];
    let at = at - start;
    let mut segments = Vec::new();
    let mut offset = 0;
    for segment in sentence.split(',') {
        segments.push((offset, segment));
        offset += segment.len() + 1;
    }
    // The mention's own item; a list needs an item before it.
    let own = segments.iter().rposition(|(from, _)| *from <= at).unwrap_or(0);
    if own == 0 {
        return false;
    }
    fn items(text: &str) -> Vec<&str> {
        text.split(' ').filter(|w| !w.is_empty()).collect()
    }
    let contrast = |ws: &[&str]| ws.iter().any(|w| CONTRAST.contains(w));
    let closes = |ws: &[&str]| ws.iter().any(|w| matches!(*w, "or" | "nor" | "and"));
    // At most three words before the mention in its item, no contrast.
    let (own_from, own_text) = segments[own];
    let own_words = items(own_text);
    let own_limit = if closes(&own_words) { 6 } else { 3 };
    if items(&own_text[..at - own_from]).len() > 3 || own_words.len() > own_limit || contrast(&own_words) {
        return false;
    }
    // Walk back over short items, none with a contrast word, to one that opens with a cue.
    let mut opened = false;
    for (_, item) in segments[..own].iter().rev() {
        let item = items(item);
        if contrast(&item) {
            return false;
        }
        opened = item.len() <= 4
            && NEGATION_CUES.iter().any(|cue| {
                let cue_words: Vec<&str> = cue.split(' ').collect();
                item.len() > cue_words.len() && item.iter().zip(&cue_words).all(|(w, c)| w == c)
            });
        if opened || item.len() > 3 {
            break;
        }
    }
    if !opened {
        return false;
    }
    // The list closes with "or"/"nor"/"and" in the mention's item or a short item after it.
    let mut closed = closes(&own_words);
    for (_, item) in &segments[own + 1..] {
        let item = items(item);
        if closed || item.len() > 6 || contrast(&item) {
            break;
        }
        closed = closes(&item);
    }
    closed
}

/// Words that, right after a phrase in the same clause, negate it ("HIV serology negative",
/// "malaria smear: not detected" is a different clause and is caught by the colon rule below).
const POST_NEGATION_CUES: [&str; 10] = [
    "negative",
    "not detected",
    "not found",
    "not seen",
    "ruled out",
    "excluded",
    "absent",
    "nonreactive",
    "non-reactive",
    "undetectable",
];

/// Whether the span `start..end` of the folded `haystack` is negated: a cue before it
/// ([`is_negated`]), a "non-" prefix ("non-alcoholic"), or a cue among the three words after it
/// in the same clause, or right after a colon that follows it ("HIV: negative").
pub fn is_negated_span(haystack: &str, start: usize, end: usize) -> bool {
    if is_negated(haystack, start) {
        return true;
    }
    let before = haystack[..start].trim_end_matches(' ');
    if before.ends_with("non-") || before.ends_with(" non") || before == "non" {
        return true;
    }
    let after = haystack[end..].trim_start_matches([' ', ':', '=']);
    let clause_end = after.find(['.', ';', ',', '(', ')', '\n']).unwrap_or(after.len());
    let words: Vec<&str> = after[..clause_end].split(' ').filter(|w| !w.is_empty()).take(3).collect();
    let joined = words.join(" ");
    POST_NEGATION_CUES.iter().any(|cue| !find_phrase(&joined, cue).is_empty())
}

/// Whether a mention ending at byte `end` belongs to a list that the sentence closes with a
/// negative result: "malaria and leishmania antigen tests, Mantoux, viral markers, ANA and HIV
/// negative". Meant for test results and diagnoses only (a symptom in "fever and rash, dengue
/// NS1 negative" is not negated).
pub fn is_list_negated(haystack: &str, end: usize) -> bool {
    is_list_closed_by(haystack, end, ListedResult::Negative)
}

/// Whether the rest of the sentence after `end` (up to `.` or `;`, at most 16 words) closes a
/// list of tests with `result` — "HIV, hepatitis B and C and ANA negative", "B12, folate and
/// ferritin normal" — saying nothing positive or abnormal on the way.
pub fn is_list_closed_by(haystack: &str, end: usize, result: ListedResult) -> bool {
    // The sentence up to `.` or `;`. A list is short: a longer sentence (a note without full
    // stops) is not read as one, and is not scanned past its 16th word.
    let rest = &haystack[end..];
    let (mut words, mut in_word, mut stop) = (0, false, rest.len());
    for (at, ch) in rest.char_indices() {
        if ch == '.' || ch == ';' {
            stop = at;
            break;
        }
        if ch == ' ' {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > 16 {
                return false;
            }
        }
    }
    let sentence = &rest[..stop];
    let trimmed = sentence.trim_end();
    let (closers, contrary): (&[&str], &[&str]) = match result {
        ListedResult::Negative => (
            &["negative", "not detected", "nonreactive", "non-reactive", "excluded", "ruled out"],
            &["positive", "detected", "reactive", "showed", "revealed", "but", "except", "not"],
        ),
        ListedResult::Normal => (
            &["normal", "within normal limits", "within normal range", "within the normal range", "unremarkable"],
            &[
                "low",
                "high",
                "raised",
                "elevated",
                "reduced",
                "decreased",
                "deficient",
                "deficiency",
                "abnormal",
                "not",
                "but",
                "except",
                "positive",
            ],
        ),
    };
    // Words that say a test in the list has no result yet, or one of its own.
    const UNSETTLED: [&str; 10] = [
        "pending",
        "awaited",
        "sent",
        "requested",
        "ordered",
        "declined",
        "equivocal",
        "indeterminate",
        "borderline",
        "unknown",
    ];
    let Some(body) = closers.iter().find_map(|cue| {
        trimmed.strip_suffix(cue).filter(|before| !before.chars().next_back().is_some_and(is_word_char))
    }) else {
        return false;
    };
    let numeric = |word: &str| {
        word.starts_with(|c: char| c.is_ascii_digit())
            && (word.contains([':', '.']) || (word.len() > 1 && word.chars().all(|c| c.is_ascii_digit())))
    };
    !contrary.iter().chain(UNSETTLED.iter()).any(|cue| !find_phrase(body, cue).is_empty())
        && !body.split([' ', ',', '(', ')']).any(numeric)
}

/// Whether any of `phrases` (folded) occurs in `haystack` (folded), optionally ignoring negated
/// mentions. Returns the first phrase that matched.
pub fn find_any<'p>(haystack: &str, phrases: &'p [String], negation_sensitive: bool) -> Option<&'p str> {
    phrases.iter().find_map(|phrase| {
        find_phrase(haystack, phrase)
            .into_iter()
            .any(|at| !negation_sensitive || !is_negated_span(haystack, at, at + phrase.len()))
            .then_some(phrase.as_str())
    })
}

/// Words of a folded text with their byte offsets, and the clause each belongs to (clauses end
/// at `.`, `;`, `:`, `,`, `(`, `)` and line breaks).
fn words(text: &str) -> Vec<(usize, &str, usize)> {
    let mut out = Vec::new();
    let mut clause = 0;
    let mut start = None;
    for (at, ch) in text.char_indices() {
        if is_word_char(ch) {
            start.get_or_insert(at);
            continue;
        }
        if let Some(begin) = start.take() {
            out.push((begin, &text[begin..at], clause));
        }
        if matches!(ch, '.' | ';' | ':' | ',' | '(' | ')' | '\n') {
            clause += 1;
        }
    }
    if let Some(begin) = start {
        out.push((begin, &text[begin..], clause));
    }
    out
}

/// Units whose plural carries meaning: "fever for weeks" is not "fever for one week".
const DURATION_UNITS: [&str; 5] = ["days", "weeks", "months", "years", "hours"];

fn same_word(found: &str, wanted: &str) -> bool {
    found == wanted
        || found.strip_suffix('s').is_some_and(|stem| stem == wanted)
        || (!DURATION_UNITS.contains(&wanted) && wanted.strip_suffix('s').is_some_and(|stem| stem == found))
}

/// Byte offsets where the words of a multi-word `phrase` occur in order within one clause of
/// `haystack`, with at most `gap` other words between consecutive ones, and a plural `s` ignored
/// ("zinc-rich enteral supplements" matches "zinc supplement"). Single-word phrases and phrases
/// with punctuation other than spaces and hyphens are matched exactly ([`find_phrase`]).
pub fn find_phrase_loose(haystack: &str, phrase: &str, gap: usize) -> Vec<(usize, usize)> {
    let exact: Vec<(usize, usize)> =
        find_phrase(haystack, phrase).into_iter().map(|at| (at, at + phrase.len())).collect();
    let wanted: Vec<&str> = phrase.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    let simple = phrase.chars().all(|c| is_word_char(c) || c == ' ' || c == '-');
    if !exact.is_empty() || wanted.len() < 2 || !simple {
        return exact;
    }
    // Cheap rejection: every word (less a plural "s") must occur somewhere in the text.
    if !wanted.iter().all(|w| haystack.contains(w.strip_suffix('s').unwrap_or(w))) {
        return exact;
    }
    let found = words(haystack);
    // A word joined to the one before by a hyphen ("non-tender") does not add to the gap.
    let joined: Vec<bool> = (0..found.len())
        .map(|i| {
            i > 0 && found[i - 1].0 + found[i - 1].1.len() + 1 == found[i].0 && haystack[..found[i].0].ends_with('-')
        })
        .collect();
    let gap_between = |from: usize, to: usize| (from + 1..to).filter(|&k| !joined[k]).count();
    let mut hits = Vec::new();
    for first in 0..found.len() {
        if !same_word(found[first].1, wanted[0]) {
            continue;
        }
        let mut at = first;
        let mut ok = true;
        for word in &wanted[1..] {
            let next = (at + 1..found.len())
                .take_while(|&i| gap_between(at, i) <= gap)
                .find(|&i| found[i].2 == found[first].2 && same_word(found[i].1, word));
            match next {
                Some(i) => at = i,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        // A negation inside the span ("spleen not palpable") breaks the match.
        let negated_inside = || {
            found[first + 1..at]
                .iter()
                .any(|(_, word, _)| NEGATION_CUES.iter().any(|cue| !cue.contains(' ') && cue == word))
        };
        if ok && !negated_inside() {
            hits.push((found[first].0, found[at].0 + found[at].1.len()));
        }
    }
    hits
}

/// The first duration stated in the folded `text` — "for 3 weeks", "for one month", "a 10-day",
/// "two months of" — in days (a week as 7, a month as 30, a year as 365). `None` when no number
/// or number word names one.
pub fn duration_days(text: &str) -> Option<u32> {
    const NUMBERS: [&str; 13] =
        ["a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    let found = words(text);
    found.windows(2).find_map(|pair| {
        let (word, unit) = (pair[0].1, pair[1].1);
        let count = match word.parse::<u32>() {
            Ok(n) => n,
            Err(_) => NUMBERS.iter().position(|n| *n == word).map(|i| i.max(1) as u32)?,
        };
        let per = match unit.strip_suffix('s').unwrap_or(unit) {
            "day" => 1,
            "week" | "wk" => 7,
            "month" | "mo" => 30,
            "year" | "yr" => 365,
            _ => return None,
        };
        Some(count.saturating_mul(per))
    })
}

/// As [`find_any`], with loose matching of multi-word phrases ([`find_phrase_loose`]).
pub fn find_any_loose<'p>(
    haystack: &str,
    phrases: &'p [String],
    negation_sensitive: bool,
    gap: usize,
) -> Option<&'p str> {
    phrases.iter().find_map(|phrase| {
        find_phrase_loose(haystack, phrase, gap)
            .into_iter()
            .any(|(start, end)| !negation_sensitive || !is_negated_span(haystack, start, end))
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
    fn loose_phrases_allow_a_few_words_between() {
        let text = fold("Zinc-rich enteral supplements via PEG-J; long-term jejunal tube feeding");
        assert!(!find_phrase_loose(&text, "zinc supplement", 2).is_empty());
        assert!(!find_phrase_loose(&text, "jejunal feeding", 2).is_empty());
        // Not across clauses, not out of order, not too far apart.
        assert!(find_phrase_loose(&text, "supplement jejunal", 5).is_empty());
        assert!(find_phrase_loose(&fold("feeding jejunal"), "jejunal feeding", 2).is_empty());
        assert!(find_phrase_loose(&fold("zinc a b c d supplement"), "zinc supplement", 2).is_empty());
        let text = fold("no recent zinc supplement");
        let (start, end) = find_phrase_loose(&text, "zinc supplement", 2)[0];
        assert!(is_negated_span(&text, start, end));
    }

    #[test]
    fn durations_are_read_in_days() {
        assert_eq!(duration_days(&fold(" with rigors and chills for one month")), Some(30));
        assert_eq!(duration_days(&fold(" for 3 weeks")), Some(21));
        assert_eq!(duration_days(&fold("a 10-day history")), Some(10));
        assert_eq!(duration_days(&fold(" for a week")), Some(7));
        assert_eq!(duration_days(&fold(" for 2 days, weight loss for 3 months")), Some(2));
        assert_eq!(duration_days(&fold(" since childhood")), None);
        assert_eq!(duration_days(&fold(" to 39.4 c")), None);
    }

    #[test]
    fn a_plural_duration_is_not_a_single_one() {
        let text = fold("intermittent fever and chills for one week");
        assert!(find_phrase_loose(&text, "intermittent fever for weeks", 2).is_empty());
        let text = fold("intermittent fever and chills for weeks");
        assert_eq!(find_phrase_loose(&text, "intermittent fever for weeks", 2).len(), 1);
        // Other plurals still match their singular.
        assert_eq!(find_phrase_loose(&fold("recurrent skin infection"), "recurrent infections", 2).len(), 1);
    }

    #[test]
    fn a_hyphenated_word_counts_once_in_the_gap() {
        let text = fold("massive firm non-tender splenomegaly");
        assert_eq!(find_phrase_loose(&text, "massive splenomegaly", 2).len(), 1);
        let text = fold("massive firm and tender splenomegaly");
        assert!(find_phrase_loose(&text, "massive splenomegaly", 2).is_empty());
    }

    #[test]
    fn negation_after_the_phrase_and_non_prefix() {
        let phrases = vec!["scrub typhus".to_owned()];
        assert!(find_any(&fold("Scrub typhus IgM negative"), &phrases, true).is_none());
        assert!(find_any(&fold("scrub typhus: not detected"), &phrases, true).is_none());
        assert!(find_any(&fold("scrub typhus IgM positive, dengue negative"), &phrases, true).is_some());
        let alcohol = vec!["alcoholic liver disease".to_owned()];
        assert!(find_any_loose(&fold("non-alcoholic fatty liver disease"), &alcohol, true, 2).is_none());
        assert!(find_any_loose(&fold("alcoholic liver disease"), &alcohol, true, 2).is_some());
    }

    #[test]
    fn a_list_closed_by_negative_negates_its_tests() {
        let text = fold("Malaria and leishmania antigen tests, Mantoux, viral markers, ANA and HIV negative.");
        let at = text.find("leishmania").unwrap();
        assert!(is_list_negated(&text, at + "leishmania".len()));
        let text = fold("Leishmania rK39 positive, HIV negative");
        let at = text.find("leishmania").unwrap();
        assert!(!is_list_negated(&text, at + "leishmania".len()));
    }

    #[test]
    fn a_list_closed_by_a_result_reads_each_of_its_tests() {
        let closed = |text: &str, term: &str, result| {
            let text = fold(text);
            let at = text.find(term).unwrap();
            is_list_closed_by(&text, at + term.len(), result)
        };
        use ListedResult::{Negative, Normal};
        let list = "HIV, hepatitis B and C, syphilis, monospot, PPD, ANA and parvovirus B19 tests negative";
        for term in ["hiv", "hepatitis b and c", "ppd", "ana", "parvovirus b19"] {
            assert!(closed(list, term, Negative), "{term}");
        }
        assert!(!closed(list, "hiv", Normal));
        assert!(closed("HIV, HBV, HCV, CMV and EBV excluded; blood cultures negative", "cmv", Negative));
        assert!(closed("vitamin B12, folate, iron and ferritin normal", "b12", Normal));
        assert!(closed("B12 and folate within normal limits.", "folate", Normal));
        // Anything abnormal or positive on the way, a different closing word, or another sentence.
        assert!(!closed("B12 low, folate and ferritin normal", "b12", Normal));
        assert!(!closed("B12, folate and ferritin abnormal", "b12", Normal));
        assert!(!closed("B12 borderline; folate normal", "b12", Normal));
        assert!(!closed("HIV positive, hepatitis B and C negative", "hiv", Negative));
        // A test without a result yet, or with a value of its own, is not given the list's word;
        // nor is a positive test when the list closes with "non-reactive".
        assert!(!closed("HIV pending, hepatitis B and C negative", "hiv", Negative));
        assert!(!closed("HIV not done, hepatitis B and C negative", "hiv", Negative));
        assert!(!closed("ANA 1:160, anti-dsDNA negative", "ana", Negative));
        assert!(!closed("B12 250 pg/mL, folate normal", "b12", Normal));
        assert!(!closed("HIV positive, HBsAg non-reactive", "hiv", Negative));
        assert!(closed("HIV 1/2 and HBsAg non-reactive", "hiv", Negative));
        assert!(closed("HIV not detected", "hiv", Negative));
        assert!(!closed("HIV test sent. Cultures negative", "hiv", Negative));
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
    fn a_list_opened_by_a_negation_negates_every_item() {
        let text = fold("No bleeding, fever, night sweats or weight loss.");
        for item in ["bleeding", "fever", "night sweats", "weight loss"] {
            assert!(is_negated(&text, find_phrase(&text, item)[0]), "{item}");
        }
        let text = fold("Denies fever, chills, and rigors; splenomegaly on examination");
        assert!(is_negated(&text, find_phrase(&text, "rigors")[0]));
        assert!(!is_negated(&text, find_phrase(&text, "splenomegaly")[0]));
        // Not a closed list, or a contrast: the later item is asserted.
        let text = fold("no travel history, splenomegaly on examination");
        assert!(!is_negated(&text, find_phrase(&text, "splenomegaly")[0]));
        let text = fold("no rash, but fever and night sweats");
        assert!(!is_negated(&text, find_phrase(&text, "fever")[0]));
        // Odd punctuation and non-ASCII text neither panic nor negate wrongly.
        for odd in ["no ,, fever", "no a, , fever or rash", "pas de fièvre, fever or rash", ", fever", "no, fever"] {
            let text = fold(odd);
            let _ = is_negated(&text, find_phrase(&text, "fever")[0]);
        }
        let text = fold("no rash, fièvre, fever or pallor");
        assert!(is_negated(&text, find_phrase(&text, "fever")[0]));
        let text = fold("no recent travel, fever for two weeks with drenching sweats, weight loss and pallor");
        assert!(!is_negated(&text, find_phrase(&text, "fever")[0]));
        assert!(!is_negated(&text, find_phrase(&text, "weight loss")[0]));
    }

    #[test]
    fn fold_normalises_dashes_and_space() {
        assert_eq!(fold("  Fy(a\u{2212}b\u{2212})\tPhenotype "), "fy(a-b-) phenotype");
    }
}
