//! Where jieba, the segmenter most Chinese text tools use, may say a word
//! ends. ICU4X's dictionary and jieba's differ on compounds: 城市更新,
//! 重大项目 and 文化遗产 are two words to ICU4X and one to jieba. A title
//! broken where either reads one word looks broken to whoever reads it
//! with the other, so a title breaks only where both see a boundary.
//!
//! jieba's dictionary is bundled (jieba/words.txt, see jieba/README.md)
//! sorted by bytes, so that a word is found by binary search in the text
//! as it is compiled in: nothing is loaded or built at run time. jieba's
//! `cut` is followed: the text falls into blocks of CJK ideographs, Latin
//! letters, digits and `+#&._%-`, everything else a word of its own; in a
//! block the words are the route of greatest probability through every
//! dictionary word the block holds, each word weighed by its frequency.
//! Where that route passes two or more one-character words in a row,
//! jieba guesses at unknown words (a place name, say) with a hidden Markov
//! model; no boundary is reported inside such a run, so that no guess of
//! it is ever split.

use memchr::{memchr, memrchr};

/// jieba's dictionary, one `word frequency` a line, sorted by the word's
/// UTF-8 bytes.
static WORDS: &str = include_str!("jieba/words.txt");

/// The sum of the frequencies jieba weighs a word's against: its own
/// dictionary's, where 'B超' is listed twice and counted twice.
const TOTAL: u64 = 60_101_967;

/// Whether a word boundary may fall before each character of `chars` and
/// after the last, as jieba reads them: `chars.len() + 1` answers.
pub fn boundaries(chars: &[char]) -> Vec<bool> {
    let mut boundary = vec![true; chars.len() + 1];
    let mut start = 0;
    while start < chars.len() {
        if !in_block(chars[start]) {
            start += 1;
            continue;
        }
        let end = (start..chars.len())
            .find(|&i| !in_block(chars[i]))
            .unwrap_or(chars.len());
        mark_block(&chars[start..end], &mut boundary[start..=end]);
        start = end;
    }
    boundary
}

/// What jieba cuts into words by its dictionary; any other character is a
/// word of its own.
fn in_block(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}' | 'a'..='z' | 'A'..='Z' | '0'..='9')
        || "+#&._%-".contains(c)
}

/// Marks the boundaries inside one block; `boundary` has one more entry
/// than `block`, its two ends already boundaries.
fn mark_block(block: &[char], boundary: &mut [bool]) {
    let ends = route(block);
    boundary[1..block.len()].fill(false);
    let mut x = 0;
    while x < block.len() {
        let y = ends[x];
        let single = y - x == 1;
        let next_single = y < block.len() && ends[y] - y == 1;
        // Inside a run of one-character words, no boundary: jieba's model
        // may read the run as a word it does not know.
        boundary[y] = !(single && next_single);
        x = y;
    }
}

/// For each start of a word on jieba's route through `block`, where that
/// word ends (exclusive).
fn route(block: &[char]) -> Vec<usize> {
    let text: String = block.iter().collect();
    let mut offsets: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
    offsets.push(text.len());
    let log_total = (TOTAL as f64).ln();
    let n = block.len();
    // (log probability of the best route from here to the end, where its
    // first word ends), compared as jieba does: the likelier route, and of
    // two alike the longer first word.
    let mut best = vec![(0.0_f64, n); n + 1];
    for start in (0..n).rev() {
        let mut choice: Option<(f64, usize)> = None;
        for (end, frequency) in words_from(&text, &offsets, start) {
            let score = ((frequency as f64).ln() - log_total) + best[end].0;
            if choice.is_none_or(|(s, e)| score > s || (score == s && end > e)) {
                choice = Some((score, end));
            }
        }
        best[start] = choice.unwrap_or((f64::NEG_INFINITY, start + 1));
    }
    best.into_iter().map(|(_, end)| end).collect()
}

/// Where each dictionary word of `text` starting at character `start` ends
/// (exclusive), with its frequency; the next character alone, as frequent
/// as the rarest word, when none does.
fn words_from(text: &str, offsets: &[usize], start: usize) -> Vec<(usize, u64)> {
    let mut ends = Vec::new();
    // A longer fragment sorts after a shorter one: each search goes on from
    // where the last one ended.
    let mut at = 0;
    for end in start + 1..offsets.len() {
        let fragment = &text[offsets[start]..offsets[end]];
        at = gallop(fragment.as_bytes(), at);
        let Some((word, frequency)) = line_at(at) else {
            break;
        };
        if !word.starts_with(fragment) {
            break;
        }
        if word == fragment && frequency > 0 {
            ends.push((end, frequency));
        }
    }
    if ends.is_empty() {
        ends.push((start + 1, 1));
    }
    ends
}

