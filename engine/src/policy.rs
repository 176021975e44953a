//! Loading Rego policies and data into a prepared regorus engine, and discovering the
//! namespaces and conftest rules (`deny`, `violation`, `warn`, `exception`) they define.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regorus::unstable::{Expr, Rule, RuleHead};
use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value;

use crate::annotations::Annotations;
use crate::compiled::CompiledRules;
use crate::input::{self, Format, InputKind};
use crate::limits::Limits;

/// Work units between two reads of the clock by regorus's execution timer: reading it on
/// every unit cost ~5% of an evaluation; a few hundred units still stop a loop within
/// microseconds of the limit.
pub(crate) const TIMER_CHECK_INTERVAL: NonZeroU32 = NonZeroU32::new(256).unwrap();

/// Which Rego syntax to accept. `Auto` tries v1 first, then v0, so both the policies of
/// OPA 1.x and the older conftest ones load unmodified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegoVersion {
    #[default]
    Auto,
    V0,
    V1,
}

impl RegoVersion {
    pub fn from_name(name: &str) -> Result<Self, PolicyError> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "v0" => Ok(Self::V0),
            "v1" => Ok(Self::V1),
            _ => Err(PolicyError::Config(format!(
                "invalid Rego version: {name} (expected v0, v1 or auto)"
            ))),
        }
    }
}

/// What a policy rule's results mean to conftest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Failure,
    Warning,
}

/// A rule whose results become findings, with how many bodies define it (conftest counts
/// each definition as one test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRule {
    pub name: String,
    pub kind: RuleKind,
    pub definitions: usize,
}

impl CheckRule {
    /// The name an `exception` rule lists to exempt this rule: `deny_foo` is exempted by
    /// `"foo"`, a bare `deny` by `""`.
    pub fn exception_name(&self) -> &str {
        ["violation_", "deny_", "warn_"]
            .iter()
            .find_map(|prefix| self.name.strip_prefix(prefix))
            .unwrap_or(
                if matches!(self.name.as_str(), "deny" | "violation" | "warn") {
                    ""
                } else {
                    &self.name
                },
            )
    }
}

/// A policy unit test: a `test_` (or skipped `todo_test_`) rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRule {
    pub name: String,
    pub file: String,
    pub line: u32,
}

/// The conftest rules of one Rego package.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Namespace {
    pub name: String,
    pub rules: Vec<CheckRule>,
    pub has_exceptions: bool,
    /// `test_*` rules, for `tollgate verify`, with where each is defined.
    pub tests: Vec<TestRule>,
    /// The policy files that define the package.
    pub files: Vec<String>,
    /// The package's `# METADATA` annotations (title, id, severity, input kind...).
    pub annotations: Option<Annotations>,
    /// The kind of input the package applies to (`custom.input`); `None` means every input.
    pub input: Option<InputKind>,
    /// For `kubernetes` packages, the object kinds they can report on (`custom.kinds`):
    /// an object of another kind is not evaluated and passes. `None` means every kind.
    pub kinds: Option<BTreeSet<String>>,
    /// The generated rule that reads every check rule of this namespace in one
    /// evaluation, so that helper rules they share are evaluated once per document.
    pub(crate) batch_rule: Option<String>,
}

impl Namespace {
    /// Whether this namespace runs on each document of a file whose kind is `kind`.
    pub fn applies_to_document(&self, kind: Option<InputKind>) -> bool {
        match self.input {
            None => true,
            Some(wanted) => !wanted.is_aggregate() && Some(wanted) == kind,
        }
    }

    /// Whether this namespace is evaluated on a Kubernetes object of `object_kind` (its
    /// `kind`, `None` for a kind no namespace lists). Namespaces with `exception` rules
    /// always are, as those report without any finding.
    pub fn judges(&self, object_kind: Option<&str>) -> bool {
        match &self.kinds {
            Some(kinds) if !self.has_exceptions => object_kind.is_some_and(|k| kinds.contains(k)),
            _ => true,
        }
    }

