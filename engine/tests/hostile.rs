//! Regressions for what fuzzing and the hostile-input suite found (FUZZING.md lists each
//! with the target that found it): every error points inside its file, limits hold
//! whatever they are raised to, and malformed input never passes silently.

use tollgate_engine::input::{Format, ParseError, PathSegment, Position, parse};
use tollgate_engine::limits::{DEPTH_CEILING, Limits};

fn error(format: Format, text: &[u8], limits: &Limits) -> ParseError {
    match parse("input", text.to_vec(), format, limits) {
        Ok(file) => panic!(
            "{format} input should be rejected, got {:?}",
            file.documents
        ),
        Err(e) => e,
    }
}

fn position(format: Format, text: &[u8]) -> Position {
    error(format, text, &Limits::default())
        .position
        .unwrap_or_else(|| panic!("{format}: an error without a position"))
}

fn at(line: usize, column: usize) -> Position {
    Position::new(line, column)
}

#[test]
fn errors_at_the_end_of_input_point_at_its_last_line() {
    // The YAML scanner reports the end of input as the line after the last one.
    assert_eq!(position(Format::Yaml, b"[a"), at(1, 3));
    assert_eq!(position(Format::Yaml, b"a: [b\n\n"), at(3, 1));
    // serde_json reports an empty input as column 0.
    assert_eq!(position(Format::Json, b""), at(1, 1));
    assert_eq!(position(Format::Json, b"\n"), at(2, 1));
    // hcl-rs counts the line break of an unclosed block's last line as a column.
    assert_eq!(position(Format::Hcl2, b"a {\n  b {\n}\n"), at(3, 2));
}

#[test]
fn error_columns_count_characters_not_bytes() {
    // serde_json counts bytes: "é" is two.
    assert_eq!(position(Format::Json, "{\"é\": x}".as_bytes()), at(1, 7));
    // Invalid UTF-8 after "Ā8Ԁ" (five bytes, three characters) is the fourth character.
    assert_eq!(position(Format::Yaml, b"\xc4\x808\xd4\x80\x93"), at(1, 4));
}

#[test]
fn nesting_beyond_the_ceiling_is_refused_whatever_max_depth_says() {
    let unbounded = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    // Block sequences nest two characters a level: 100,000 levels overflowed the stack.
    let deep = format!("{}x\n", "- ".repeat(DEPTH_CEILING + 1));
    let refused = error(Format::Yaml, deep.as_bytes(), &unbounded);
    assert_eq!(
        refused.message,
        format!("nesting depth exceeds the limit of {DEPTH_CEILING} (raise it with --max-depth)")
    );
    let within = format!("{}x\n", "- ".repeat(DEPTH_CEILING));
    let file = parse("input", within.into_bytes(), Format::Yaml, &unbounded)
        .expect("nesting at the ceiling parses");
    assert_eq!(file.documents.len(), 1);
}

#[test]
fn json_duplicate_keys_are_an_error_at_any_depth() {
    // serde_json kept the last value while deep JSON (read as YAML) refused it; a reader
    // that keeps the first would apply what the policy never saw.
    let shallow = error(
        Format::Json,
        b"{\"bad\": false,\n \"name\": \"a\", \"bad\": true}",
        &Limits::default(),
    );
    assert_eq!(shallow.message, "invalid JSON: duplicate key \"bad\"");
    assert_eq!(shallow.position, Some(at(2, 19)));
    let nested = error(
        Format::Json,
        b"[{\"a\": 1}, {\"b\": {\"a\": 1, \"a\": 2}}]",
        &Limits::default(),
    );
    assert_eq!(nested.message, "invalid JSON: duplicate key \"a\"");
    let deep = format!(
        "{}{{\"a\": 1, \"a\": 2}}{}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let limits = Limits {
        max_depth: 300,
        ..Limits::default()
    };
    let deep = error(Format::Json, deep.as_bytes(), &limits);
    assert!(deep.message.contains("duplicate key \"a\""), "{deep:?}");
}

