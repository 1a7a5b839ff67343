//! The written standard (docs/spec/) as a reader and a test suite use it:
//! both texts number the same rules in the same order, and rules.json,
//! which tests and reports cite, holds each of them with the level and
//! wording the texts give.

use std::collections::HashSet;

use crate::support::repo;

/// The numbered rules of one text: (id, the sentence after it).
fn numbered(file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("docs/spec").join(file)).unwrap();
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("- **")?;
            let (id, sentence) = rest.split_once("** ")?;
            let (area, number) = id.split_once('-')?;
            let is_rule = !area.is_empty()
                && area.chars().all(|c| c.is_ascii_uppercase())
                && number.parse::<u32>().is_ok();
            is_rule.then(|| (id.to_owned(), sentence.to_owned()))
        })
        .collect()
}

#[test]
fn both_texts_and_rules_json_hold_the_same_rules() {
    let english = numbered("gazette-format-1.0.en.md");
    let chinese = numbered("gazette-format-1.0.zh.md");
    let ids =
        |rules: &[(String, String)]| rules.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&english),
        ids(&chinese),
        "the texts number the same rules in the same order"
    );
    assert!(english.len() >= 100, "{} rules", english.len());
    let unique: HashSet<&String> = english.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), english.len(), "every id once");

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo().join("docs/spec/rules.json")).unwrap())
            .unwrap();
    let listed = json.as_array().unwrap();
    assert_eq!(listed.len(), english.len());
    for ((id, en), (_, zh)) in english.iter().zip(&chinese) {
        let rule = listed
            .iter()
            .find(|r| r["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} not in rules.json"));
        assert_eq!(rule["en"], en.as_str(), "{id}");
        assert_eq!(rule["zh"], zh.as_str(), "{id}");
        let level = rule["level"].as_str().unwrap();
        assert!(
            en.contains(level),
            "{id}: the English text says {level}: {en}"
        );
        assert!(
            zh.contains(&format!("（{level}）")),
            "{id}: the Chinese text marks {level}: {zh}"
        );
    }
}