    /// The Rego reference of a rule in this package.
    pub fn rule_path(&self, rule: &str) -> String {
        format!("data.{}.{}", self.name, rule)
    }
}

/// Errors that stop policies from loading; each names the file and, for Rego, the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{0}")]
    Compile(String),
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("no policies found in {0}")]
    NoPolicies(String),
    #[error("{0}")]
    Config(String),
}

/// Policies and data ready to evaluate; cheap to clone per worker thread.
#[derive(Clone)]
pub struct PolicySet {
    pub(crate) engine: regorus::Engine,
    pub namespaces: Vec<Namespace>,
    pub files: Vec<PolicyFile>,
    pub(crate) reads_conftest_file: bool,
    pub(crate) limits: Limits,
    /// Policy ids whose findings are reported as exceptions (`--skip`).
    pub skip: BTreeSet<String>,
    /// Generated rules that read several namespaces at once, by the names they read.
    groups: HashMap<Vec<String>, String>,
    generated_modules: usize,
    /// Batch rules also compiled to regorus's VM (see [`PolicySet::compile_rules`]).
    pub(crate) compiled: Option<Arc<CompiledRules>>,
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySet")
            .field("namespaces", &self.namespaces)
            .field("files", &self.files.len())
            .finish()
    }
}

/// A loaded Rego file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    pub path: String,
    pub source: String,
}

/// How to build a [`PolicySet`].
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    pub rego_version: RegoVersion,
    pub limits: Limits,
    /// Builtin errors (e.g. a bad regex) fail evaluation instead of making a rule undefined.
    pub strict_builtin_errors: bool,
    pub coverage: bool,
}

impl PolicySet {
    /// Loads every `.rego` file under `paths` (files or directories, recursively).
    pub fn load(paths: &[PathBuf], options: &PolicyOptions) -> Result<Self, PolicyError> {
        Self::from_sources(read_files(paths)?, options)
    }

