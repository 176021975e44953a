//! SPDX license expressions, parsed with the `spdx` crate (EmbarkStudios) and turned into
//! the *choices* a user has: the minimal sets of licences, any one of which satisfies the
//! expression. `MIT OR GPL-3.0-only` gives `[[MIT], [GPL-3.0-only]]`, so denying GPL still
//! leaves MIT; `GPL-3.0-only AND MIT` gives `[[GPL-3.0-only, MIT]]`, which a GPL deny hits.
//!
//! The choices are computed here, once per expression, so that a Rego policy needs no
//! expression logic: a package is denied when every choice holds a denied licence.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use spdx::expression::{ExprNode, Operator};
use spdx::{Expression, LicenseItem, ParseMode};

/// Expressions whose AND of ORs expands past this many choices are refused rather than
/// expanded without bound; real expressions have a handful.
pub const MAX_CHOICES: usize = 256;

/// One licence a choice requires: an SPDX id (canonical case, deprecated GNU ids mapped
/// to their `-only`/`-or-later` form), a `LicenseRef-`, or a free-text licence name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term {
    pub license: String,
    /// The `WITH` exception, if any.
    pub exception: Option<String>,
}

impl Term {
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        object.insert("license".into(), json!(self.license));
        if let Some(exception) = &self.exception {
            object.insert("exception".into(), json!(exception));
        }
        Value::Object(object)
    }
}

/// The licences of one choice, sorted and without repeats.
pub type Choice = Vec<Term>;

/// How a licence field was filled in.
#[derive(Debug, Clone, PartialEq)]
pub enum Licensing {
    /// A valid SPDX expression (or several CycloneDX entries, ANDed).
    Expression(Vec<Choice>),
    /// A free-text licence name (CycloneDX `license.name`), kept as a single term.
    Name(Vec<Choice>),
    /// `NOASSERTION`: the author did not say.
    NoAssertion,
    /// `NONE`: there is no licence.
    None,
    /// Not a valid expression; the reason.
    Invalid(String),
}

impl Licensing {
    /// The `kind` of the normalised shape: `expression`, `name`, `NOASSERTION`, `NONE`
    /// or `invalid`.
    pub fn kind(&self) -> &'static str {
        match self {
            Licensing::Expression(_) => "expression",
            Licensing::Name(_) => "name",
            Licensing::NoAssertion => "NOASSERTION",
            Licensing::None => "NONE",
            Licensing::Invalid(_) => "invalid",
        }
    }

    pub fn choices(&self) -> &[Choice] {
        match self {
            Licensing::Expression(choices) | Licensing::Name(choices) => choices,
            _ => &[],
        }
    }

    /// `{expression, kind, choices}` as policies see it.
    pub fn to_value(&self, expression: &str) -> Value {
        let choices: Vec<Value> = self
            .choices()
            .iter()
            .map(|choice| Value::Array(choice.iter().map(Term::to_value).collect()))
            .collect();
        json!({"expression": expression, "kind": self.kind(), "choices": choices})
    }
}

/// Reads an SPDX licence field: `NONE`, `NOASSERTION` or an expression.
pub fn read(text: &str) -> Licensing {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("NOASSERTION") {
        return Licensing::NoAssertion;
    }
    if trimmed.eq_ignore_ascii_case("NONE") {
        return Licensing::None;
    }
    match choices(trimmed) {
        Ok(choices) => Licensing::Expression(choices),
        Err(reason) => Licensing::Invalid(reason),
    }
}

/// Reads licence fields, parsing each distinct text once: an SBOM repeats a handful of
/// licences across thousands of packages.
#[derive(Debug, Default)]
pub struct Cache(HashMap<String, Licensing>);

impl Cache {
    pub fn read(&mut self, text: &str) -> Licensing {
        if let Some(known) = self.0.get(text) {
            return known.clone();
        }
        let licensing = read(text);
        self.0.insert(text.to_string(), licensing.clone());
        licensing
    }

    /// The choices of one SPDX licence id (CycloneDX `license.id`), or why it is not one.
    pub fn id(&mut self, id: &str) -> Licensing {
        let key = format!("id:{id}");
        if let Some(known) = self.0.get(&key) {
            return known.clone();
        }
        let licensing = match choices(id) {
            Ok(choices) if choices.len() == 1 && choices[0].len() == 1 => {
                Licensing::Expression(choices)
            }
            Ok(_) => Licensing::Invalid(
                "a license id must be one identifier; use expression for several".into(),
            ),
            Err(reason) => Licensing::Invalid(reason),
        };
        self.0.insert(key, licensing.clone());
        licensing
    }
}