#[test]
fn ini_duplicate_keys_are_an_error() {
    let repeated = error(
        Format::Ini,
        b"[s]\nbad = false\nbad = true\n",
        &Limits::default(),
    );
    assert_eq!(
        repeated.message,
        "invalid INI: duplicate key \"bad\" in section [s]"
    );
    // A section given twice merges, but still may not repeat a key.
    let reopened = error(
        Format::Ini,
        b"[s]\nbad = false\n[t]\nx = 1\n[s]\nbad = true\n",
        &Limits::default(),
    );
    assert_eq!(
        reopened.message,
        "invalid INI: duplicate key \"bad\" in section [s]"
    );
    let merged = parse(
        "input",
        b"[s]\na = 1\n[s]\nb = 2\n".to_vec(),
        Format::Ini,
        &Limits::default(),
    )
    .expect("distinct keys of a reopened section merge");
    assert_eq!(
        merged.documents[0].value,
        serde_json::json!({"s": {"a": 1, "b": 2}})
    );
}

#[test]
fn yaml_positions_after_a_lone_carriage_return_count_lines_by_line_feeds() {
    // YAML breaks a line at a lone CR; every other parser, `source_line` and LF-following
    // editors do not, so a finding after one pointed a line too far (and past the end).
    let file = parse(
        "input",
        b"a: x\rb: y\nc: z\n".to_vec(),
        Format::Yaml,
        &Limits::default(),
    )
    .expect("a lone CR is a YAML line break");
    assert_eq!(
        file.documents[0].value,
        serde_json::json!({"a": "x", "b": "y", "c": "z"})
    );
    let key = |k: &str| [PathSegment::Key(k.into())];
    assert_eq!(file.locate(0, &key("a")), at(1, 1));
    assert_eq!(file.locate(0, &key("b")), at(1, 6));
    assert_eq!(file.locate(0, &key("c")), at(2, 1));
    assert_eq!(file.source_line(2), Some("c: z"));
    // CRLF is one break, as before.
    let file = parse(
        "input",
        b"a: x\r\nb: y\r\n".to_vec(),
        Format::Yaml,
        &Limits::default(),
    )
    .expect("CRLF");
    assert_eq!(file.locate(0, &key("b")), at(2, 1));
}

#[test]
fn json_deeper_than_serde_json_allows_is_still_strict_json() {
    let limits = Limits {
        max_depth: DEPTH_CEILING,
        ..Limits::default()
    };
    // A bare word full of brackets once passed as JSON: over 127 levels went through the
    // YAML parser, which reads it as a plain string.
    let text = format!("W{}", "[".repeat(200));
    let refused = error(Format::Json, text.as_bytes(), &limits);
    assert_eq!(refused.message, "invalid JSON: expected value");
    assert_eq!(refused.position, Some(at(1, 1)));
    let text = format!("{}1, x{}", "[".repeat(200), "]".repeat(200));
    let refused = error(Format::Json, text.as_bytes(), &limits);
    assert_eq!(refused.message, "invalid JSON: expected value");
    // Nesting up to the ceiling parses on a test thread's stack (2 MiB, debug build).
    let text = format!(
        "{}1{}",
        "[".repeat(DEPTH_CEILING),
        "]".repeat(DEPTH_CEILING)
    );
    let file = parse("input", text.into_bytes(), Format::Json, &limits).expect("at the ceiling");
    let mut value = &file.documents[0].value;
    let mut depth = 1; // the top-level array became the document list
    while let Some(inner) = value.get(0) {
        value = inner;
        depth += 1;
    }
    assert_eq!(
        (depth, value.clone()),
        (DEPTH_CEILING, serde_json::json!(1))
    );
}

#[test]
fn yaml_empty_values_at_the_end_of_input_point_at_the_last_line() {
    // The scanner sits on the line after the last at the end of input; an empty value
    // there (a `-` item, a `!tag` scalar) pointed outside the file.
    let cases: [(&[u8], Position); 3] = [(b"-", at(1, 2)), (b"!", at(1, 2)), (b"- \n#", at(2, 2))];
    for (text, expected) in cases {
        let file = parse("input", text.to_vec(), Format::Yaml, &Limits::default())
            .unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(file.locate(0, &[]), expected, "{text:?}");
    }
}