    /// Builds a policy set from Rego sources already in memory (bundled policies, tests).
    pub fn from_sources(
        files: Vec<PolicyFile>,
        options: &PolicyOptions,
    ) -> Result<Self, PolicyError> {
        let mut engine = regorus::Engine::new();
        engine.set_strict_builtin_errors(options.strict_builtin_errors);
        engine.set_gather_prints(true);
        engine.set_enable_coverage(options.coverage);
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: options.limits.eval_timeout,
            check_interval: TIMER_CHECK_INTERVAL,
        });
        for file in &files {
            add_policy(&mut engine, file, options.rego_version)?;
        }
        let mut annotations = HashMap::new();
        for file in &files {
            let parsed = Annotations::parse(&file.source).map_err(|message| PolicyError::Read {
                path: file.path.clone(),
                message,
            })?;
            if let Some(parsed) = parsed {
                annotations.insert(file.path.clone(), parsed);
            }
        }
        let mut namespaces = discover(&mut engine, &annotations)?;
        add_batch_rules(&mut engine, 0, &mut namespaces, &[], &[])?;
        let reads_conftest_file = files.iter().any(|f| f.source.contains("data.conftest"));
        Ok(Self {
            engine,
            namespaces,
            files,
            reads_conftest_file,
            limits: options.limits,
            skip: BTreeSet::new(),
            groups: HashMap::new(),
            generated_modules: 1,
            compiled: None,
        })
    }

    /// Merges YAML and JSON data files under `paths` into `data`, each at the root.
    pub fn add_data(&mut self, paths: &[PathBuf], limits: &Limits) -> Result<(), PolicyError> {
        let mut files = Vec::new();
        for path in paths {
            collect(
                path,
                &mut |p| {
                    p.extension()
                        .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
                },
                &mut files,
            )?;
        }
        for path in files {
            let display = path.display().to_string();
            let format = Format::detect(&path).unwrap_or(Format::Json);
            let file = input::load(&display, format, limits).map_err(|e| PolicyError::Read {
                path: display.clone(),
                message: e.error.message,
            })?;
            for document in file.documents {
                self.add_data_value(document.value)
                    .map_err(|message| PolicyError::Read {
                        path: display.clone(),
                        message,
                    })?;
            }
        }
        Ok(())
    }

    /// Merges one JSON object into `data`.
    pub fn add_data_value(&mut self, value: Value) -> Result<(), String> {
        if !value.is_object() {
            return Err("data must be an object at its root".into());
        }
        let value: regorus::Value = serde_json::from_value(value).map_err(|e| e.to_string())?;
        // Compiled rules hold the data they were compiled with.
        self.compiled = None;
        self.engine
            .add_data(value)
            .map_err(|e| format!("cannot merge into data: {e}"))
    }

    /// Prepares a run of `selected`: each input is then evaluated once for all the
    /// namespaces that apply to it, so helper rules they share run once per input rather
    /// than once per namespace (the bundled catalogue is ~40 packages).
    pub fn prepare_for(&mut self, selected: &[Namespace]) -> Result<(), PolicyError> {
        let new: Vec<Vec<&Namespace>> = evaluation_groups(selected)
            .into_iter()
            .filter(|group| !self.groups.contains_key(&group_key(group)))
            .collect();
        if !new.is_empty() {
            let rules = add_batch_rules(
                &mut self.engine,
                self.generated_modules,
                &mut [],
                &new,
                &self.namespaces,
            )?;
            self.generated_modules += 1;
            for (group, rule) in new.iter().zip(rules) {
                self.groups.insert(group_key(group), rule);
            }
        }
        self.prepare()
    }

    /// Compiles the prepared batch rules that read only `eligible` namespaces to regorus's
    /// VM (each on its first use), which then evaluates them instead of the interpreter.
    /// Meant for the bundled policies, whose results the tests compare between the two;
    /// call it after [`PolicySet::prepare_for`] and after adding data.
    pub fn compile_rules(
        &mut self,
        eligible: impl Fn(&Namespace) -> bool,
    ) -> Result<(), PolicyError> {
        let eligible = |n: &Namespace| runs_on_vm(n) && eligible(n);
        let by_name: HashMap<&str, &Namespace> = self
            .namespaces
            .iter()
            .map(|n| (n.name.as_str(), n))
            .collect();
        let mut groups: Vec<(&String, Vec<&Namespace>)> = self
            .groups
            .iter()
            .filter_map(|(names, rule)| {
                let group: Option<Vec<&Namespace>> = names
                    .iter()
                    .map(|name| by_name.get(name.as_str()).copied().filter(|n| eligible(n)))
                    .collect();
                Some((rule, group?))
            })
            .collect();
        groups.sort_by(|a, b| a.0.cmp(b.0));
        let members: Vec<Vec<&Namespace>> = groups.iter().map(|(_, g)| g.clone()).collect();
        // The interpreter's group rules read whole package subtrees, which the VM
        // evaluates rule by rule; its own copies name each rule.
        let copies = if members.is_empty() {
            Vec::new()
        } else {
            add_batch_rules(
                &mut self.engine,
                self.generated_modules,
                &mut [],
                &members,
                &[],
            )?
        };
        self.generated_modules += 1;
        let rules: Vec<(String, String)> = groups
            .iter()
            .map(|(rule, _)| (*rule).clone())
            .zip(copies)
            .chain(
                self.namespaces
                    .iter()
                    .filter(|n| eligible(n))
                    .filter_map(|n| n.batch_rule.clone())
                    .map(|rule| (rule.clone(), rule)),
            )
            .collect();
        self.compiled =
            CompiledRules::new(&mut self.engine, &rules, self.limits.eval_timeout).map(Arc::new);
        self.prepare()
    }

    /// Compiles now the batch rules [`PolicySet::compile_rules`] chose, which are otherwise
    /// compiled on first use: a server is ready only once they are. Returns how many run on
    /// regorus's VM.
    pub fn compile_all_rules(&self) -> usize {
        self.compiled.as_ref().map_or(0, |c| c.compile_all())
    }

    /// How many batch rules were compiled so far and run on regorus's VM.
    pub fn compiled_rule_count(&self) -> usize {
        self.compiled.as_ref().map_or(0, |c| c.len())
    }

    /// The generated rule reading exactly these namespaces, in this order, if prepared.
    pub(crate) fn group_rule(&self, names: &[String]) -> Option<&str> {
        self.groups.get(names).map(String::as_str)
    }

    /// Evaluates once so that every clone starts prepared (regorus compiles lazily).
    pub fn prepare(&mut self) -> Result<(), PolicyError> {
        self.engine.set_input(regorus::Value::new_object());
        self.engine
            .eval_query("true".into(), false)
            .map(|_| ())
            .map_err(|e| PolicyError::Compile(e.to_string()))
    }

    /// Namespaces selected by conftest-style patterns (globs, `*` for all). A plain name
    /// that no policy defines still yields an empty namespace, as conftest reports it.
    pub fn select(&self, patterns: &[String], all: bool) -> Result<Vec<Namespace>, PolicyError> {
        if all {
            return Ok(self.namespaces.clone());
        }
        let mut selected: Vec<Namespace> = Vec::new();
        for pattern in patterns {
            let is_glob = pattern.contains(['*', '?', '[']);
            if !is_glob {
                let namespace = self
                    .namespaces
                    .iter()
                    .find(|n| &n.name == pattern)
                    .cloned()
                    .unwrap_or_else(|| Namespace {
                        name: pattern.clone(),
                        ..Namespace::default()
                    });
                if !selected.iter().any(|n| n.name == namespace.name) {
                    selected.push(namespace);
                }
                continue;
            }
            let glob = globset::Glob::new(pattern)
                .map_err(|e| {
                    PolicyError::Config(format!("invalid namespace pattern {pattern:?}: {e}"))
                })?
                .compile_matcher();
            for namespace in self.namespaces.iter().filter(|n| glob.is_match(&n.name)) {
                if !selected.iter().any(|n| n.name == namespace.name) {
                    selected.push(namespace.clone());
                }
            }
        }
        Ok(selected)
    }
}