/// The SPDX syntax, with the deprecated identifiers older documents use (`GPL-2.0`,
/// `GPL-2.0+`) but no guessing of imprecise names and no unknown identifiers.
const MODE: ParseMode = ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// The minimal choices of an SPDX expression, or why it is not one.
pub fn choices(expression: &str) -> Result<Vec<Choice>, String> {
    let parsed = match Expression::parse_mode(expression, MODE) {
        Ok(parsed) => parsed,
        // SPDX matches licence identifiers case-insensitively; the crate does not.
        Err(first) => match canonical_case(expression) {
            Some(fixed) => Expression::parse_mode(&fixed, MODE).map_err(|_| describe(&first))?,
            None => return Err(describe(&first)),
        },
    };
    let mut stack: Vec<Vec<Choice>> = Vec::new();
    for node in parsed.iter() {
        match node {
            ExprNode::Req(req) => stack.push(vec![vec![Term {
                license: license_name(&req.req.license),
                exception: req.req.addition.as_ref().map(ToString::to_string),
            }]]),
            ExprNode::Op(op) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    return Err("malformed expression".into());
                };
                stack.push(match op {
                    Operator::Or => minimise(left.into_iter().chain(right).collect()),
                    Operator::And => and(&left, &right)?,
                });
            }
        }
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(result), true) => Ok(result),
        _ => Err("malformed expression".into()),
    }
}

/// Choices that require every one of `parts` (CycloneDX lists several licences).
pub fn all_of(parts: &[Vec<Choice>]) -> Result<Vec<Choice>, String> {
    let mut result: Vec<Choice> = vec![Vec::new()];
    for part in parts {
        result = and(&result, part)?;
    }
    Ok(result)
}

fn and(left: &[Choice], right: &[Choice]) -> Result<Vec<Choice>, String> {
    if left.len().saturating_mul(right.len()) > MAX_CHOICES {
        return Err(format!(
            "expression too complex: more than {MAX_CHOICES} alternative licence sets"
        ));
    }
    let mut combined = Vec::with_capacity(left.len() * right.len());
    for a in left {
        for b in right {
            combined.push(a.iter().chain(b).cloned().collect());
        }
    }
    Ok(minimise(combined))
}

/// Sorts each choice, drops repeats, and drops any choice that needs more than another
/// one does (absorption: `MIT OR (MIT AND GPL)` is just `MIT`).
fn minimise(choices: Vec<Choice>) -> Vec<Choice> {
    let mut choices: Vec<Choice> = choices
        .into_iter()
        .map(|mut choice| {
            choice.sort();
            choice.dedup();
            choice
        })
        .collect();
    choices.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    choices.dedup();
    let mut kept: Vec<Choice> = Vec::with_capacity(choices.len());
    for choice in choices {
        let absorbed = kept.iter().any(|smaller| {
            smaller
                .iter()
                .all(|term| choice.binary_search(term).is_ok())
        });
        if !absorbed {
            kept.push(choice);
        }
    }
    kept
}

/// The canonical name of a licence: GNU licences always in their `-only`/`-or-later`
/// form (`GPL-2.0+` is `GPL-2.0-or-later`), others with a `+` when "or later".
fn license_name(item: &LicenseItem) -> String {
    match item {
        LicenseItem::Spdx { id, or_later } if id.is_gnu() => {
            let later = *or_later || id.name.ends_with("-or-later");
            let base = id
                .name
                .trim_end_matches("-or-later")
                .trim_end_matches("-only");
            match spdx::gnu_license_id(base, later) {
                Some(gnu) if id.is_deprecated() || *or_later => gnu.name.to_string(),
                _ => id.name.to_string(),
            }
        }
        LicenseItem::Spdx { id, or_later: true } => format!("{}+", id.name),
        LicenseItem::Spdx { id, .. } => id.name.to_string(),
        LicenseItem::Other(reference) => reference.to_string(),
    }
}

/// The expression with every licence and exception identifier in its canonical case, or
/// `None` when nothing changes.
fn canonical_case(expression: &str) -> Option<String> {
    static NAMES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        spdx::identifiers::LICENSES
            .iter()
            .map(|l| l.name)
            .chain(spdx::identifiers::EXCEPTIONS.iter().map(|e| e.name))
            .map(|name| (name.to_ascii_lowercase(), name))
            .collect()
    });
    let mut out = String::with_capacity(expression.len());
    let mut changed = false;
    for token in split_keeping_separators(expression) {
        let bare = token.trim_end_matches('+');
        match names.get(&bare.to_ascii_lowercase()) {
            Some(&canonical) if canonical != bare => {
                changed = true;
                out.push_str(canonical);
                out.push_str(&token[bare.len()..]);
            }
            _ => out.push_str(token),
        }
    }
    changed.then_some(out)
}

