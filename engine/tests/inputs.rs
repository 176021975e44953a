//! Integration tests for the input parsers, through the public API only.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tollgate_engine::input::{
    Format, InputError, InputFile, ParseError, PathSegment, Position, load, parse,
};
use tollgate_engine::limits::Limits;

fn parse_with(format: Format, text: &[u8], limits: &Limits) -> Result<InputFile, ParseError> {
    parse("input", text.to_vec(), format, limits)
}

fn ok(format: Format, text: &str) -> InputFile {
    parse_with(format, text.as_bytes(), &Limits::default())
        .unwrap_or_else(|e| panic!("{format} input should parse, got {e:?}"))
}

fn fail(format: Format, text: &[u8]) -> ParseError {
    fail_with(format, text, &Limits::default())
}

fn fail_with(format: Format, text: &[u8], limits: &Limits) -> ParseError {
    match parse_with(format, text, limits) {
        Ok(file) => panic!("{format} input should be rejected, got {:?}", values(&file)),
        Err(e) => e,
    }
}

fn values(file: &InputFile) -> Vec<Value> {
    file.documents.iter().map(|d| d.value.clone()).collect()
}

fn value(file: &InputFile) -> Value {
    assert_eq!(file.documents.len(), 1, "expected one document");
    file.documents[0].value.clone()
}

/// `a.b.0.c`: numeric segments are array indices.
fn path(dotted: &str) -> Vec<PathSegment> {
    if dotted.is_empty() {
        return Vec::new();
    }
    dotted
        .split('.')
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSegment::Index(i),
            Err(_) => PathSegment::Key(s.to_string()),
        })
        .collect()
}

fn at(line: usize, column: usize) -> Position {
    Position::new(line, column)
}