/// Source labels of generated modules start with this, so reports can leave them out.
pub(crate) const GENERATED_PREFIX: &str = "<tollgate>";

/// The sets of namespaces a run evaluates together: those that apply to a document of
/// each kind (for Kubernetes, of each object kind that namespaces list), those of each
/// aggregate kind, and all of them (`--combine`). Only groups of two or more namespaces
/// with rules gain from a rule of their own.
fn evaluation_groups(selected: &[Namespace]) -> Vec<Vec<&Namespace>> {
    let with_rules = || selected.iter().filter(|n| !n.rules.is_empty());
    let mut groups: Vec<Vec<&Namespace>> = Vec::new();
    let object_kinds: BTreeSet<&str> = selected
        .iter()
        .filter_map(|n| n.kinds.as_ref())
        .flatten()
        .map(String::as_str)
        .collect();
    let document_kinds =
        std::iter::once((None, None)).chain(InputKind::ALL.into_iter().flat_map(|kind| {
            let objects: Vec<Option<&str>> = if kind == InputKind::Kubernetes {
                std::iter::once(None)
                    .chain(object_kinds.iter().copied().map(Some))
                    .collect()
            } else {
                vec![None]
            };
            objects.into_iter().map(move |object| (Some(kind), object))
        }));
    let per_document = document_kinds.map(|(kind, object)| {
        with_rules()
            .filter(|n| n.applies_to_document(kind) && n.judges(object))
            .collect()
    });
    // Aggregate kinds, and SBOM policies (which read the normalised shape), run apart.
    let aggregate = InputKind::ALL
        .into_iter()
        .map(|kind| with_rules().filter(|n| n.input == Some(kind)).collect());
    for group in per_document
        .chain(aggregate)
        .chain(std::iter::once(with_rules().collect()))
    {
        let group: Vec<&Namespace> = group;
        if group.len() > 1 && !groups.iter().any(|g| group_key(g) == group_key(&group)) {
            groups.push(group);
        }
    }
    groups
}

