//! Dockerfiles in the shape of conftest's parser (BuildKit's AST): one document, the list
//! of instructions, each `{Cmd, SubCmd, JSON, Flags, Value, Stage}`, with the comments
//! that precede an instruction as `comment` entries.

use serde_json::{Map, Value, json};

use super::location::{Position, SourceMap};
use super::{Document, ParseError};

const INSTRUCTIONS: [&str; 18] = [
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

pub fn parse(text: &str) -> Result<Vec<Document>, ParseError> {
    let escape = escape_directive(text);
    let mut commands = Vec::new();
    let mut maps = Vec::new();
    let mut comments: Vec<(String, usize)> = Vec::new();
    let mut stages = 0usize;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            // As in BuildKit, an empty comment line ends the comments collected so far.
            match comment.trim() {
                "" => comments.clear(),
                comment => comments.push((comment.to_string(), index + 1)),
            }
            continue;
        }
        let line_number = index + 1;
        let mut logical = String::new();
        let mut current = line.trim_end().to_string();
        loop {
            match current.strip_suffix(escape) {
                Some(head) => {
                    logical.push_str(head);
                    let next = loop {
                        match lines.next() {
                            Some((_, next)) if next.trim().is_empty() => continue,
                            Some((_, next)) if next.trim_start().starts_with('#') => continue,
                            other => break other,
                        }
                    };
                    match next {
                        Some((_, next)) => current = next.trim_end().to_string(),
                        None => break,
                    }
                }
                None => {
                    logical.push_str(&current);
                    break;
                }
            }
        }
        // Each heredoc's body follows in turn, up to its own terminator line. A RUN
        // keeps its script in its command text; for COPY and ADD the bodies are file
        // contents, not arguments, and stay out of the value as in BuildKit's AST.
        let opened = heredocs(&logical);
        let keep_bodies = logical
            .split_whitespace()
            .next()
            .is_some_and(|cmd| cmd.eq_ignore_ascii_case("run"));
        for heredoc in opened {
            for (_, body) in lines.by_ref() {
                if keep_bodies {
                    logical.push('\n');
                    logical.push_str(body);
                }
                let body = body.trim_end_matches('\r');
                let body = if heredoc.chomp {
                    body.trim_start_matches('\t')
                } else {
                    body
                };
                if body == heredoc.name {
                    break;
                }
            }
        }
        let position = Position::new(line_number, 1);
        let instruction = parse_instruction(logical.trim(), escape)
            .map_err(|message| ParseError::at(position, message))?;
        if instruction.cmd == "from" {
            stages += 1;
        }
        let stage = stages.saturating_sub(1);
        for (comment, line) in comments.drain(..) {
            let comment_command = Instruction {
                cmd: "comment".into(),
                sub_cmd: String::new(),
                json: false,
                flags: Value::Null,
                value: json!([comment]),
            };
            push(
                &mut commands,
                &mut maps,
                comment_command,
                stage,
                Position::new(line, 1),
            );
        }
        push(&mut commands, &mut maps, instruction, stage, position);
    }
    Ok(vec![Document {
        value: Value::Array(commands),
        source_map: Some(SourceMap {
            position: Position::new(1, 1),
            children: maps,
        }),
    }])
}

struct Instruction {
    cmd: String,
    sub_cmd: String,
    json: bool,
    flags: Value,
    value: Value,
}

fn push(
    commands: &mut Vec<Value>,
    maps: &mut Vec<SourceMap>,
    instruction: Instruction,
    stage: usize,
    position: Position,
) {
    let mut object = Map::new();
    object.insert("Cmd".into(), Value::String(instruction.cmd));
    object.insert("SubCmd".into(), Value::String(instruction.sub_cmd));
    object.insert("JSON".into(), Value::Bool(instruction.json));
    object.insert("Flags".into(), instruction.flags);
    object.insert("Value".into(), instruction.value);
    object.insert("Stage".into(), json!(stage));
    maps.push(SourceMap {
        position,
        children: vec![SourceMap::leaf(position); object.len()],
    });
    commands.push(Value::Object(object));
}

/// The `# escape=` parser directive picks the line-continuation character. Directives
/// are only read in the unbroken run of `# key=value` lines at the top of the file; the
/// first other line (an ordinary comment, a blank line, an instruction) ends them.
fn escape_directive(text: &str) -> char {
    for line in text.lines() {
        let Some((key, value)) = line
            .trim()
            .strip_prefix('#')
            .and_then(|directive| directive.split_once('='))
        else {
            break;
        };
        let key = key.trim();
        let is_directive = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key.chars().all(|c| c.is_ascii_alphanumeric());
        if !is_directive {
            break;
        }
        if key.eq_ignore_ascii_case("escape") && value.trim() == "`" {
            return '`';
        }
    }
    '\\'
}

struct Heredoc {
    name: String,
    /// `<<-`: the terminator may be indented with tabs.
    chomp: bool,
}

/// The heredocs a RUN, COPY or ADD line opens: words of the form `<<NAME`, `<<-NAME`,
/// `<<"NAME"` (optionally after a file descriptor, `3<<NAME`), as BuildKit finds them;
/// `<<` inside a word, as in `$((1<<2))`, is not one.
fn heredocs(line: &str) -> Vec<Heredoc> {
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or_default().to_ascii_lowercase();
    if !matches!(cmd.as_str(), "run" | "copy" | "add") {
        return Vec::new();
    }
    words
        .filter_map(|word| {
            let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
            let rest = rest.strip_prefix("<<")?;
            let (chomp, rest) = match rest.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            let name = ["\"", "'"]
                .iter()
                .find_map(|q| rest.strip_prefix(q).and_then(|r| r.strip_suffix(q)))
                .unwrap_or(rest);
            (!name.is_empty() && !name.contains(['<', '"', '\''])).then(|| Heredoc {
                name: name.to_string(),
                chomp,
            })
        })
        .collect()
}

