//! The sample's data: read back to the same model and the same bytes, linked
//! both ways, and in the form the schemas of docs/spec/ (Appendix D) publish.

use serde_json::Value;

use super::*;

fn sample() -> Edition {
    let issue =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08");
    crate::manifest::load(&issue).unwrap_or_else(|d| panic!("{d:?}"))
}

fn schema(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/spec")
        .join(format!("{name}.schema.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_data_reads_back_to_the_same_edition_and_bytes() {
    let edition = sample();
    let published = publish(&edition);
    let again = read_edition(&published.edition.bytes)
        .unwrap()
        .into_edition();
    assert_eq!(publish(&again), published);
    // The typesetter's view of the model is whole too: only the seal and
    // the issue's own templates are not data.
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&edition).unwrap()
    );
    assert!(published.edition.bytes.ends_with(b"}\n"));
}

#[test]
fn each_document_file_is_its_entry_in_the_edition_file() {
    let edition = sample();
    let published = publish(&edition);
    let whole: Value = serde_json::from_slice(&published.edition.bytes).unwrap();
    let entries: Vec<&Value> = whole["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["documents"].as_array().unwrap())
        .collect();
    assert_eq!(entries.len(), published.documents.len());
    assert!(entries.len() >= 8);
    for (position, (entry, file)) in entries.iter().zip(&published.documents).enumerate() {
        let position = position + 1;
        assert_eq!(
            file.path,
            format!("documents/shanghai-gazette-2025-08-{position:02}.json")
        );
        let read = read_document(&file.bytes).unwrap();
        assert_eq!(read.position, position);
        assert_eq!(read.edition.uri, edition.uri);
        let value: Value = serde_json::from_slice(&file.bytes).unwrap();
        assert_eq!(&&value, entry, "{}", file.path);
    }
}

#[test]
fn a_document_and_its_interpretation_name_each_other() {
    let published = publish(&sample());
    let linked: Vec<DocumentData> = published
        .documents
        .iter()
        .map(|file| read_document(&file.bytes).unwrap())
        .filter(|document| document.interpretation.is_some())
        .collect();
    assert!(!linked.is_empty(), "the sample has an interpretation");
    for document in linked {
        let interpretation = document.interpretation.unwrap();
        assert_eq!(interpretation.interprets, document.uri);
        assert_eq!(
            interpretation.uri,
            format!("{}:interpretation", document.uri)
        );
    }
    assert_eq!(
        interpretation_uri("https://g.example/eli/2025/8/3"),
        "https://g.example/eli/2025/8/3/interpretation"
    );
}

#[test]
fn data_of_another_schema_or_with_unknown_fields_is_refused() {
    let published = publish(&sample());
    let text = String::from_utf8(published.documents[0].bytes.clone()).unwrap();
    let other = text.replace(DOCUMENT_SCHEMA, "urn:gazette:schema:document:2");
    assert!(matches!(
        read_document(other.as_bytes()),
        Err(DataError::Schema(s)) if s.ends_with(":2")
    ));
    let unknown = text.replacen("\"uri\":", "\"extra\": 1,\n  \"uri\":", 1);
    assert!(matches!(
        read_document(unknown.as_bytes()),
        Err(DataError::Json(_))
    ));
    let mut block: Value = serde_json::from_str(&text).unwrap();
    block["body"][0]["color"] = Value::String("red".into());
    let block = serde_json::to_vec(&block).unwrap();
    assert!(matches!(read_document(&block), Err(DataError::Json(_))));
    let edition = String::from_utf8(published.edition.bytes).unwrap();
    let inner = edition.replacen(DOCUMENT_SCHEMA, "urn:other", 1);
    assert!(matches!(
        read_edition(inner.as_bytes()),
        Err(DataError::Schema(s)) if s == "urn:other"
    ));
}

/// Where `$ref` points: a `#/$defs/…` of `here`, or of the document schema.
fn resolve<'a>(reference: &str, here: &'a Value, document: &'a Value) -> &'a Value {
    let (base, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let root = if base.is_empty() { here } else { document };
    root.pointer(pointer)
        .unwrap_or_else(|| panic!("{reference} resolves to nothing"))
}

/// Walks `value` along `schema`: every key of every object the data has must
/// be a property the schema names, and every object must have the schema's
/// required keys. `oneOf` branches are tried by their `kind` or type.
fn names_every_key(value: &Value, schema: &Value, root: &Value, document: &Value, at: &str) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let root = if reference.starts_with('#') {
            root
        } else {
            document
        };
        let target = resolve(reference, root, document);
        return names_every_key(value, target, root, document, at);
    }
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        let fits = |branch: &Value| {
            let mut branch = branch;
            let mut root = root;
            while let Some(reference) = branch.get("$ref").and_then(Value::as_str) {
                if !reference.starts_with('#') {
                    root = document;
                }
                branch = resolve(reference, root, document);
            }
            match (value, branch.get("type").and_then(Value::as_str)) {
                (Value::Null, Some("null")) => true,
                (Value::Object(map), Some("object")) => {
                    let kind = &branch["properties"]["kind"];
                    match map.get("kind") {
                        Some(found) => {
                            kind.get("const") == Some(found)
                                || kind["enum"].as_array().is_some_and(|e| e.contains(found))
                        }
                        None => kind.is_null(),
                    }
                }
                _ => false,
            }
        };
        let branch = branches
            .iter()
            .find(|branch| fits(branch))
            .unwrap_or_else(|| panic!("{at}: no branch of the schema fits {value}"));
        return names_every_key(value, branch, root, document, at);
    }
    match value {
        Value::Object(map) => {
            let properties = schema["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{at}: the schema names no properties"));
            for (key, inner) in map {
                let property = properties
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}: the schema does not name {key}"));
                names_every_key(inner, property, root, document, &format!("{at}/{key}"));
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap();
                assert!(map.contains_key(key), "{at}: the data lacks {key}");
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                names_every_key(
                    item,
                    &schema["items"],
                    root,
                    document,
                    &format!("{at}/{index}"),
                );
            }
        }
        _ => {}
    }
}

#[test]
fn the_published_schemas_name_every_key_of_the_sample_s_data() {
    let (document_schema, edition_schema) = (schema("document"), schema("edition"));
    assert_eq!(document_schema["$id"], DOCUMENT_SCHEMA);
    assert_eq!(edition_schema["$id"], EDITION_SCHEMA);
    assert_eq!(
        document_schema["properties"]["schema"]["const"],
        DOCUMENT_SCHEMA
    );
    assert_eq!(
        edition_schema["properties"]["schema"]["const"],
        EDITION_SCHEMA
    );
    let published = publish(&sample());
    let edition: Value = serde_json::from_slice(&published.edition.bytes).unwrap();
    names_every_key(
        &edition,
        &edition_schema,
        &edition_schema,
        &document_schema,
        "",
    );
    for file in &published.documents {
        let value: Value = serde_json::from_slice(&file.bytes).unwrap();
        names_every_key(
            &value,
            &document_schema,
            &document_schema,
            &document_schema,
            "",
        );
    }
}

#[test]
fn the_walk_over_the_schema_catches_a_key_it_does_not_name() {
    let document_schema = schema("document");
    let published = publish(&sample());
    let mut value: Value = serde_json::from_slice(&published.documents[0].bytes).unwrap();
    value["metadata"]["subject"] = Value::String("未命名".into());
    let walked = std::panic::catch_unwind(|| {
        names_every_key(
            &value,
            &document_schema,
            &document_schema,
            &document_schema,
            "",
        )
    });
    assert!(walked.is_err());
}
