//! Terraform modules: up to four `.tf` files (the input split at NUL bytes, over two
//! directories) merged per directory; every field of a merged module must be placed back
//! inside the file that defines it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tollgate_engine::check::Subject;
use tollgate_engine::input::{self, Format, InputFile, PathSegment};
use tollgate_engine::terraform;
use tollgate_fuzz::{Lines, limits};

/// Field lookups per module; each walks the module's origins.
const MAX_LOOKUPS: usize = 512;

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    let mut files: Vec<(InputFile, Lines)> = Vec::new();
    for (index, part) in data.split(|&b| b == 0).take(4).enumerate() {
        let path = format!("dir{}/file{index}.tf", index % 2);
        if let Ok(file) = input::parse(&path, part.to_vec(), Format::Hcl2, &limits) {
            files.push((file, Lines::new(part)));
        }
    }
    let parsed: Vec<&InputFile> = files.iter().map(|(file, _)| file).collect();
    for module in terraform::modules(parsed) {
        let mut lookups = 0;
        let mut pending: Vec<(&Value, Vec<PathSegment>)> = vec![(&module.input, Vec::new())];
        while let Some((value, path)) = pending.pop() {
            if lookups >= MAX_LOOKUPS {
                break;
            }
            lookups += 1;
            let location = module.locate(&path);
            let (_, lines) = files
                .iter()
                .find(|(file, _)| file.path == location.file)
                .unwrap_or_else(|| {
                    panic!("{path:?} placed in {}, not a module file", location.file)
                });
            assert!(
                location.file.starts_with(&module.dir),
                "{location} outside {}",
                module.dir
            );
            lines.assert_contains(location.position, &format_args!("{path:?} at {location}"));
            let _ = module.ignored(&path, "fuzz-id");
            match value {
                Value::Object(object) => pending.extend(object.iter().map(|(k, v)| {
                    let mut child = path.clone();
                    child.push(PathSegment::Key(k.clone()));
                    (v, child)
                })),
                Value::Array(items) => pending.extend(items.iter().enumerate().map(|(i, v)| {
                    let mut child = path.clone();
                    child.push(PathSegment::Index(i));
                    (v, child)
                })),
                _ => {}
            }
        }
    }
});