/// The start of the first line of the dictionary, at or after `from` (a
/// line's start), whose word is not less than `key`: probes ever farther
/// on, as that line is likely near `from`, then searches the last stretch.
fn gallop(key: &[u8], from: usize) -> usize {
    let mut step = 256;
    let mut low = from;
    loop {
        let probe = low + step;
        if probe >= WORDS.len() {
            return lower_bound_within(key, low, WORDS.len());
        }
        let start = line_start(probe, low);
        if word_at(start) >= key {
            return lower_bound_within(key, low, start);
        }
        low = start;
        step *= 4;
    }
}

/// [`gallop`]'s answer between two lines' starts, by bisection.
fn lower_bound_within(key: &[u8], from: usize, to: usize) -> usize {
    let words = WORDS.as_bytes();
    let (mut low, mut high) = (from, to);
    while low < high {
        let start = line_start(low + (high - low) / 2, low);
        if word_at(start) < key {
            low = start + memchr(b'\n', &words[start..]).map_or(words.len() - start, |i| i + 1);
        } else {
            high = start;
        }
    }
    low
}

/// The start of the line that holds byte `at`, no earlier than `floor`.
fn line_start(at: usize, floor: usize) -> usize {
    memrchr(b'\n', &WORDS.as_bytes()[floor..at]).map_or(floor, |i| floor + i + 1)
}

/// The word and frequency of the line that starts at `start`; `None` past
/// the last line.
fn line_at(start: usize) -> Option<(&'static str, u64)> {
    let line = WORDS.get(start..)?.lines().next()?;
    let (word, frequency) = line.split_once(' ')?;
    Some((word, frequency.parse().ok()?))
}

/// The word of the line that starts at `start`, as bytes.
fn word_at(start: usize) -> &'static [u8] {
    let words = &WORDS.as_bytes()[start..];
    &words[..memchr(b' ', words).unwrap_or(words.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dictionary's frequency of `word`, if it lists it.
    fn frequency(word: &str) -> Option<u64> {
        line_at(gallop(word.as_bytes(), 0))
            .filter(|(listed, _)| *listed == word)
            .map(|(_, frequency)| frequency)
    }

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let boundary = boundaries(&chars);
        let mut found = Vec::new();
        let mut word = String::new();
        for (i, c) in chars.iter().enumerate() {
            if boundary[i] && !word.is_empty() {
                found.push(std::mem::take(&mut word));
            }
            word.push(*c);
        }
        found.push(word);
        found
    }

    #[test]
    fn the_dictionary_is_sorted_and_sums_to_its_total() {
        let mut total = 0;
        let mut last = "";
        for line in WORDS.lines() {
            let (word, frequency) = line.split_once(' ').expect("word and frequency");
            assert!(last.as_bytes() < word.as_bytes(), "{last} before {word}");
            total += frequency.parse::<u64>().expect("a frequency");
            last = word;
        }
        // 'B超' is listed twice in jieba's dict.txt: 3 and 3.
        assert_eq!(total + 3, TOTAL);
        assert_eq!(frequency("B超"), Some(3));
    }

    #[test]
    fn finds_every_word_and_no_other() {
        assert_eq!(frequency("城市更新").map(|f| f > 0), Some(true));
        assert_eq!(frequency("龢"), Some(732));
        assert_eq!(frequency("1号店"), Some(3));
        assert_eq!(frequency("城市更"), None);
        assert_eq!(frequency(""), None);
    }

    /// What Python's jieba 0.42.1 gives for these, `jieba.cut(text)`.
    #[test]
    fn reads_compounds_as_jieba_does() {
        assert_eq!(
            words("上海市城市更新行动方案"),
            ["上海市", "城市更新", "行动", "方案"]
        );
        assert_eq!(
            words("做好重大项目开工建设工作"),
            ["做好", "重大项目", "开工", "建设", "工作"]
        );
        assert_eq!(
            words("非物质文化遗产代表性项目名录"),
            ["非", "物质", "文化遗产", "代表性", "项目", "名录"]
        );
    }

    #[test]
    fn punctuation_is_a_word_and_a_run_of_guesses_is_never_split() {
        assert_eq!(words("《办法》的通知"), ["《", "办法", "》", "的", "通知"]);
        // 枫泾 and 张江 are no dictionary words: jieba's model reads 枫泾镇
        // and 张江 as words.
        assert_eq!(
            words("金山区枫泾镇国土空间"),
            ["金山区", "枫泾镇", "国土", "空间"]
        );
        assert_eq!(words("张江科学城"), ["张江", "科学城"]);
    }
}
