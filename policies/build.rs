//! Embeds every `.rego` file under `rego/` so the binary carries its policies.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rego");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut policies = String::new();
    let mut tests = String::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file
            .strip_prefix(&root)
            .expect("under rego/")
            .to_string_lossy()
            .replace('\\', "/");
        let entry = format!(
            "    ({relative:?}, include_str!({:?})),\n",
            file.display().to_string()
        );
        let target = if relative.ends_with("_test.rego") {
            &mut tests
        } else {
            &mut policies
        };
        target.push_str(&entry);
    }
    let mut out = String::new();
    writeln!(out, "/// Bundled policy files: (path under rego/, source).").unwrap();
    writeln!(
        out,
        "pub static POLICIES: &[(&str, &str)] = &[\n{policies}];"
    )
    .unwrap();
    writeln!(
        out,
        "/// Their unit tests, for `tollgate verify --bundled`."
    )
    .unwrap();
    writeln!(out, "pub static TESTS: &[(&str, &str)] = &[\n{tests}];").unwrap();
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    std::fs::write(dest, out).expect("write bundled.rs");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rego") {
            out.push(path);
        }
    }
}