/// SBOM policies that run on the VM: a third to a half of their interpreter time on a
/// 10,000-package SBOM (bench/RESULTS.md). license-denied stays on the interpreter,
/// where it was 7x faster.
const VM_SBOM_POLICIES: [&str; 3] = [
    "tollgate.sbom.ntia_minimum",
    "tollgate.sbom.license_unknown",
    "tollgate.sbom.package_denied",
];

/// Whether a namespace's results are compared between the VM and the interpreter by our
/// tests: the policies of one Kubernetes object (the bulk of a run and of admission) and
/// three SBOM policies. On the others the VM failed that comparison or was slower: wrong
/// results on the set policies' indexes and on a function's `else` after a failed
/// `some .. in` (Dockerfile), no `walk` (Terraform). (It overflowed its stack on a
/// package that gave a function and a rule one name, `exact` in package-denied.)
fn runs_on_vm(namespace: &Namespace) -> bool {
    match namespace.input {
        Some(InputKind::Kubernetes) => true,
        Some(InputKind::Sbom) => VM_SBOM_POLICIES.contains(&namespace.name.as_str()),
        _ => false,
    }
}

fn group_key(group: &[&Namespace]) -> Vec<String> {
    group.iter().map(|n| n.name.clone()).collect()
}

/// Adds one generated module whose rules read every check rule of many namespaces in one
/// evaluation: one rule per namespace, plus one per group of namespaces given (`packages`
/// are all the namespaces of the engine, to find subtrees a group may read whole; with
/// none, each rule is read by its own path).
fn add_batch_rules(
    engine: &mut regorus::Engine,
    generation: usize,
    namespaces: &mut [Namespace],
    groups: &[Vec<&Namespace>],
    packages: &[Namespace],
) -> Result<Vec<String>, PolicyError> {
    engine.set_rego_v0(false);
    let package = format!("{GENERATED_ROOT}.batch_{generation}");
    let mut source = format!("package {package}\n");
    for (index, namespace) in namespaces.iter_mut().enumerate() {
        if namespace.rules.is_empty() {
            continue;
        }
        let base = format!("data.{}", namespace.name);
        source.push_str(&format!(
            "\nnamespace_{index} := {{\n{}\n}}\n",
            rule_fields(namespace, &base)
        ));
        namespace.batch_rule = Some(format!("data.{package}.namespace_{index}"));
    }
    let mut group_rules = Vec::with_capacity(groups.len());
    for (index, group) in groups.iter().enumerate() {
        let mut subtrees: Vec<String> = Vec::new();
        let fields: Vec<String> = group
            .iter()
            .map(|n| {
                let base = match whole_subtree(n, group, packages) {
                    Some((subtree, rest)) => {
                        let position = subtrees.iter().position(|s| *s == subtree);
                        let position = position.unwrap_or_else(|| {
                            subtrees.push(subtree);
                            subtrees.len() - 1
                        });
                        format!("group_{index}_tree_{position}{rest}")
                    }
                    None => format!("data.{}", n.name),
                };
                format!("{:?}: {{\n{}\n}}", n.name, rule_fields(n, &base))
            })
            .collect();
        for (position, subtree) in subtrees.iter().enumerate() {
            source.push_str(&format!(
                "\ngroup_{index}_tree_{position} := data.{subtree}\n"
            ));
        }
        source.push_str(&format!(
            "\ngroup_{index} := {{\n{}\n}}\n",
            fields.join(",\n")
        ));
        group_rules.push(format!("data.{package}.group_{index}"));
    }
    engine
        .add_policy(
            format!("{GENERATED_PREFIX}/batch_{generation}.rego"),
            source,
        )
        .map_err(|e| PolicyError::Compile(e.to_string()))?;
    Ok(group_rules)
}