fn split_keeping_separators(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if start < i {
                tokens.push(&text[start..i]);
            }
            tokens.push(&text[i..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

/// The crate's error on one line: `unknown term "Foo-1.0" at 0..7`.
fn describe(error: &spdx::error::ParseError) -> String {
    let span = &error.span;
    let text = error.original.get(span.clone()).unwrap_or_default();
    if text.is_empty() {
        format!("{}", error.reason)
    } else {
        format!("{} {:?}", error.reason, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(choices: &[Choice]) -> Vec<Vec<String>> {
        choices
            .iter()
            .map(|c| {
                c.iter()
                    .map(|t| match &t.exception {
                        Some(e) => format!("{} WITH {e}", t.license),
                        None => t.license.clone(),
                    })
                    .collect()
            })
            .collect()
    }

    fn of(expression: &str) -> Vec<Vec<String>> {
        names(&choices(expression).unwrap_or_else(|e| panic!("{expression}: {e}")))
    }

    #[test]
    fn or_gives_alternatives_and_and_gives_one_set() {
        assert_eq!(of("MIT OR GPL-3.0-only"), [["GPL-3.0-only"], ["MIT"]]);
        assert_eq!(of("GPL-3.0-only AND MIT"), [["GPL-3.0-only", "MIT"]]);
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_regroup() {
        assert_eq!(
            of("Apache-2.0 OR MIT AND BSD-3-Clause"),
            vec![vec!["Apache-2.0"], vec!["BSD-3-Clause", "MIT"]]
        );
        assert_eq!(
            of("(Apache-2.0 OR MIT) AND BSD-3-Clause"),
            vec![
                vec!["Apache-2.0", "BSD-3-Clause"],
                vec!["BSD-3-Clause", "MIT"]
            ]
        );
    }

    #[test]
    fn absorption_and_repeats() {
        assert_eq!(of("MIT OR (MIT AND GPL-2.0-only)"), [["MIT"]]);
        assert_eq!(of("MIT AND MIT"), [["MIT"]]);
        assert_eq!(of("(MIT OR ISC) AND (ISC OR MIT)"), [["ISC"], ["MIT"]]);
    }

    #[test]
    fn with_exceptions_and_references() {
        assert_eq!(
            of("GPL-2.0-or-later WITH Classpath-exception-2.0"),
            [["GPL-2.0-or-later WITH Classpath-exception-2.0"]]
        );
        assert_eq!(
            of("LicenseRef-3 OR DocumentRef-x:LicenseRef-y"),
            [["DocumentRef-x:LicenseRef-y"], ["LicenseRef-3"]]
        );
    }

    #[test]
    fn deprecated_gnu_ids_and_plus_are_normalised() {
        assert_eq!(of("GPL-2.0"), [["GPL-2.0-only"]]);
        assert_eq!(of("GPL-2.0+"), [["GPL-2.0-or-later"]]);
        assert_eq!(of("AGPL-3.0"), [["AGPL-3.0-only"]]);
        assert_eq!(of("LGPL-2.1+ OR MIT"), [["LGPL-2.1-or-later"], ["MIT"]]);
        assert_eq!(of("Apache-2.0+"), [["Apache-2.0+"]]);
    }

    #[test]
    fn identifiers_are_case_insensitive() {
        assert_eq!(of("mit OR apache-2.0"), [["Apache-2.0"], ["MIT"]]);
        assert_eq!(of("(gpl-3.0-only)"), [["GPL-3.0-only"]]);
    }

    #[test]
    fn invalid_expressions_say_why() {
        for bad in [
            "",
            "MIT OR",
            "(MIT",
            "Foo-1.0",
            "MIT WITH Foo-exception",
            "MIT / ISC",
        ] {
            let error = choices(bad).expect_err(bad);
            assert!(!error.is_empty(), "{bad}");
        }
        assert!(choices("Foo-1.0").expect_err("unknown").contains("Foo-1.0"));
    }

    #[test]
    fn explosion_is_bounded() {
        let parts = ["MIT", "ISC", "Zlib", "BSD-2-Clause", "0BSD"];
        let expression = parts
            .iter()
            .map(|p| format!("({p} OR {p}+ OR LicenseRef-{p}-a OR LicenseRef-{p}-b)"))
            .collect::<Vec<_>>()
            .join(" AND ");
        assert!(
            choices(&expression)
                .expect_err("too many")
                .contains("too complex")
        );
    }

    #[test]
    fn states_and_all_of() {
        assert_eq!(read(" NOASSERTION "), Licensing::NoAssertion);
        assert_eq!(read("NONE"), Licensing::None);
        assert!(matches!(read("MIT OR"), Licensing::Invalid(_)));
        let parts = [
            choices("MIT OR ISC").expect("valid"),
            choices("Apache-2.0").expect("valid"),
        ];
        assert_eq!(
            names(&all_of(&parts).expect("small")),
            [["Apache-2.0", "ISC"], ["Apache-2.0", "MIT"]]
        );
    }
}
