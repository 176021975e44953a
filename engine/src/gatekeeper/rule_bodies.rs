//! Rego v0 rules with several bodies (`head { a } { b }`), which OPA defines as sugar for
//! one rule per body with the same head (`head { a }` `head { b }`). Gatekeeper library
//! templates use the form (`violation[...] {..} {..}`), and regorus refuses it for partial
//! set rules, so templates are rewritten into the one-rule-per-body form before compiling.
//! The copied head goes on the line of the extra body, so compile errors keep their lines.

/// What a `{` at the top level of a module opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Brace {
    /// A rule body.
    Body,
    /// An object or set literal in a rule head (`p = {1}`).
    Value,
}

/// `source` with each extra rule body given its own copy of the rule's head, or `None`
/// when no rule has more than one body (the source is then used as it is).
pub fn split(source: &str) -> Option<String> {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut copied = 0;
    let mut depth = 0usize;
    let mut top_brace = Brace::Value;
    // What the last top-level brace that closed had opened.
    let mut last_closed = Brace::Value;
    // The start of the statement being read at the top level, until its first body opens.
    let mut statement_start: Option<usize> = None;
    // The head of the last rule whose body opened at the top level.
    let mut head: Option<String> = None;
    let mut previous: Option<usize> = None;
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b'#' => {
                i = line_end(bytes, i);
                continue;
            }
            b'"' | b'`' => {
                if depth == 0 && statement_start.is_none() {
                    statement_start = Some(i);
                }
                i = string_end(bytes, i);
                previous = Some(i - 1);
                continue;
            }
            b'\n' if depth == 0 => statement_start = None,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'{' if depth == 0 => {
                top_brace = if opens_value(bytes, previous) {
                    Brace::Value
                } else {
                    Brace::Body
                };
                if top_brace == Brace::Body {
                    match statement_start.take() {
                        Some(start) => head = source.get(start..i).map(normalize_head),
                        None if last_closed == Brace::Body
                            && previous_is(bytes, previous, b'}') =>
                        {
                            if let Some(head) = &head {
                                out.push_str(&source[copied..i]);
                                out.push_str(head);
                                out.push(' ');
                                copied = i;
                                changed = true;
                            }
                        }
                        None => {}
                    }
                }
                depth = 1;
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                if depth == 1 && byte == b'}' {
                    last_closed = top_brace;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {
                if depth == 0 && statement_start.is_none() {
                    statement_start = Some(i);
                }
            }
        }
        if !byte.is_ascii_whitespace() {
            previous = Some(i);
        }
        i += 1;
    }
    if !changed {
        return None;
    }
    out.push_str(&source[copied..]);
    Some(out)
}

/// Whether what comes before a top-level `{` makes it a value (after `=`, `:=` or
/// `contains`) rather than a rule body.
fn opens_value(bytes: &[u8], previous: Option<usize>) -> bool {
    let Some(before) = previous.and_then(|p| bytes.get(..=p)) else {
        return false;
    };
    before.ends_with(b"=")
        || before.strip_suffix(b"contains").is_some_and(|rest| {
            !rest
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        })
}

/// Whether the last significant byte is `wanted`.
fn previous_is(bytes: &[u8], previous: Option<usize>, wanted: u8) -> bool {
    previous.and_then(|p| bytes.get(p)) == Some(&wanted)
}

/// The index just past the string literal starting at `start` (`"..."` or a raw string).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index of the newline ending the line `start` is on (or the end of the source).
fn line_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| start + n)
}

/// A rule head on one line: comments dropped, whitespace outside strings collapsed.
fn normalize_head(head: &str) -> String {
    let bytes = head.as_bytes();
    let mut out = String::with_capacity(head.len());
    let mut i = 0;
    let mut space = false;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = line_end(bytes, i),
            b'"' | b'`' => {
                let end = string_end(bytes, i);
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push_str(&head[i..end]);
                i = end;
            }
            b if b.is_ascii_whitespace() => {
                space = true;
                i += 1;
            }
            _ => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                let next = head[i..]
                    .char_indices()
                    .nth(1)
                    .map_or(head.len(), |(n, _)| i + n);
                out.push_str(&head[i..next]);
                i = next;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_extra_body_gets_the_head_on_its_own_line() {
        let source = "package p\n\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a\"\n} {\n  input.b\n  msg := \"b\"\n}\n";
        let split = split(source).unwrap();
        assert_eq!(
            split,
            "package p\n\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a\"\n} violation[{\"msg\": msg}] {\n  input.b\n  msg := \"b\"\n}\n"
        );
        assert_eq!(split.lines().count(), source.lines().count());
    }

    #[test]
    fn functions_and_multi_line_heads_are_copied_on_one_line() {
        let source = "f(x) = y { # first\n  y := x\n}\n{\n  y := 2\n} {\n  y := 3\n}\nviolation[{\"msg\": m,\n  \"details\": {}}] { m := \"x  y\" } { m := \"z\" }\n";
        assert_eq!(
            split(source).unwrap(),
            "f(x) = y { # first\n  y := x\n}\nf(x) = y {\n  y := 2\n} f(x) = y {\n  y := 3\n}\nviolation[{\"msg\": m,\n  \"details\": {}}] { m := \"x  y\" } violation[{\"msg\": m, \"details\": {}}] { m := \"z\" }\n"
        );
    }

    #[test]
    fn single_bodies_else_chains_and_literals_are_left_alone() {
        for source in [
            "package p\nallow { input.a }\nallow { input.b }\n",
            "package p\nx = \"a\" { input.a } else = \"b\" { input.b }\n",
            "package p\nobj := {\"a\": 1}\ns = {1, 2} { true }\n",
            "package p\nmsg := \"} {\" { true }\n# } {\n",
            "package p\ndeny contains {\"msg\": \"x\"} if { true }\n",
        ] {
            assert_eq!(split(source), None, "{source}");
        }
    }

    #[test]
    fn a_body_after_a_value_literal_on_a_new_statement_is_not_an_extra_body() {
        assert_eq!(
            split("package p\nallow { true }\ns = {1}\n{ true }\n"),
            None
        );
    }

    #[test]
    fn a_value_literal_head_keeps_its_literal() {
        assert_eq!(
            split("package p\ns = {1} { input.a } { input.b }\n").unwrap(),
            "package p\ns = {1} { input.a } s = {1} { input.b }\n"
        );
    }
}
