//! Hostile input: each case gives a clear error naming the file and the limit, and the
//! other files of the run are still checked. Inputs are generated, not committed.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::tollgate_in;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("policy")).expect("policy dir");
    fs::write(
        dir.path().join("policy/p.rego"),
        "package main\nimport rego.v1\ndeny contains \"bad\" if input.bad\n",
    )
    .expect("policy");
    fs::write(dir.path().join("good.yaml"), "bad: true\n").expect("good input");
    dir
}

/// Runs `tollgate test` on the hostile file and the good one; the good one must still fail
/// on its own finding and the hostile one must be reported with `expected`.
fn assert_rejected(dir: &Path, file: &str, expected: &str) {
    let run = tollgate_in(dir, &["test", "--no-color", file, "good.yaml"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(expected),
        "expected {expected:?} in:\n{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("FAIL - good.yaml:1:1 - main - bad"),
        "{}",
        run.stdout
    );
}

#[test]
fn yaml_alias_bomb() {
    let dir = fixture();
    let mut bomb = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = vec![previous; 10].join(", ");
        bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    fs::write(dir.path().join("bomb.yaml"), bomb).expect("write");
    assert_rejected(
        dir.path(),
        "bomb.yaml",
        "number of values (after YAML alias expansion) exceeds the limit of 1000000 (raise it with --max-nodes)",
    );
}

#[test]
fn ten_thousand_levels_of_nesting_in_every_format() {
    let dir = fixture();
    let depth = 10_000;
    let cases = [
        (
            "deep.yaml",
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "deep-block.yaml",
            (0..depth)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect(),
        ),
        (
            "deep.json",
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "deep.tf",
            format!("x = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "deep.toml",
            format!("x = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        ),
    ];
    for (name, text) in cases {
        fs::write(dir.path().join(name), text).expect("write");
        let run = tollgate_in(dir.path(), &["test", name], None);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(name)
                && (run.stderr.contains("--max-depth") || run.stderr.contains("recursion")),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_200_mb_file_is_refused_before_it_is_read() {
    let dir = fixture();
    let file = fs::File::create(dir.path().join("huge.yaml")).expect("create");
    file.set_len(200 * 1024 * 1024).expect("sparse 200 MB file");
    assert_rejected(
        dir.path(),
        "huge.yaml",
        "huge.yaml: file size 209715200 bytes exceeds the limit of 67108864 bytes (raise it with --max-file-size)",
    );
}

#[test]
fn a_large_stream_on_stdin_is_cut_at_the_limit() {
    let dir = fixture();
    let chunk = vec![b'#'; 1024 * 1024];
    let mut input = Vec::with_capacity(3 * chunk.len());
    for _ in 0..3 {
        input.write_all(&chunk).expect("in memory");
    }
    let run = tollgate_in(
        dir.path(),
        &["test", "--max-file-size", "2097152", "-"],
        Some(&input),
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("-: file size 2097153 bytes exceeds the limit of 2097152 bytes"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8_and_nul_bytes() {
    let dir = fixture();
    fs::write(dir.path().join("latin1.yaml"), b"name: caf\xe9\n").expect("write");
    assert_rejected(dir.path(), "latin1.yaml", "latin1.yaml:1:10: invalid UTF-8");
    fs::write(dir.path().join("nul.json"), b"{\"a\": \"x\x00y\"}").expect("write");
    assert_rejected(dir.path(), "nul.json", "nul.json:1:");
    fs::write(dir.path().join("nul.yaml"), b"a: x\x00y\n").expect("write");
    assert_rejected(dir.path(), "nul.yaml", "nul.yaml:1:");
}

#[test]
fn duplicate_keys_and_numbers_beyond_f64() {
    let dir = fixture();
    fs::write(
        dir.path().join("dup.yaml"),
        "bad: false\nname: a\nbad: true\n",
    )
    .expect("write");
    assert_rejected(
        dir.path(),
        "dup.yaml",
        "dup.yaml:3:1: duplicate key \"bad\" (first defined on line 1)",
    );
    fs::write(dir.path().join("big.yaml"), "n: 1e400\n").expect("write");
    assert_rejected(
        dir.path(),
        "big.yaml",
        "big.yaml:1:4: number 1e400 is beyond the range of f64",
    );
}

#[test]
fn too_many_documents() {
    let dir = fixture();
    fs::write(dir.path().join("many.yaml"), "a: 1\n---\n".repeat(20)).expect("write");
    let run = tollgate_in(
        dir.path(),
        &["test", "--max-documents", "10", "many.yaml"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "number of documents exceeds the limit of 10 (raise it with --max-documents)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn yaml_merge_key_bomb() {
    let dir = fixture();
    let mut bomb = String::from(
        "m0: &m0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n",
    );
    for level in 1..10 {
        let items: Vec<String> = (0..10)
            .map(|j| format!("x{j}: {{<<: *m{}}}", level - 1))
            .collect();
        bomb.push_str(&format!("m{level}: &m{level} {{{}}}\n", items.join(", ")));
    }
    fs::write(dir.path().join("merge-bomb.yaml"), bomb).expect("write");
    assert_rejected(
        dir.path(),
        "merge-bomb.yaml",
        "exceeds the limit of 1000000 (raise it with --max-nodes)",
    );
}

#[test]
fn max_depth_cannot_be_raised_past_the_ceiling() {
    let dir = fixture();
    // 100,000 levels of block sequences overflowed the stack once --max-depth allowed them.
    fs::write(dir.path().join("deep.yaml"), "- ".repeat(100_000) + "x\n").expect("write");
    let run = tollgate_in(
        dir.path(),
        &["test", "--max-depth", "1000000", "deep.yaml"],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("invalid value '1000000' for '--max-depth <N>': 1000000 is not in 1..=512"),
        "{}",
        run.stderr
    );
    let run = tollgate_in(
        dir.path(),
        &[
            "test",
            "--no-color",
            "--max-depth",
            "512",
            "deep.yaml",
            "good.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "deep.yaml:1:1025: nesting depth exceeds the limit of 512 (raise it with --max-depth)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("FAIL - good.yaml:1:1 - main - bad"));
}

#[test]
fn duplicate_keys_in_json_and_ini() {
    let dir = fixture();
    fs::write(
        dir.path().join("dup.json"),
        "{\"bad\": false, \"name\": \"a\", \"bad\": true}",
    )
    .expect("write");
    assert_rejected(
        dir.path(),
        "dup.json",
        "dup.json:1:33: invalid JSON: duplicate key \"bad\"",
    );
    fs::write(dir.path().join("dup.ini"), "[s]\nbad = false\nbad = true\n").expect("write");
    assert_rejected(
        dir.path(),
        "dup.ini",
        "dup.ini: invalid INI: duplicate key \"bad\" in section [s]",
    );
    fs::write(dir.path().join("dup.toml"), "bad = false\nbad = true\n").expect("write");
    assert_rejected(
        dir.path(),
        "dup.toml",
        "dup.toml:2:1: invalid TOML: duplicate key",
    );
}

#[test]
fn numbers_beyond_f64_in_every_format() {
    let dir = fixture();
    for (name, text, expected) in [
        ("big.json", "{\"n\": 1e400}", "big.json:1:"),
        ("big.toml", "n = 1e400\n", "big.toml:1:5: invalid TOML"),
        ("big.tf", "n = 1e400\n", "big.tf:1:"),
    ] {
        fs::write(dir.path().join(name), text).expect("write");
        assert_rejected(dir.path(), name, expected);
    }
}

#[test]
fn nul_bytes_are_kept_where_the_format_allows_them() {
    // HCL, INI and Dockerfiles keep a NUL inside a value: nothing after it is dropped.
    let dir = fixture();
    for (name, text) in [
        ("nul.tf", &b"a = \"x\x00y\"\n"[..]),
        ("nul.ini", b"[s]\na = x\x00y\n"),
        ("Dockerfile", b"FROM x\x00y\n"),
    ] {
        fs::write(dir.path().join(name), text).expect("write");
        let run = tollgate_in(dir.path(), &["parse", name], None);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(run.stdout.contains("x\\u0000y"), "{name}: {}", run.stdout);
    }
    // TOML and JSON refuse it with a position.
    fs::write(dir.path().join("nul.toml"), b"a = \"x\x00y\"\n").expect("write");
    assert_rejected(dir.path(), "nul.toml", "nul.toml:1:7: invalid TOML");
}

#[test]
fn a_policy_that_loops_is_stopped_at_the_eval_timeout() {
    let dir = fixture();
    fs::write(
        dir.path().join("policy/loop.rego"),
        "package main\nimport rego.v1\ndeny contains msg if {\n  n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])\n  msg := sprintf(\"%d\", [n])\n}\n",
    )
    .expect("policy");
    let run = tollgate_in(
        dir.path(),
        &["test", "--no-color", "--eval-timeout", "300ms", "good.yaml"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "good.yaml: evaluating data.main exceeded the time limit of 300ms (raise it with --eval-timeout)"
        ),
        "{}",
        run.stderr
    );
}
