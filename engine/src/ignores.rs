//! Ignores written into the input itself: the `tollgate.dev/ignore` annotation on a
//! Kubernetes object, and `# tollgate:ignore=id,...` comments above a Terraform block or
//! a Dockerfile instruction (or on the offending line).

use serde_json::Value;

use crate::input::{Format, InputFile, PathSegment};

/// The Kubernetes annotation listing policy ids to ignore on its object.
pub const ANNOTATION: &str = "tollgate.dev/ignore";

const COMMENT_MARKER: &str = "tollgate:ignore=";

/// Why document `index` of `file` exempts finding `id` at `path`, if it does.
pub fn in_document(
    file: &InputFile,
    index: usize,
    path: &[PathSegment],
    id: &str,
) -> Option<String> {
    let document = &file.documents.get(index)?.value;
    let annotated = document
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(ANNOTATION))
        .and_then(Value::as_str);
    if annotated.is_some_and(|list| listed(list, id)) {
        return Some(format!("ignored by the {ANNOTATION} annotation"));
    }
    let commented = match file.format {
        Format::Dockerfile => dockerfile_comment(document, path, id),
        Format::Hcl2 => source_comment(file, index, path, id),
        _ => false,
    };
    commented.then(|| format!("ignored by a {COMMENT_MARKER}{id} comment"))
}

fn listed(list: &str, id: &str) -> bool {
    list.split(',').any(|item| item.trim() == id)
}

fn comment_lists(line: &str, id: &str) -> bool {
    let Some((_, rest)) = line.split_once(COMMENT_MARKER) else {
        return false;
    };
    let list = rest.split_whitespace().next().unwrap_or_default();
    listed(list, id)
}

/// The `comment` entries just before the instruction a finding is about.
fn dockerfile_comment(document: &Value, path: &[PathSegment], id: &str) -> bool {
    let Some(PathSegment::Index(instruction)) = path.first() else {
        return false;
    };
    let Some(instructions) = document.as_array() else {
        return false;
    };
    instructions[..(*instruction).min(instructions.len())]
        .iter()
        .rev()
        .take_while(|i| i.get("Cmd").and_then(Value::as_str) == Some("comment"))
        .filter_map(|i| i.get("Value")?.get(0)?.as_str())
        .any(|comment| comment_lists(comment, id))
}

/// Comment lines directly above the block a Terraform finding is in (its first four path
/// segments: `resource`, type, name, index), or on the finding's own line.
fn source_comment(file: &InputFile, index: usize, path: &[PathSegment], id: &str) -> bool {
    let own_line = file.locate(index, path).line;
    if file
        .source_line(own_line)
        .is_some_and(|line| comment_lists(line, id))
    {
        return true;
    }
    let block_line = file.locate(index, &path[..path.len().min(4)]).line;
    (1..block_line)
        .rev()
        .map_while(|n| {
            let line = file.source_line(n)?.trim_start();
            (line.starts_with('#') || line.starts_with("//")).then_some(line)
        })
        .any(|line| comment_lists(line, id))
}