fn parse_instruction(line: &str, escape: char) -> Result<Instruction, String> {
    let (word, rest) = split_first_word(line);
    let cmd = word.to_ascii_lowercase();
    if !INSTRUCTIONS.contains(&cmd.as_str()) {
        return Err(format!(
            "unknown instruction: {}",
            word.to_ascii_uppercase()
        ));
    }
    let (flags, rest) = extract_flags(rest);
    let flags = Value::Array(flags.into_iter().map(Value::String).collect());
    if cmd == "onbuild" {
        let (sub_word, sub_rest) = split_first_word(rest);
        let sub_cmd = sub_word.to_ascii_lowercase();
        if matches!(sub_cmd.as_str(), "onbuild" | "from" | "maintainer") || sub_word.is_empty() {
            return Err(format!("{sub_word} isn't allowed as an ONBUILD trigger"));
        }
        let sub = parse_instruction(&format!("{sub_word} {sub_rest}"), escape)?;
        return Ok(Instruction {
            cmd,
            sub_cmd,
            json: sub.json,
            flags,
            value: sub.value,
        });
    }
    let (value, json) = arguments(&cmd, rest, escape)?;
    Ok(Instruction {
        cmd,
        sub_cmd: String::new(),
        json,
        flags,
        value,
    })
}

fn arguments(cmd: &str, rest: &str, escape: char) -> Result<(Value, bool), String> {
    let strings = |items: Vec<String>| {
        if items.is_empty() {
            Value::Null
        } else {
            Value::Array(items.into_iter().map(Value::String).collect())
        }
    };
    Ok(match cmd {
        "from" | "expose" => (strings(whitespace_words(rest)), false),
        "env" | "label" => (strings(name_values(cmd, rest, escape)?), false),
        "arg" => (strings(words(rest, escape)), false),
        "run" | "cmd" | "entrypoint" | "shell" => maybe_json(rest),
        "copy" | "add" | "volume" => match json_array(rest) {
            Some(items) => (strings(items), true),
            None => (strings(whitespace_words(rest)), false),
        },
        "healthcheck" => {
            let (kind, command) = split_first_word(rest);
            let kind = kind.to_ascii_uppercase();
            match kind.as_str() {
                "NONE" => (json!(["NONE"]), false),
                "CMD" => {
                    let (value, json) = maybe_json(command);
                    let mut items = vec![Value::String(kind)];
                    if let Value::Array(command) = value {
                        items.extend(command);
                    }
                    (Value::Array(items), json)
                }
                _ => return Err(format!("unknown type {kind:?} in HEALTHCHECK (try CMD)")),
            }
        }
        _ => (
            strings(
                vec![rest.to_string()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            false,
        ),
    })
}

fn maybe_json(rest: &str) -> (Value, bool) {
    match json_array(rest) {
        Some(items) => (
            Value::Array(items.into_iter().map(Value::String).collect()),
            true,
        ),
        None if rest.is_empty() => (Value::Null, false),
        None => (json!([rest]), false),
    }
}

fn json_array(rest: &str) -> Option<Vec<String>> {
    if !rest.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(rest).ok()
}

fn split_first_word(line: &str) -> (&str, &str) {
    let line = line.trim_start();
    match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim_start()),
        None => (line, ""),
    }
}

fn extract_flags(mut rest: &str) -> (Vec<String>, &str) {
    let mut flags = Vec::new();
    while rest.starts_with("--") {
        let (flag, tail) = split_first_word(rest);
        if flag == "--" {
            return (flags, tail);
        }
        flags.push(flag.to_string());
        rest = tail;
    }
    (flags, rest)
}

fn whitespace_words(rest: &str) -> Vec<String> {
    rest.split_whitespace().map(str::to_string).collect()
}

/// Words split on unquoted white space; quotes stay in the words, as in BuildKit.
fn words(rest: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut escaped = false;
    for c in rest.chars() {
        if escaped {
            word.push(c);
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, c) if c == escape => {
                word.push(c);
                escaped = true;
            }
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                word.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                word.push(c);
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn name_values(cmd: &str, rest: &str, escape: char) -> Result<Vec<String>, String> {
    let words = words(rest, escape);
    let Some(first) = words.first() else {
        return Err(format!(
            "{} requires at least one argument",
            cmd.to_ascii_uppercase()
        ));
    };
    if !first.contains('=') {
        let (name, value) = split_first_word(rest);
        if value.is_empty() {
            return Err(format!(
                "{} must have two arguments",
                cmd.to_ascii_uppercase()
            ));
        }
        return Ok(vec![name.to_string(), value.to_string()]);
    }
    let mut pairs = Vec::with_capacity(words.len() * 2);
    for word in words {
        let Some((name, value)) = word.split_once('=') else {
            return Err(format!(
                "syntax error - can't find = in {word:?}. Must be of the form: name=value"
            ));
        };
        pairs.push(name.to_string());
        pairs.push(value.to_string());
    }
    Ok(pairs)
}