fn locate(file: &InputFile, document: usize, dotted: &str) -> Position {
    file.locate(document, &path(dotted))
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn assert_limit(error: &ParseError, flag: &str) {
    assert!(
        error.message.contains(flag),
        "expected a {flag} limit error, got {error:?}"
    );
}

fn displayed(error: ParseError) -> String {
    InputError {
        path: "input".into(),
        error,
    }
    .to_string()
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tollgate-inputs-{}-{name}", std::process::id()))
}

// ---------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------

#[test]
fn yaml_multi_document_skips_empty_documents() {
    let file = ok(
        Format::Yaml,
        "---\n---\na: 1\n---\n# only a comment\n---\nb: [x, y]\n...\n---\n~\n",
    );
    assert_eq!(
        values(&file),
        vec![json!({"a": 1}), json!({"b": ["x", "y"]})]
    );
}

const DEPLOYMENT: &str = "\
kind: Deployment
spec:
  template:
    containers:
      - name: app
        image: nginx
      - name: side
        image: \"busybox\"
---
other:
  - 1
  -   2
";

#[test]
fn yaml_values_across_documents() {
    let file = ok(Format::Yaml, DEPLOYMENT);
    assert_eq!(
        values(&file),
        vec![
            json!({"kind": "Deployment", "spec": {"template": {"containers": [
                {"name": "app", "image": "nginx"},
                {"name": "side", "image": "busybox"},
            ]}}}),
            json!({"other": [1, 2]}),
        ]
    );
}

#[test]
fn yaml_locations_of_nested_keys_and_items() {
    let file = ok(Format::Yaml, DEPLOYMENT);
    assert_eq!(locate(&file, 0, ""), at(1, 1));
    assert_eq!(locate(&file, 0, "kind"), at(1, 1));
    assert_eq!(locate(&file, 0, "spec"), at(2, 1));
    assert_eq!(locate(&file, 0, "spec.template"), at(3, 3));
    assert_eq!(locate(&file, 0, "spec.template.containers"), at(4, 5));
    assert_eq!(locate(&file, 0, "spec.template.containers.0"), at(5, 9));
    assert_eq!(
        locate(&file, 0, "spec.template.containers.0.image"),
        at(6, 9)
    );
    assert_eq!(locate(&file, 0, "spec.template.containers.1"), at(7, 9));
    assert_eq!(
        locate(&file, 0, "spec.template.containers.1.name"),
        at(7, 9)
    );
    assert_eq!(
        locate(&file, 0, "spec.template.containers.1.image"),
        at(8, 9)
    );
    // The second document's positions are counted from the start of the file.
    assert_eq!(locate(&file, 1, ""), at(10, 1));
    assert_eq!(locate(&file, 1, "other"), at(10, 1));
    assert_eq!(locate(&file, 1, "other.0"), at(11, 5));
    assert_eq!(locate(&file, 1, "other.1"), at(12, 7));
}

#[test]
fn yaml_missing_paths_locate_their_deepest_ancestor() {
    let file = ok(Format::Yaml, DEPLOYMENT);
    assert_eq!(locate(&file, 0, "spec.template.nope.deeper"), at(3, 3));
    assert_eq!(locate(&file, 0, "spec.template.containers.7"), at(4, 5));
    assert_eq!(locate(&file, 0, "kind.0"), at(1, 1));
    assert_eq!(locate(&file, 5, "kind"), at(1, 1));
}

#[test]
fn yaml_flow_collections_have_item_columns() {
    let file = ok(Format::Yaml, "a: {b: [10, 20, {c: x}]}\n");
    assert_eq!(value(&file), json!({"a": {"b": [10, 20, {"c": "x"}]}}));
    assert_eq!(locate(&file, 0, "a.b"), at(1, 5));
    assert_eq!(locate(&file, 0, "a.b.1"), at(1, 13));
    assert_eq!(locate(&file, 0, "a.b.2.c"), at(1, 18));
}

#[test]
fn yaml_top_level_list_is_split_into_documents() {
    let file = ok(
        Format::Yaml,
        "- name: a\n  port: 80\n- name: b\n  port: 81\n- plain\n",
    );
    assert_eq!(
        values(&file),
        vec![
            json!({"name": "a", "port": 80}),
            json!({"name": "b", "port": 81}),
            json!("plain"),
        ]
    );
    assert_eq!(locate(&file, 0, ""), at(1, 3));
    assert_eq!(locate(&file, 0, "port"), at(2, 3));
    assert_eq!(locate(&file, 1, ""), at(3, 3));
    assert_eq!(locate(&file, 1, "port"), at(4, 3));
    assert_eq!(locate(&file, 2, ""), at(5, 3));
}

#[test]
fn yaml_lists_in_several_documents_are_not_split() {
    let file = ok(Format::Yaml, "- 1\n- 2\n---\n- 3\n");
    assert_eq!(values(&file), vec![json!([1, 2]), json!([3])]);
}

#[test]
fn yaml_anchors_and_aliases() {
    let file = ok(
        Format::Yaml,
        "base: &b {x: 1, y: [2, 3]}\ncopy: *b\nitems: [&s str, *s]\n",
    );
    assert_eq!(
        value(&file),
        json!({"base": {"x": 1, "y": [2, 3]}, "copy": {"x": 1, "y": [2, 3]}, "items": ["str", "str"]})
    );
    // The alias points at its own key; inside, at the anchored definition.
    assert_eq!(locate(&file, 0, "copy"), at(2, 1));
    assert_eq!(locate(&file, 0, "copy.y"), at(1, 17));
}

const MERGES: &str = "\
base: &base
  a: 1
  b: 2
extra: &extra
  b: 20
  c: 30
single:
  <<: *base
  b: 3
list:
  b: 4
  <<: [*extra, *base]
inline:
  <<: {k: v, b: 9}
  d: 5
";

#[test]
fn yaml_merge_keys() {
    let file = ok(Format::Yaml, MERGES);
    let doc = value(&file);
    // An explicit key after the merge overrides the merged value in place.
    assert_eq!(doc["single"], json!({"a": 1, "b": 3}));
    assert_eq!(keys(&doc["single"]), ["a", "b"]);
    // An explicit key before the merge wins too; earlier maps in the list win over later.
    assert_eq!(doc["list"], json!({"b": 4, "c": 30, "a": 1}));
    assert_eq!(keys(&doc["list"]), ["b", "c", "a"]);
    assert_eq!(doc["inline"], json!({"k": "v", "b": 9, "d": 5}));
    // The anchored mappings are untouched.
    assert_eq!(doc["base"], json!({"a": 1, "b": 2}));
    assert_eq!(doc["extra"], json!({"b": 20, "c": 30}));
    // An overriding key is located where it is written; a merged one where it was defined.
    assert_eq!(locate(&file, 0, "single.b"), at(9, 3));
    assert_eq!(locate(&file, 0, "single.a"), at(2, 3));
    assert_eq!(locate(&file, 0, "list.c"), at(6, 3));
}

#[test]
fn yaml_merge_key_errors() {
    let error = fail(
        Format::Yaml,
        b"a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n  x: 3\n",
    );
    assert_eq!(error.position, Some(at(5, 3)));
    assert!(error.message.contains("duplicate key \"x\""), "{error:?}");
    assert!(error.message.contains("line 4"), "{error:?}");

    let error = fail(Format::Yaml, b"a:\n  <<: 5\n");
    assert_eq!(error.position, Some(at(2, 3)));
    assert!(error.message.contains("merge key"), "{error:?}");
    let error = fail(Format::Yaml, b"a:\n  <<: [{x: 1}, 2]\n");
    assert!(error.message.contains("merge key"), "{error:?}");
}

#[test]
fn yaml_quoted_merge_key_is_an_ordinary_key() {
    let file = ok(Format::Yaml, "a:\n  \"<<\": {x: 1}\n");
    assert_eq!(value(&file), json!({"a": {"<<": {"x": 1}}}));
}

#[test]
fn yaml_duplicate_keys_are_rejected_with_both_lines() {
    let error = fail(Format::Yaml, b"a: 1\nb:\n  c: 2\na: 3\n");
    assert_eq!(error.position, Some(at(4, 1)));
    assert_eq!(
        displayed(error),
        "input:4:1: duplicate key \"a\" (first defined on line 1)"
    );

    let error = fail(Format::Yaml, b"outer:\n  x: 1\n  y: 2\n  x: 3\n");
    assert_eq!(
        displayed(error),
        "input:4:3: duplicate key \"x\" (first defined on line 2)"
    );

    // The same key in different mappings, or in different documents, is fine.
    let file = ok(Format::Yaml, "a: {x: 1}\nb: {x: 2}\n---\na: 1\n");
    assert_eq!(values(&file).len(), 2);
}

#[test]
fn yaml_core_schema_scalars() {
    let file = ok(
        Format::Yaml,
        "\
int: 42
neg: -17
plus: +5
hex: 0x1F
oct: 0o17
float: 3.5
exp: 1e3
dot: .5
tilde: ~
null: null
empty:
t: True
f: FALSE
lower: true
double: \"123\"
single: 'true'
tagged: !!str 123
tagged_int: !!int \"7\"
big: 18446744073709551615
huge_int: 100000000000000000000
words: hello world
version: 1.2.3
octal_looking: 012
not_hex: 0xZZ
signed_hex: -0x1F
yes: yes
block: |
  12
",
    );
    assert_eq!(
        value(&file),
        json!({
            "int": 42,
            "neg": -17,
            "plus": 5,
            "hex": 31,
            "oct": 15,
            "float": 3.5,
            "exp": 1000.0,
            "dot": 0.5,
            "tilde": null,
            "null": null,
            "empty": null,
            "t": true,
            "f": false,
            "lower": true,
            "double": "123",
            "single": "true",
            "tagged": "123",
            "tagged_int": 7,
            "big": 18446744073709551615u64,
            "huge_int": 1e20,
            "words": "hello world",
            "version": "1.2.3",
            "octal_looking": 12,
            "not_hex": "0xZZ",
            "signed_hex": "-0x1F",
            "yes": "yes",
            "block": "12\n",
        })
    );
    // Integers stay integers, floats stay floats.
    let doc = value(&file);
    assert!(doc["int"].is_i64());
    assert!(doc["exp"].is_f64());
}

#[test]
fn yaml_non_finite_and_out_of_range_numbers_are_rejected() {
    for text in ["a: .inf\n", "a: -.Inf\n", "a: .nan\n"] {
        let error = fail(Format::Yaml, text.as_bytes());
        assert_eq!(error.position, Some(at(1, 4)), "{text}");
        assert!(
            error.message.contains("cannot be represented in JSON"),
            "{error:?}"
        );
    }
    let error = fail(Format::Yaml, b"a:\n  b: 1e400\n");
    assert_eq!(error.position, Some(at(2, 6)));
    assert_eq!(error.message, "number 1e400 is beyond the range of f64");
    // Quoted, it is only a string.
    let file = ok(Format::Yaml, "a: \"1e400\"\nb: '.inf'\n");
    assert_eq!(value(&file), json!({"a": "1e400", "b": ".inf"}));
    let error = fail(Format::Yaml, b"a: !!int abc\n");
    assert!(error.message.contains("not a valid !!int"), "{error:?}");
}

#[test]
fn yaml_non_string_keys_become_strings() {
    let file = ok(Format::Yaml, "1: a\ntrue: b\n~: c\n1.5: d\n0x10: e\n");
    assert_eq!(
        value(&file),
        json!({"1": "a", "true": "b", "null": "c", "1.5": "d", "16": "e"})
    );
    let error = fail(Format::Yaml, b"? [a, b]\n: c\n");
    assert!(error.message.contains("used as a mapping key"), "{error:?}");
}

fn billion_laughs() -> String {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let alias = format!("*{}", pair[0]);
        let items = [alias.as_str(); 10].join(",");
        text.push_str(&format!("{}: &{} [{items}]\n", pair[1], pair[1]));
    }
    text
}

