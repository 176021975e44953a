//! Checks over policy source that regorus leaves to the caller: conftest's
//! `--capabilities` (which built-in functions policies may call) and the part of OPA's
//! strict mode that reads off the tokens (deprecated built-ins, unused and duplicate
//! imports).

use std::collections::{BTreeSet, HashSet};

use regorus::unstable::{BUILTINS, Lexer, Source, TokenKind};

use crate::policy::{PolicyError, PolicyFile};

/// OPA's deprecated built-ins, refused in strict mode.
const DEPRECATED: [&str; 11] = [
    "any",
    "all",
    "re_match",
    "net.cidr_overlap",
    "set_diff",
    "cast_array",
    "cast_set",
    "cast_string",
    "cast_boolean",
    "cast_null",
    "cast_object",
];

struct Token {
    kind: TokenKind,
    text: String,
    line: u32,
    column: u32,
}

fn tokens(file: &PolicyFile) -> Result<Vec<Token>, PolicyError> {
    let source = Source::from_contents(file.path.clone(), file.source.clone())
        .map_err(|e| PolicyError::Compile(e.to_string()))?;
    let mut lexer = Lexer::new(&source);
    let mut tokens = Vec::new();
    loop {
        let token = lexer
            .next_token()
            .map_err(|e| PolicyError::Compile(e.to_string()))?;
        if matches!(token.0, TokenKind::Eof) {
            return Ok(tokens);
        }
        tokens.push(Token {
            kind: token.0,
            text: token.1.text().to_string(),
            line: token.1.line,
            column: token.1.col,
        });
    }
}

/// Function calls in a token stream: `name(` or `a.b.c(` not preceded by a `.`.
fn calls(tokens: &[Token]) -> Vec<(String, &Token)> {
    let is = |t: &Token, kind: TokenKind, text: &str| t.kind == kind && t.text == text;
    let mut calls = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts_ref = tokens[i].kind == TokenKind::Ident
            && (i == 0 || !is(&tokens[i - 1], TokenKind::Symbol, "."));
        if !starts_ref {
            i += 1;
            continue;
        }
        let mut name = tokens[i].text.clone();
        let mut j = i + 1;
        while j + 1 < tokens.len()
            && is(&tokens[j], TokenKind::Symbol, ".")
            && tokens[j + 1].kind == TokenKind::Ident
        {
            name.push('.');
            name.push_str(&tokens[j + 1].text);
            j += 2;
        }
        if j < tokens.len() && is(&tokens[j], TokenKind::Symbol, "(") {
            calls.push((name, &tokens[i]));
        }
        i = j;
    }
    calls
}

/// Refuses calls to built-ins that a conftest/OPA capabilities file does not list.
pub fn check_capabilities(
    files: &[PolicyFile],
    capabilities_path: &str,
    capabilities: &serde_json::Value,
) -> Result<(), PolicyError> {
    let Some(builtins) = capabilities.get("builtins").and_then(|b| b.as_array()) else {
        return Err(PolicyError::Config(format!(
            "{capabilities_path}: a capabilities file needs a \"builtins\" array"
        )));
    };
    let allowed: HashSet<&str> = builtins
        .iter()
        .filter_map(|b| b.get("name").and_then(|n| n.as_str()))
        .collect();
    let mut errors = Vec::new();
    for file in files {
        let tokens = tokens(file)?;
        for (name, token) in calls(&tokens) {
            if BUILTINS.contains_key(name.as_str()) && !allowed.contains(name.as_str()) {
                errors.push(format!(
                    "{}:{}:{}: built-in function {name} is not allowed by the capabilities in {capabilities_path}",
                    file.path, token.line, token.column
                ));
            }
        }
    }
    errors_to_result(errors)
}

/// OPA strict mode, for what tokens show: deprecated built-ins, and imports that are
/// duplicated or never used.
pub fn check_strict(files: &[PolicyFile]) -> Result<(), PolicyError> {
    let mut errors = Vec::new();
    for file in files {
        let tokens = tokens(file)?;
        for (name, token) in calls(&tokens) {
            if DEPRECATED.contains(&name.as_str()) {
                errors.push(format!(
                    "{}:{}:{}: deprecated built-in function {name} (strict mode)",
                    file.path, token.line, token.column
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for (index, token) in tokens.iter().enumerate() {
            if !(token.kind == TokenKind::Ident && token.text == "import" && token.column == 1) {
                continue;
            }
            let (path, alias) = import_at(&tokens[index + 1..]);
            if path.starts_with("future.") || path == "rego.v1" {
                continue;
            }
            if !seen.insert(path.clone()) {
                errors.push(format!(
                    "{}:{}:{}: import {path} is a duplicate (strict mode)",
                    file.path, token.line, token.column
                ));
                continue;
            }
            let used = tokens
                .iter()
                .filter(|t| t.line != token.line && t.kind == TokenKind::Ident && t.text == alias)
                .count();
            if used == 0 {
                errors.push(format!(
                    "{}:{}:{}: import {path} is never used (strict mode)",
                    file.path, token.line, token.column
                ));
            }
        }
    }
    errors_to_result(errors)
}

/// An import's dotted path and the name it binds (its `as` alias or last segment).
fn import_at(tokens: &[Token]) -> (String, String) {
    let line = tokens.first().map_or(0, |t| t.line);
    let same_line: Vec<&Token> = tokens.iter().take_while(|t| t.line == line).collect();
    let mut path = String::new();
    let mut alias = None;
    let mut iter = same_line.iter().peekable();
    while let Some(token) = iter.next() {
        if token.text == "as" {
            alias = iter.next().map(|t| t.text.clone());
            break;
        }
        path.push_str(&token.text);
    }
    let last = path.rsplit('.').next().unwrap_or_default().to_string();
    (path, alias.unwrap_or(last))
}

fn errors_to_result(errors: Vec<String>) -> Result<(), PolicyError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PolicyError::Compile(errors.join("\n")))
    }
}