/// The shortest package prefix of `namespace` under which every package belongs to
/// `group` and may be evaluated whole, with the rest of the namespace's path (`.a.b`).
///
/// Reading `data.PREFIX` evaluates all the packages under it in one pass, where reading
/// each `data.PKG.RULE` makes regorus scan every module of the engine once per rule: with
/// the bundled catalogue this is a third of the time of a document. Only routed packages
/// (`custom.input` in their annotations, the form of the bundled policies) are read
/// whole, since that evaluates every rule of the package; conftest packages keep
/// conftest's semantics of evaluating only the rules it queries.
fn whole_subtree(
    namespace: &Namespace,
    group: &[&Namespace],
    packages: &[Namespace],
) -> Option<(String, String)> {
    let wholly_readable = |n: &Namespace| n.input.is_some() && n.name.split('.').all(is_identifier);
    if packages.is_empty() || !wholly_readable(namespace) {
        return None;
    }
    let components: Vec<&str> = namespace.name.split('.').collect();
    (1..=components.len()).find_map(|length| {
        let prefix = &components[..length];
        if prefix[0] == GENERATED_ROOT {
            return None;
        }
        let all_in_group = packages
            .iter()
            .filter(|p| p.name.split('.').take(length).eq(prefix.iter().copied()))
            .all(|p| wholly_readable(p) && group.iter().any(|g| g.name == p.name));
        all_in_group.then(|| {
            let rest: String = components[length..]
                .iter()
                .map(|c| format!(".{c}"))
                .collect();
            (prefix.join("."), rest)
        })
    })
}

/// The root package of the generated modules.
const GENERATED_ROOT: &str = "tollgate_generated";

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `"rule": [v | v := BASE.rule]` per check rule (and `exception`): each rule sits in a
/// comprehension so that an undefined one leaves the rest intact; one field per line, as
/// regorus bounds the length of a source line. `BASE` reads the namespace's package.
fn rule_fields(namespace: &Namespace, base: &str) -> String {
    let mut names: Vec<&str> = namespace.rules.iter().map(|r| r.name.as_str()).collect();
    if namespace.has_exceptions {
        names.push("exception");
    }
    let fields: Vec<String> = names
        .iter()
        .map(|name| format!("  {name:?}: [v | v := {base}.{name}]"))
        .collect();
    fields.join(",\n")
}

fn add_policy(
    engine: &mut regorus::Engine,
    file: &PolicyFile,
    version: RegoVersion,
) -> Result<(), PolicyError> {
    let mut attempt = |v0: bool| {
        engine.set_rego_v0(v0);
        engine.add_policy(file.path.clone(), file.source.clone())
    };
    let result = match version {
        RegoVersion::V0 => attempt(true),
        RegoVersion::V1 => attempt(false),
        RegoVersion::Auto => attempt(false).or_else(|v1_error| attempt(true).map_err(|_| v1_error)),
    };
    result
        .map(|_| ())
        .map_err(|e| PolicyError::Compile(e.to_string()))
}

/// Reads every `.rego` file under `paths` (files or directories, recursively, sorted).
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<PolicyFile>, PolicyError> {
    let mut files = Vec::new();
    for path in paths {
        collect(
            path,
            &mut |p| p.extension().is_some_and(|e| e == "rego"),
            &mut files,
        )?;
    }
    if files.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(PolicyError::NoPolicies(format!("[{}]", names.join(" "))));
    }
    files
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path).map_err(|e| PolicyError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            Ok(PolicyFile {
                path: path.display().to_string(),
                source,
            })
        })
        .collect()
}

