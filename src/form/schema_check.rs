//! Keeps `schemas/form.schema.json` and the serde model in step: every document the
//! model writes must satisfy the schema. A small validator for the keywords the
//! schema uses (no JSON Schema crate is among the dependencies).

use serde_json::Value;

use super::fixtures;
use super::import::{import_template, ImportOptions};
use super::model::FormDef;

const SCHEMA: &str = include_str!("../../schemas/form.schema.json");

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(root, |v, part| &v[part]))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

fn type_matches(name: &str, v: &Value) -> bool {
    match name {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// Problems of `v` against `schema`, each with its JSON path.
fn check(root: &Value, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(name) => type_matches(name, v),
            Value::Array(names) => names
                .iter()
                .filter_map(Value::as_str)
                .any(|n| type_matches(n, v)),
            _ => true,
        };
        if !ok {
            out.push(format!("{path}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(v) {
            out.push(format!("{path}: {v} not in {options:?}"));
        }
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = options
            .iter()
            .filter(|o| {
                let mut sub = Vec::new();
                check(root, o, v, path, &mut sub);
                sub.is_empty()
            })
            .count();
        if matching != 1 {
            out.push(format!("{path}: {v} matches {matching} of oneOf"));
        }
    }
    if schema.get("pattern").and_then(Value::as_str) == Some("^[A-Za-z_][A-Za-z0-9_]*$") {
        let s = v.as_str().unwrap_or("");
        let ok = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            out.push(format!("{path}: '{s}' is not a key"));
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if n < min {
            out.push(format!("{path}: {n} < {min}"));
        }
    }
    if let (Some(max), Some(n)) = (schema.get("maximum").and_then(Value::as_f64), v.as_f64()) {
        if n > max {
            out.push(format!("{path}: {n} > {max}"));
        }
    }
    if let (Some(min), Some(s)) = (schema.get("minLength").and_then(Value::as_u64), v.as_str()) {
        if (s.chars().count() as u64) < min {
            out.push(format!("{path}: shorter than {min}"));
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                out.push(format!("{path}: fewer than {min} items"));
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(root, item_schema, item, &format!("{path}[{i}]"), out);
            }
        }
    }
    if let Some(object) = v.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = required.as_str() {
                if !object.contains_key(name) {
                    out.push(format!("{path}: missing {name}"));
                }
            }
        }
        for (key, value) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(sub) => check(root, sub, value, &format!("{path}.{key}"), out),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(format!("{path}: unexpected field {key}"))
                }
                None => {}
            }
        }
    }
}

fn problems(document: &Value) -> Vec<String> {
    let root: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let mut out = Vec::new();
    check(&root, &root, document, "$", &mut out);
    out
}

fn import(path: &std::path::Path) -> FormDef {
    let opts = ImportOptions {
        code: "SCHEMA".into(),
        ..ImportOptions::default()
    };
    import_template(path, &opts)
        .map(|i| i.form)
        .expect("import")
}

#[test]
fn imported_forms_satisfy_the_published_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = vec![
        fixtures::offset_three_levels(dir.path()),
        fixtures::sum_rows(dir.path()),
        fixtures::split_columns(dir.path()),
        fixtures::indented_names(dir.path()),
    ];
    let templates = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/templates"
    ));
    paths.extend(
        std::fs::read_dir(templates)
            .expect("the template fixtures")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx")),
    );
    for path in paths {
        let document = serde_json::to_value(import(&path)).expect("serialize");
        assert_eq!(
            problems(&document),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_minimal_hand_written_mapping_satisfies_the_schema_and_the_model() {
    let text = r#"{"code":"DS01","title":"DÂN SỐ","columns":[{"key":"c1"}],"rows":[{"key":"r1","name":"Dân số"}]}"#;
    let document: Value = serde_json::from_str(text).expect("json");
    assert_eq!(problems(&document), Vec::<String>::new());
    assert!(FormDef::from_json(text).is_ok());
}

#[test]
fn the_validator_catches_what_the_schema_forbids() {
    let document: Value = serde_json::from_str(
        r#"{"code":"X","title":"T","columns":[{"key":"1c","type":"money"}],"rows":[],"extra":1}"#,
    )
    .expect("json");
    let found = problems(&document);
    assert!(
        found.iter().any(|p| p.contains("unexpected field extra")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("is not a key")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("\"money\" not in")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("fewer than 1 items")),
        "{found:?}"
    );
}