#[test]
fn yaml_alias_bomb_is_rejected_at_the_node_limit() {
    // Its time and memory are measured by bench/hostile/run.sh, not asserted here.
    let error = fail(Format::Yaml, billion_laughs().as_bytes());
    assert_limit(&error, "--max-nodes");
    assert_eq!(
        error.message,
        "number of values (after YAML alias expansion) exceeds the limit of 1000000 (raise it with --max-nodes)"
    );
    assert!(error.position.is_some());
}

#[test]
fn yaml_alias_bomb_through_merge_keys_is_rejected() {
    // Merged values must count their full size when the mapping is aliased again.
    let mut text = String::from("l0: &l0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
    for level in 1..=8 {
        let entries: Vec<String> = (0..10).map(|k| format!("k{k}: *l{}", level - 1)).collect();
        text.push_str(&format!(
            "l{level}: &l{level} {{<<: {{{}}}}}\n",
            entries.join(", ")
        ));
    }
    let started = Instant::now();
    let error = fail(Format::Yaml, text.as_bytes());
    assert_limit(&error, "--max-nodes");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn yaml_node_limit_counts_the_whole_file() {
    let limits = Limits {
        max_nodes: 100,
        ..Limits::default()
    };
    let document = format!("[{}]\n", ["1"; 30].join(", "));
    assert!(parse_with(Format::Yaml, document.as_bytes(), &limits).is_ok());
    let many = vec![document; 5].join("---\n");
    let error = fail_with(Format::Yaml, many.as_bytes(), &limits);
    assert_limit(&error, "--max-nodes");
}

#[test]
fn yaml_deep_flow_nesting_is_rejected() {
    let depth = 10_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let error = fail(Format::Yaml, text.as_bytes());
    assert_eq!(
        error.message,
        "nesting depth exceeds the limit of 128 (raise it with --max-depth)"
    );
    // The scanner reads a flow collection ahead and stops at its own cap of 255 levels.
    assert_eq!(error.position, Some(at(1, 256)));
    let text = format!("a: {}1{}", "{b: ".repeat(depth), "}".repeat(depth));
    assert_limit(&fail(Format::Yaml, text.as_bytes()), "--max-depth");
}

#[test]
fn yaml_deep_block_nesting_is_rejected() {
    let depth = 10_000;
    let text = format!("{}x\n", "- ".repeat(depth));
    let error = fail(Format::Yaml, text.as_bytes());
    assert_limit(&error, "--max-depth");

    let mut text = String::new();
    for level in 0..depth {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    let error = fail(Format::Yaml, text.as_bytes());
    assert_limit(&error, "--max-depth");
    assert_eq!(error.position.map(|p| p.line), Some(129));
}

#[test]
fn yaml_depth_limit_is_exact() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(parse_with(Format::Yaml, b"a: {b: [1]}\n", &limits).is_ok());
    let error = fail_with(Format::Yaml, b"a: {b: [[1]]}\n", &limits);
    assert_limit(&error, "--max-depth");
}

#[test]
fn yaml_aliases_cannot_exceed_the_depth_limit() {
    // Each anchor stays within the limit; nesting aliases would build a deeper value.
    let limits = Limits {
        max_depth: 4,
        ..Limits::default()
    };
    let text = "a: &a [[[1]]]\nb: &b [[[*a]]]\n";
    let error = fail_with(Format::Yaml, text.as_bytes(), &limits);
    assert_limit(&error, "--max-depth");
    assert_eq!(error.position, Some(at(2, 10)));
    assert!(parse_with(Format::Yaml, b"a: &a [[1]]\nb: [*a]\n", &limits).is_ok());
}

#[test]
fn yaml_more_documents_than_the_limit_are_rejected() {
    let limits = Limits {
        max_documents: 3,
        ..Limits::default()
    };
    assert_eq!(
        parse_with(Format::Yaml, b"a: 1\n---\na: 2\n---\na: 3\n", &limits)
            .unwrap()
            .documents
            .len(),
        3
    );
    let error = fail_with(
        Format::Yaml,
        b"a: 1\n---\na: 2\n---\na: 3\n---\na: 4\n",
        &limits,
    );
    assert_eq!(
        error.message,
        "number of documents exceeds the limit of 3 (raise it with --max-documents)"
    );
    assert_eq!(error.position, Some(at(7, 1)));
}

#[test]
fn invalid_utf8_gives_a_position() {
    let error = fail(Format::Yaml, b"a: 1\nb: caf\xe9\n");
    assert_eq!(error.position, Some(at(2, 7)));
    assert_eq!(error.message, "invalid UTF-8: the file is not text");
    let error = fail(Format::Json, b"\xff");
    assert_eq!(error.position, Some(at(1, 1)));
}

#[test]
fn yaml_nul_bytes_are_an_error() {
    // The scanner would read NUL as the end of input and drop the rest of the file.
    let error = fail(Format::Yaml, b"a: 1\nb: x\0y\nc: 2\n");
    assert_eq!(error.position, Some(at(2, 5)));
    assert_eq!(error.message, "invalid YAML: NUL bytes are not allowed");
    // JSON has no raw NUL either; as an escape it is an ordinary character.
    assert!(
        fail(Format::Json, b"{\"a\": \"x\0\"}")
            .message
            .starts_with("invalid JSON")
    );
    assert_eq!(
        value(&ok(Format::Json, r#"{"a": "x\u0000"}"#)),
        json!({"a": "x\u{0}"})
    );
}

#[test]
fn yaml_scan_errors_have_positions() {
    let error = fail(Format::Yaml, b"a: 1\nb: 'unterminated\n");
    assert_eq!(
        error.message,
        "invalid YAML: while scanning a quoted scalar, found unexpected end of stream"
    );
    assert_eq!(error.position, Some(at(2, 4)));

    let error = fail(Format::Yaml, b"a: 1\n  b: 2\n");
    assert_eq!(
        error.message,
        "invalid YAML: mapping values are not allowed in this context"
    );
    assert_eq!(error.position, Some(at(2, 4)));

    let error = fail(Format::Yaml, b"a: *missing\n");
    assert_eq!(
        error.message,
        "invalid YAML: while parsing node, found unknown anchor"
    );
    assert_eq!(error.position, Some(at(1, 4)));
}

#[test]
fn byte_order_mark_is_dropped() {
    let file = ok(Format::Yaml, "\u{feff}a: 1\nb: 2\n");
    assert_eq!(value(&file), json!({"a": 1, "b": 2}));
    assert_eq!(locate(&file, 0, "b"), at(2, 1));
    let file = ok(Format::Json, "\u{feff}{\"a\": 1}");
    assert_eq!(value(&file), json!({"a": 1}));
    let file = ok(Format::Toml, "\u{feff}a = 1\n");
    assert_eq!(value(&file), json!({"a": 1}));
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

const JSON_DOC: &str = r#"{
  "a": {
    "b": [1, {"c": 2.5}],
    "s": "x\"y"
  },
  "t": true,
  "n": null,
  "neg": -3
}"#;

#[test]
fn json_values() {
    let file = ok(Format::Json, JSON_DOC);
    assert_eq!(
        value(&file),
        json!({"a": {"b": [1, {"c": 2.5}], "s": "x\"y"}, "t": true, "n": null, "neg": -3})
    );
    assert!(
        file.documents[0].source_map.is_none(),
        "JSON locations are lazy"
    );
}

#[test]
fn json_lazy_locations() {
    let file = ok(Format::Json, JSON_DOC);
    // A mapping is located at its first key, for JSON objects too.
    assert_eq!(locate(&file, 0, ""), at(2, 3));
    assert_eq!(locate(&file, 0, "a"), at(2, 3));
    assert_eq!(locate(&file, 0, "a.b"), at(3, 5));
    assert_eq!(locate(&file, 0, "a.b.1"), at(3, 15));
    assert_eq!(locate(&file, 0, "a.b.1.c"), at(3, 15));
    assert_eq!(locate(&file, 0, "a.s"), at(4, 5));
    assert_eq!(locate(&file, 0, "neg"), at(8, 3));
    assert_eq!(locate(&file, 0, "a.missing"), at(2, 3));
}

#[test]
fn json_top_level_array_items_are_documents_with_locations() {
    let file = ok(
        Format::Json,
        "[\n  {\"a\": 1},\n  {\"a\": 2, \"b\": [3]}\n]\n",
    );
    assert_eq!(
        values(&file),
        vec![json!({"a": 1}), json!({"a": 2, "b": [3]})]
    );
    assert_eq!(locate(&file, 0, "a"), at(2, 4));
    assert_eq!(locate(&file, 1, ""), at(3, 4));
    assert_eq!(locate(&file, 1, "b"), at(3, 12));
    assert_eq!(locate(&file, 1, "b.0"), at(3, 18));
}

#[test]
fn json_locations_work_beyond_the_default_depth_limit() {
    let depth = 200;
    let limits = Limits {
        max_depth: 1000,
        ..Limits::default()
    };
    let text = format!("{}\n{{\"k\": 1}}{}", "[".repeat(depth), "]".repeat(depth));
    let file = parse_with(Format::Json, text.as_bytes(), &limits).unwrap();
    let mut dotted = vec!["0"; depth - 1];
    dotted.push("k");
    assert_eq!(locate(&file, 0, &dotted.join(".")), at(2, 2));
}

#[test]
fn json_errors_have_positions() {
    let error = fail(Format::Json, b"{\n  \"a\": 1,\n  \"b\": }\n");
    assert_eq!(error.position, Some(at(3, 8)));
    assert_eq!(error.message, "invalid JSON: expected value");
    let error = fail(Format::Json, b"{\"a\": 1} extra");
    assert_eq!(error.position, Some(at(1, 10)));
    assert_eq!(error.message, "invalid JSON: trailing characters");
    let error = fail(Format::Json, b"{\"a\": 1e400}");
    assert!(error.message.contains("out of range"), "{error:?}");
}

#[test]
fn json_deep_nesting_is_rejected() {
    let depth = 10_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let error = fail(Format::Json, text.as_bytes());
    assert_eq!(
        error.message,
        "nesting depth exceeds the limit of 128 (raise it with --max-depth)"
    );
    assert_eq!(error.position, Some(at(1, 129)));
    let text = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    assert_limit(&fail(Format::Json, text.as_bytes()), "--max-depth");
    // Brackets inside strings do not count.
    let text = format!("{{\"a\": \"{}\"}}", "[".repeat(depth));
    assert_eq!(
        value(&ok(Format::Json, &text))["a"].as_str().unwrap().len(),
        depth
    );
}

// ---------------------------------------------------------------------------------------
// HCL2
// ---------------------------------------------------------------------------------------

const TERRAFORM: &str = r#"resource "aws_s3_bucket" "b" {
  bucket = "my-bucket"
  count  = 2
  ratio  = -1.5
  tags = {
    Name  = "x"
    "Env" = "prod"
  }
  list    = [1, "two", true, null]
  ref     = aws_s3_bucket.b.id
  tpl     = "foo-${var.x}"
  wrapped = "${var.y}"
  policy  = jsonencode({ a = 1 })
  neg     = -3
  not     = !true
  cond    = var.x ? 1 : 2
}

resource "aws_security_group" "sg" {
  ingress {
    from_port = 80
  }
  ingress {
    from_port = 443
  }
}

resource "aws_s3_bucket" "c" {}

variable "x" {
  default = "d"
}

locals {
  doc = <<EOF
hello
  world
EOF
  indented = <<-EOT
    one
      two
    EOT
}
"#;

#[test]
fn hcl_blocks_and_attributes() {
    let file = ok(Format::Hcl2, TERRAFORM);
    assert_eq!(
        value(&file),
        json!({
            "resource": {
                "aws_s3_bucket": {
                    "b": [{
                        "bucket": "my-bucket",
                        "count": 2,
                        "ratio": -1.5,
                        "tags": {"Name": "x", "Env": "prod"},
                        "list": [1, "two", true, null],
                        "ref": "${aws_s3_bucket.b.id}",
                        "tpl": "foo-${var.x}",
                        "wrapped": "${var.y}",
                        "policy": "${jsonencode({ a = 1 })}",
                        "neg": -3,
                        "not": false,
                        "cond": "${var.x ? 1 : 2}",
                    }],
                    "c": [{}],
                },
                "aws_security_group": {
                    "sg": [{"ingress": [{"from_port": 80}, {"from_port": 443}]}],
                },
            },
            "variable": {"x": [{"default": "d"}]},
            "locals": [{
                "doc": "hello\n  world\n",
                "indented": "one\n  two\n",
            }],
        })
    );
}

#[test]
fn hcl_locations() {
    let file = ok(Format::Hcl2, TERRAFORM);
    assert_eq!(locate(&file, 0, ""), at(1, 1));
    assert_eq!(locate(&file, 0, "resource"), at(1, 1));
    assert_eq!(locate(&file, 0, "resource.aws_s3_bucket.b.0"), at(1, 1));
    assert_eq!(
        locate(&file, 0, "resource.aws_s3_bucket.b.0.bucket"),
        at(2, 3)
    );
    assert_eq!(
        locate(&file, 0, "resource.aws_s3_bucket.b.0.count"),
        at(3, 3)
    );
    assert_eq!(
        locate(&file, 0, "resource.aws_s3_bucket.b.0.tags.Env"),
        at(7, 13)
    );
    assert_eq!(
        locate(&file, 0, "resource.aws_s3_bucket.b.0.list.1"),
        at(9, 17)
    );
    assert_eq!(locate(&file, 0, "resource.aws_s3_bucket.c.0"), at(28, 1));
    assert_eq!(
        locate(&file, 0, "resource.aws_security_group.sg.0"),
        at(19, 1)
    );
    assert_eq!(
        locate(&file, 0, "resource.aws_security_group.sg.0.ingress.1"),
        at(23, 3)
    );
    assert_eq!(
        locate(
            &file,
            0,
            "resource.aws_security_group.sg.0.ingress.1.from_port"
        ),
        at(24, 5)
    );
    assert_eq!(locate(&file, 0, "locals.0.indented"), at(39, 3));
}

#[test]
fn hcl_multiline_function_call_keeps_its_source() {
    let file = ok(
        Format::Hcl2,
        "policy = jsonencode({\n  Version = \"2012-10-17\"\n  Statement = []\n})\n",
    );
    assert_eq!(
        value(&file),
        json!({"policy": "${jsonencode({\n  Version = \"2012-10-17\"\n  Statement = []\n})}"})
    );
}

#[test]
fn hcl_object_keys_from_expressions() {
    let file = ok(
        Format::Hcl2,
        "m = {\n  \"a-${var.x}\" = 1\n  (var.k) = 2\n  plain = 3\n  a.b = 4\n  5 = 6\n}\n",
    );
    assert_eq!(
        value(&file),
        json!({"m": {"a-${var.x}": 1, "${(var.k)}": 2, "plain": 3, "a.b": 4, "5": 6}})
    );
}

#[test]
fn hcl_tfvars_and_comments() {
    let file = ok(
        Format::Hcl2,
        "# comment\nregion = \"eu-west-1\" // trailing\n/* block */ zones = [\"a\", \"b\"]\nsize = 1.25e2\n",
    );
    assert_eq!(
        value(&file),
        json!({"region": "eu-west-1", "zones": ["a", "b"], "size": 125})
    );
    assert_eq!(locate(&file, 0, "zones"), at(3, 13));
}

#[test]
fn hcl_errors_have_positions() {
    let error = fail(Format::Hcl2, b"a = 1\nb = \n");
    assert!(
        error.message.starts_with("invalid HCL: invalid expression"),
        "{error:?}"
    );
    assert_eq!(error.position, Some(at(2, 5)));
    let error = fail(Format::Hcl2, b"a = 1\nresource \"x\" {\n");
    assert!(
        error.message.starts_with("invalid HCL: invalid block body"),
        "{error:?}"
    );
    // The end of input: hcl-rs says column 16 of a 14-character line; the end of the line.
    assert_eq!(error.position, Some(at(2, 15)));
    // hcl-rs stops after `1` of `1e400`; the error names the number and where it starts.
    let error = fail(Format::Hcl2, b"a = 1\nsize = 1e400\n");
    assert_eq!(
        error.message,
        "invalid HCL: the number 1e400 is out of range (not a finite 64-bit float)"
    );
    assert_eq!(error.position, Some(at(2, 8)));
    let error = fail(Format::Hcl2, "x = [\"é\", 2.5E+999]\n".as_bytes());
    assert!(
        error
            .message
            .contains("the number 2.5E+999 is out of range"),
        "{error:?}"
    );
    assert_eq!(error.position, Some(at(1, 11)));
    // Found by the hcl fuzz target: a multi-byte character just before the digits.
    let error = fail(Format::Hcl2, "x = {\n  v \u{feff}2012-10\n}\n".as_bytes());
    assert!(
        error
            .message
            .starts_with("invalid HCL: invalid object value"),
        "{error:?}"
    );
    assert_eq!(error.position, Some(at(2, 6)));
    let error = fail(Format::Hcl2, b"a = 1\na {\n}\n");
    assert_eq!(error.position, Some(at(2, 1)));
    assert_eq!(
        error.message,
        "cannot have multiple \"a\" blocks: the name is already used"
    );
}

#[test]
fn hcl_deep_nesting_is_rejected() {
    let depth = 10_000;
    let text = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let error = fail(Format::Hcl2, text.as_bytes());
    assert_eq!(
        error.message,
        "nesting depth exceeds the limit of 128 (raise it with --max-depth)"
    );
    assert_eq!(error.position, Some(at(1, 133)));
    let text = format!("{}{}", "b {\n".repeat(depth), "}\n".repeat(depth));
    assert_limit(&fail(Format::Hcl2, text.as_bytes()), "--max-depth");
    let text = format!("a = {}1{}\n", "f(".repeat(depth), ")".repeat(depth));
    assert_limit(&fail(Format::Hcl2, text.as_bytes()), "--max-depth");
}

// ---------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------

const DOCKERFILE: &str = r#"# syntax=docker/dockerfile:1
# build stage
FROM --platform=linux/amd64 golang:1.22 AS build
ARG VERSION=1.0 OTHER
ENV A=1 B="two words"
ENV OLD value with spaces
RUN apt-get update && \
    apt-get install -y curl
COPY --from=build --chown=me:me /src /dst

# runtime
FROM alpine AS run
CMD ["./app", "--flag"]
HEALTHCHECK --interval=5m CMD curl -f http://localhost/ || exit 1
HEALTHCHECK NONE
ONBUILD RUN echo hi
RUN <<EOF
echo one
echo two
EOF
USER app
ENTRYPOINT ["a", 1]
"#;

fn instruction(cmd: &str, value: Value, stage: usize) -> Value {
    json!({"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": stage})
}

fn comment(text: &str, stage: usize) -> Value {
    json!({"Cmd": "comment", "SubCmd": "", "JSON": false, "Flags": null, "Value": [text], "Stage": stage})
}

#[test]
fn dockerfile_instructions() {
    let file = ok(Format::Dockerfile, DOCKERFILE);
    let doc = value(&file);
    let mut expected = vec![
        comment("syntax=docker/dockerfile:1", 0),
        comment("build stage", 0),
        instruction("from", json!(["golang:1.22", "AS", "build"]), 0),
        instruction("arg", json!(["VERSION=1.0", "OTHER"]), 0),
        instruction("env", json!(["A", "1", "B", "\"two words\""]), 0),
        instruction("env", json!(["OLD", "value with spaces"]), 0),
        instruction(
            "run",
            json!(["apt-get update &&     apt-get install -y curl"]),
            0,
        ),
        instruction("copy", json!(["/src", "/dst"]), 0),
        comment("runtime", 1),
        instruction("from", json!(["alpine", "AS", "run"]), 1),
        instruction("cmd", json!(["./app", "--flag"]), 1),
        instruction(
            "healthcheck",
            json!(["CMD", "curl -f http://localhost/ || exit 1"]),
            1,
        ),
        instruction("healthcheck", json!(["NONE"]), 1),
        instruction("onbuild", json!(["echo hi"]), 1),
        instruction("run", json!(["<<EOF\necho one\necho two\nEOF"]), 1),
        instruction("user", json!(["app"]), 1),
        instruction("entrypoint", json!(["[\"a\", 1]"]), 1),
    ];
    expected[2]["Flags"] = json!(["--platform=linux/amd64"]);
    expected[7]["Flags"] = json!(["--from=build", "--chown=me:me"]);
    expected[10]["JSON"] = json!(true);
    expected[11]["Flags"] = json!(["--interval=5m"]);
    expected[13]["SubCmd"] = json!("run");
    assert_eq!(doc, Value::Array(expected));
    // One document: the list of instructions is not split.
    assert_eq!(file.documents.len(), 1);
}

#[test]
fn dockerfile_locations() {
    let file = ok(Format::Dockerfile, DOCKERFILE);
    let lines: Vec<u32> = (0..17)
        .map(|i| file.locate(0, &[PathSegment::Index(i)]).line)
        .collect();
    assert_eq!(
        lines,
        [1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 15, 16, 17, 21, 22]
    );
    assert_eq!(locate(&file, 0, "6.Value"), at(7, 1));
    assert_eq!(locate(&file, 0, "9.Cmd"), at(12, 1));
}

#[test]
fn dockerfile_exec_form_and_onbuild() {
    let file = ok(
        Format::Dockerfile,
        "FROM a\nRUN [\"sh\", \"-c\", \"echo\"]\nONBUILD CMD [\"x\"]\nSHELL [\"pwsh\", \"-c\"]\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /a /b\n",
    );
    let doc = value(&file);
    assert_eq!(doc[1]["Value"], json!(["sh", "-c", "echo"]));
    assert_eq!(doc[1]["JSON"], json!(true));
    assert_eq!(doc[2]["Cmd"], json!("onbuild"));
    assert_eq!(doc[2]["SubCmd"], json!("cmd"));
    assert_eq!(doc[2]["JSON"], json!(true));
    assert_eq!(doc[2]["Value"], json!(["x"]));
    assert_eq!(doc[3]["Value"], json!(["pwsh", "-c"]));
    assert_eq!(doc[4]["Value"], json!(["/data", "/logs"]));
    assert_eq!(doc[4]["JSON"], json!(true));
    assert_eq!(doc[5]["Value"], json!(["/a", "/b"]));
    assert_eq!(doc[5]["JSON"], json!(false));
}

#[test]
fn dockerfile_continuations_skip_comments_and_blank_lines() {
    let file = ok(
        Format::Dockerfile,
        "FROM a\nRUN one \\\n# inner comment\n\n    two \\\n  three\nLABEL a=b \\\n      c=d\n",
    );
    let doc = value(&file);
    assert_eq!(doc.as_array().unwrap().len(), 3);
    assert_eq!(doc[1]["Value"], json!(["one     two   three"]));
    assert_eq!(doc[2]["Value"], json!(["a", "b", "c", "d"]));
    assert_eq!(locate(&file, 0, "2"), at(7, 1));
}

#[test]
fn dockerfile_empty_comment_resets_comments() {
    let file = ok(
        Format::Dockerfile,
        "# dropped\n#\n# kept\nFROM a\n# trailing\n",
    );
    let doc = value(&file);
    assert_eq!(
        doc,
        json!([comment("kept", 0), instruction("from", json!(["a"]), 0)])
    );
}

#[test]
fn dockerfile_heredocs() {
    let file = ok(
        Format::Dockerfile,
        "FROM a\nRUN <<-EOT bash\n\techo $((1<<2))\n\tEOT\nRUN echo $((1<<2))\nCOPY <<A-1 <<\"B\" /dest/\nfirst\nA-1\nsecond\nB\nUSER me\n",
    );
    let doc = value(&file);
    assert_eq!(
        doc[1]["Value"],
        json!(["<<-EOT bash\n\techo $((1<<2))\n\tEOT"])
    );
    assert_eq!(doc[2]["Value"], json!(["echo $((1<<2))"]));
    assert_eq!(doc[3]["Value"], json!(["<<A-1", "<<\"B\"", "/dest/"]));
    assert_eq!(doc[4], instruction("user", json!(["me"]), 0));
    assert_eq!(locate(&file, 0, "4"), at(11, 1));
}

#[test]
fn dockerfile_escape_directive() {
    let file = ok(
        Format::Dockerfile,
        "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n    && echo done\nENV P=c:\\path\n",
    );
    let doc = value(&file);
    assert_eq!(doc[0], comment("escape=`", 0));
    assert_eq!(doc[2]["Value"], json!(["dir c:\\     && echo done"]));
    assert_eq!(doc[3]["Value"], json!(["P", "c:\\path"]));
    // A directive after an ordinary comment is only a comment.
    let file = ok(Format::Dockerfile, "# hello\n# escape=`\nFROM a\nRUN x `\n");
    assert_eq!(value(&file)[3]["Value"], json!(["x `"]));
}

#[test]
fn dockerfile_errors_name_the_line() {
    let error = fail(Format::Dockerfile, b"FROM a\n\nFOO bar\n");
    assert_eq!(error.position, Some(at(3, 1)));
    assert_eq!(error.message, "unknown instruction: FOO");
    let error = fail(Format::Dockerfile, b"FROM a\nENV ONLYNAME\n");
    assert_eq!(error.position, Some(at(2, 1)));
    assert_eq!(error.message, "ENV must have two arguments");
    let error = fail(Format::Dockerfile, b"FROM a\nHEALTHCHECK FOO\n");
    assert_eq!(error.position, Some(at(2, 1)));
    let error = fail(Format::Dockerfile, b"ONBUILD FROM x\n");
    assert_eq!(error.message, "FROM isn't allowed as an ONBUILD trigger");
}

#[test]
fn dockerfile_empty_file_has_no_instructions() {
    let file = ok(Format::Dockerfile, "");
    assert_eq!(value(&file), json!([]));
    let file = ok(Format::Dockerfile, "\r\nFROM a\r\nUSER b\r\n");
    assert_eq!(value(&file)[1]["Value"], json!(["b"]));
}

// ---------------------------------------------------------------------------------------
// TOML and INI
// ---------------------------------------------------------------------------------------

#[test]
fn toml_values_and_dates() {
    let file = ok(
        Format::Toml,
        "title = \"x\"\n[owner]\ndob = 1979-05-27T07:32:00-08:00\nday = 1979-05-27\ntime = 07:32:00\nn = 1\nf = 1.5\narr = [1, 2]\n[[item]]\nk = true\n[[item]]\nk = false\n",
    );
    assert_eq!(
        value(&file),
        json!({
            "title": "x",
            "owner": {
                "dob": "1979-05-27T07:32:00-08:00",
                "day": "1979-05-27",
                "time": "07:32:00",
                "n": 1,
                "f": 1.5,
                "arr": [1, 2],
            },
            "item": [{"k": true}, {"k": false}],
        })
    );
}

#[test]
fn toml_errors_have_positions() {
    let error = fail(Format::Toml, b"a = 1\nb = \n");
    assert!(error.message.starts_with("invalid TOML: "), "{error:?}");
    assert_eq!(error.position, Some(at(2, 5)));
    let error = fail(Format::Toml, b"a = 1\na = 2\n");
    assert_eq!(error.message, "invalid TOML: duplicate key");
    assert_eq!(error.position, Some(at(2, 1)));
}

#[test]
fn toml_deep_nesting_is_rejected() {
    let depth = 10_000;
    let text = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let error = fail(Format::Toml, text.as_bytes());
    assert!(
        error.message.contains("--max-depth") || error.message.starts_with("invalid TOML"),
        "{error:?}"
    );
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let error = fail_with(Format::Toml, b"a = [[[1]]]\n", &limits);
    assert_limit(&error, "--max-depth");
}

#[test]
fn ini_sections_and_typed_values() {
    let file = ok(
        Format::Ini,
        "top = dropped\n[server]\nport = 8080\nratio = 0.5\ndebug = true\noff = F\nname = web\n; comment\n[empty]\n",
    );
    assert_eq!(
        value(&file),
        json!({
            "server": {"port": 8080, "ratio": 0.5, "debug": true, "off": false, "name": "web"},
            "empty": {},
        })
    );
    assert!(value(&file)["server"]["port"].is_i64());
}

#[test]
fn ini_errors_have_positions() {
    // The section is cut short at the end of its line, not on the line after.
    let error = fail(Format::Ini, b"[ok]\na = 1\n[broken\n");
    assert!(error.message.starts_with("invalid INI: "), "{error:?}");
    assert_eq!(error.position, Some(at(3, 8)));
    let error = fail(Format::Ini, b"[ok]\na = \"x\n");
    assert_eq!(error.position, Some(at(2, 7)));
}

// ---------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------

#[test]
fn format_detection() {
    let cases = [
        ("Dockerfile", Some(Format::Dockerfile)),
        ("dir/dockerfile", Some(Format::Dockerfile)),
        ("Dockerfile.prod", Some(Format::Dockerfile)),
        ("x.dockerfile", Some(Format::Dockerfile)),
        ("a.yml", Some(Format::Yaml)),
        ("a.yaml", Some(Format::Yaml)),
        ("A.YAML", Some(Format::Yaml)),
        ("a.json", Some(Format::Json)),
        ("main.tf", Some(Format::Hcl2)),
        ("prod.tfvars", Some(Format::Hcl2)),
        ("x.hcl", Some(Format::Hcl2)),
        ("Cargo.toml", Some(Format::Toml)),
        ("php.ini", Some(Format::Ini)),
        ("noextension", Some(Format::Yaml)),
        ("readme.md", None),
        ("archive.tar.gz", None),
    ];
    for (name, expected) in cases {
        assert_eq!(Format::detect(Path::new(name)), expected, "{name}");
    }
}

#[test]
fn format_names() {
    for format in Format::ALL {
        assert_eq!(Format::from_name(format.name()), Ok(format));
        assert_eq!(format.to_string(), format.name());
    }
    assert_eq!(Format::from_name("YML"), Ok(Format::Yaml));
    assert_eq!(Format::from_name("tf"), Ok(Format::Hcl2));
    assert_eq!(Format::from_name("hcl"), Ok(Format::Hcl2));
    let error = Format::from_name("xml").unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown parser \"xml\" (supported: yaml, json, hcl2, dockerfile, toml, ini)"
    );
}

// ---------------------------------------------------------------------------------------
// load
// ---------------------------------------------------------------------------------------

#[test]
fn load_reads_a_file() {
    let path = temp_path("load.yaml");
    std::fs::write(&path, "a: [1, 2]\n").unwrap();
    let file = load(path.to_str().unwrap(), Format::Yaml, &Limits::default()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(value(&file), json!({"a": [1, 2]}));
    assert_eq!(file.path, path.to_str().unwrap());
}

#[test]
fn load_rejects_files_over_the_size_limit_without_reading_them() {
    let path = temp_path("huge.yaml");
    let size = 10u64 * 1024 * 1024 * 1024;
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(size).unwrap();
    drop(file);
    let limits = Limits {
        max_file_bytes: 1024,
        ..Limits::default()
    };
    let started = Instant::now();
    let result = load(path.to_str().unwrap(), Format::Yaml, &limits);
    std::fs::remove_file(&path).unwrap();
    let error = result.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.error.position, None);
    assert_eq!(
        error.to_string(),
        format!(
            "{}: file size {size} bytes exceeds the limit of 1024 bytes (raise it with --max-file-size)",
            path.display()
        )
    );
}

#[test]
fn load_reports_missing_files() {
    let path = temp_path("missing.yaml");
    let error = load(path.to_str().unwrap(), Format::Yaml, &Limits::default()).unwrap_err();
    assert!(error.error.message.starts_with("cannot read: "), "{error}");
}
