//! Terraform modules: the `.tf` files of one directory merged into one input, so a
//! reference such as `bucket = aws_s3_bucket.data.id` resolves to a resource defined in
//! another file; findings are placed back in the file that defines the field. Plans are
//! converted to the same shape ([`plan`]).

pub mod plan;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::check::{DocumentSubject, Subject};
use crate::input::{InputFile, PathSegment};
use crate::report::Location;

/// The merged `.tf` files of one directory.
pub struct Module<'a> {
    pub dir: String,
    pub input: Value,
    files: Vec<&'a InputFile>,
    /// Where each merged block came from: its path in the merged input, the file, and its
    /// path in that file (they differ where blocks of several files join one array).
    origins: Vec<(Vec<PathSegment>, usize, Vec<PathSegment>)>,
}

/// Groups `.tf` files by directory, in directory order.
pub fn modules<'a>(files: impl IntoIterator<Item = &'a InputFile>) -> Vec<Module<'a>> {
    let mut by_dir: BTreeMap<String, Vec<&InputFile>> = BTreeMap::new();
    for file in files {
        let dir = Path::new(&file.path)
            .parent()
            .map(|d| d.display().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| ".".into());
        by_dir.entry(dir).or_default().push(file);
    }
    by_dir
        .into_iter()
        .map(|(dir, files)| {
            let mut module = Module {
                dir,
                input: Value::Object(serde_json::Map::new()),
                files: Vec::new(),
                origins: Vec::new(),
            };
            for file in files {
                let index = module.files.len();
                module.files.push(file);
                if let Some(document) = file.documents.first() {
                    merge(
                        &mut module.input,
                        &document.value,
                        &mut Vec::new(),
                        &mut Vec::new(),
                        index,
                        &mut module.origins,
                    );
                }
            }
            module
        })
        .collect()
}

/// Merges hcl2json shapes: objects key by key, arrays (block bodies) by appending.
fn merge(
    target: &mut Value,
    source: &Value,
    merged_path: &mut Vec<PathSegment>,
    original_path: &mut Vec<PathSegment>,
    file: usize,
    origins: &mut Vec<(Vec<PathSegment>, usize, Vec<PathSegment>)>,
) {
    match (target, source) {
        (Value::Object(target), Value::Object(source)) => {
            for (key, value) in source {
                merged_path.push(PathSegment::Key(key.clone()));
                original_path.push(PathSegment::Key(key.clone()));
                match target.get_mut(key) {
                    Some(existing) => {
                        merge(existing, value, merged_path, original_path, file, origins)
                    }
                    None => {
                        origins.push((merged_path.clone(), file, original_path.clone()));
                        target.insert(key.clone(), value.clone());
                    }
                }
                merged_path.pop();
                original_path.pop();
            }
        }
        (Value::Array(target), Value::Array(source)) => {
            for (index, value) in source.iter().enumerate() {
                let mut merged = merged_path.clone();
                merged.push(PathSegment::Index(target.len()));
                let mut original = original_path.clone();
                original.push(PathSegment::Index(index));
                origins.push((merged, file, original));
                target.push(value.clone());
            }
        }
        // The same attribute in two files: Terraform rejects it; the later file wins.
        (target, source) => {
            origins.push((merged_path.clone(), file, original_path.clone()));
            *target = source.clone();
        }
    }
}

impl Module<'_> {
    /// The file and the path within it of a path into the merged input.
    fn origin(&self, path: &[PathSegment]) -> Option<(DocumentSubject<'_>, Vec<PathSegment>)> {
        let (merged, file, original) = self
            .origins
            .iter()
            .filter(|(merged, _, _)| path.starts_with(merged))
            .max_by_key(|(merged, _, _)| merged.len())?;
        let mut translated = original.clone();
        translated.extend_from_slice(&path[merged.len()..]);
        Some((
            DocumentSubject {
                file: self.files[*file],
                index: 0,
            },
            translated,
        ))
    }
}

impl Subject for Module<'_> {
    fn locate(&self, path: &[PathSegment]) -> Location {
        match self.origin(path) {
            Some((document, translated)) => document.locate(&translated),
            None => Location {
                file: self
                    .files
                    .first()
                    .map_or_else(|| self.dir.clone(), |f| f.path.clone()),
                position: crate::input::Position::new(1, 1),
            },
        }
    }

    fn ignored(&self, path: &[PathSegment], id: &str) -> Option<String> {
        let (document, translated) = self.origin(path)?;
        document.ignored(&translated, id)
    }
}

/// A `terraform show -json` plan converted to the module shape, placing findings back in
/// the plan file.
pub struct Plan<'a> {
    pub input: Value,
    file: &'a InputFile,
    index: usize,
    origins: Vec<(Vec<PathSegment>, Vec<PathSegment>)>,
}

impl<'a> Plan<'a> {
    /// The plans among the documents of a file.
    pub fn all_in(file: &'a InputFile) -> Vec<Plan<'a>> {
        file.documents
            .iter()
            .enumerate()
            .filter(|(_, d)| crate::input::is_terraform_plan(&d.value))
            .map(|(index, document)| {
                let converted = plan::convert(&document.value);
                Plan {
                    input: converted.input,
                    file,
                    index,
                    origins: converted.origins,
                }
            })
            .collect()
    }

    fn origin(&self, path: &[PathSegment]) -> (DocumentSubject<'_>, Vec<PathSegment>) {
        let document = DocumentSubject {
            file: self.file,
            index: self.index,
        };
        let translated = self
            .origins
            .iter()
            .filter(|(converted, _)| path.starts_with(converted))
            .max_by_key(|(converted, _)| converted.len())
            .map(|(converted, original)| {
                let mut translated = original.clone();
                translated.extend_from_slice(&path[converted.len()..]);
                translated
            })
            .unwrap_or_default();
        (document, translated)
    }
}

impl Subject for Plan<'_> {
    fn locate(&self, path: &[PathSegment]) -> Location {
        let (document, translated) = self.origin(path);
        document.locate(&translated)
    }

    fn ignored(&self, path: &[PathSegment], id: &str) -> Option<String> {
        let (document, translated) = self.origin(path);
        document.ignored(&translated, id)
    }
}