/// Reads rule names from the parsed modules: conftest selects rules by name.
fn discover(
    engine: &mut regorus::Engine,
    annotations: &HashMap<String, Annotations>,
) -> Result<Vec<Namespace>, PolicyError> {
    let packages = engine
        .get_policy_package_components()
        .map_err(|e| PolicyError::Compile(e.to_string()))?;
    let mut namespaces: BTreeMap<String, Namespace> = BTreeMap::new();
    for (module, package) in engine.get_modules().iter().zip(packages) {
        let name = package.components.join(".");
        let namespace = namespaces.entry(name.clone()).or_insert_with(|| Namespace {
            name,
            ..Namespace::default()
        });
        if !namespace.files.contains(&package.source_file) {
            namespace.files.push(package.source_file.clone());
        }
        if let Some(found) = annotations.get(&package.source_file) {
            let input = found.custom_str("input");
            namespace.input = input.and_then(InputKind::from_name);
            if let (Some(name), None) = (input, namespace.input) {
                return Err(PolicyError::Read {
                    path: package.source_file.clone(),
                    message: format!(
                        "unknown input kind {name:?} in METADATA (expected kubernetes, kubernetes-set, terraform, dockerfile or sbom)"
                    ),
                });
            }
            if let Some(kinds) = found.custom.get("kinds") {
                let kinds =
                    object_kinds(kinds, namespace.input).map_err(|message| PolicyError::Read {
                        path: package.source_file.clone(),
                        message,
                    })?;
                namespace.kinds = Some(kinds);
            }
            namespace.annotations = Some(found.clone());
        }
        for rule in &module.policy {
            let Some(rule_name) = rule_name(rule) else {
                continue;
            };
            if rule_name == "exception" {
                namespace.has_exceptions = true;
            } else if rule_name.starts_with("test_") || rule_name.starts_with("todo_test_") {
                if !namespace.tests.iter().any(|t| t.name == rule_name) {
                    namespace.tests.push(TestRule {
                        name: rule_name,
                        file: package.source_file.clone(),
                        line: rule.span().line,
                    });
                }
            } else if let Some(kind) = check_kind(&rule_name) {
                match namespace.rules.iter_mut().find(|r| r.name == rule_name) {
                    Some(existing) => existing.definitions += 1,
                    None => namespace.rules.push(CheckRule {
                        name: rule_name,
                        kind,
                        definitions: 1,
                    }),
                }
            }
        }
    }
    Ok(namespaces.into_values().collect())
}

/// `custom.kinds`: a list of Kubernetes kinds, for a package whose input is `kubernetes`.
fn object_kinds(value: &Value, input: Option<InputKind>) -> Result<BTreeSet<String>, String> {
    if input != Some(InputKind::Kubernetes) {
        return Err("kinds in METADATA needs input: kubernetes".into());
    }
    value
        .as_array()
        .and_then(|kinds| {
            kinds
                .iter()
                .map(|kind| kind.as_str().map(str::to_string))
                .collect()
        })
        .ok_or_else(|| "kinds in METADATA must be a list of Kubernetes kinds (strings)".into())
}

fn rule_name(rule: &Rule) -> Option<String> {
    let Rule::Spec { head, .. } = rule else {
        return None;
    };
    let refr = match head {
        RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } | RuleHead::Func { refr, .. } => {
            refr
        }
    };
    match refr.as_ref() {
        Expr::Var { span, .. } => Some(span.text().to_string()),
        _ => None,
    }
}

/// conftest's rule patterns: `^(deny|violation)(_[a-zA-Z0-9]+)*$` and `^warn(_[a-zA-Z0-9]+)*$`.
fn check_kind(name: &str) -> Option<RuleKind> {
    let suffix_ok = |rest: &str| {
        rest.is_empty()
            || (rest.starts_with('_')
                && rest[1..].split('_').all(|part| {
                    !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric())
                }))
    };
    if let Some(rest) = name
        .strip_prefix("deny")
        .or_else(|| name.strip_prefix("violation"))
    {
        return suffix_ok(rest).then_some(RuleKind::Failure);
    }
    name.strip_prefix("warn")
        .filter(|rest| suffix_ok(rest))
        .map(|_| RuleKind::Warning)
}

/// Collects files under `path` that `keep` accepts, sorted, skipping hidden directories
/// such as `.git`.
pub fn collect(
    path: &Path,
    keep: &mut dyn FnMut(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), PolicyError> {
    let metadata = std::fs::metadata(path).map_err(|e| PolicyError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    if metadata.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| PolicyError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if entry.is_dir() {
            if !hidden {
                collect(&entry, keep, out)?;
            }
        } else if keep(&entry) {
            out.push(entry);
        }
    }
    Ok(())
}
