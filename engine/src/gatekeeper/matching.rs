//! A Constraint's `spec.match`, with Gatekeeper's semantics: every criterion given must
//! hold, and an absent criterion matches everything. Namespaces and names take globs with
//! a `*` at the front and/or the end (`kube-*`, `*-system`, `*sys*`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::inventory::NamespaceLookup;
use super::metadata_str;

/// `match.kinds[]`: groups and kinds, `*` for any; an empty list matches any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindSelector {
    pub api_groups: Vec<String>,
    pub kinds: Vec<String>,
}

/// A Kubernetes label selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<Requirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// `match.scope`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    Any,
    Cluster,
    Namespaced,
}

/// A Constraint's `spec.match`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    pub kinds: Vec<KindSelector>,
    pub scope: Scope,
    pub namespaces: Vec<String>,
    pub excluded_namespaces: Vec<String>,
    pub label_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub name: Option<String>,
}

/// Gatekeeper's wildcard: `*` at the front, the end, or both; else an exact name.
pub fn wildcard_matches(pattern: &str, candidate: &str) -> bool {
    let front = pattern.strip_prefix('*');
    let both = front.and_then(|p| p.strip_suffix('*'));
    match (both, front, pattern.strip_suffix('*')) {
        (Some(middle), _, _) => candidate.contains(middle),
        (None, Some(suffix), _) => candidate.ends_with(suffix),
        (None, None, Some(prefix)) => candidate.starts_with(prefix),
        _ => pattern == candidate,
    }
}

impl Match {
    /// Reads `spec.match`; an error starts with the path below `match` that is wrong
    /// (`.kinds[0].apiGroups: ...`).
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let Value::Object(fields) = value else {
            return Err(": must be an object".into());
        };
        let mut result = Match::default();
        if let Some(kinds) = present(fields.get("kinds")) {
            let items = kinds.as_array().ok_or(".kinds: must be a list")?;
            for (i, item) in items.iter().enumerate() {
                result.kinds.push(KindSelector {
                    api_groups: string_list(item.get("apiGroups"))
                        .map_err(|e| format!(".kinds[{i}].apiGroups: {e}"))?,
                    kinds: string_list(item.get("kinds"))
                        .map_err(|e| format!(".kinds[{i}].kinds: {e}"))?,
                });
            }
        }
        result.scope = match present(fields.get("scope")).map(Value::as_str) {
            None | Some(Some("*")) => Scope::Any,
            Some(Some("Cluster")) => Scope::Cluster,
            Some(Some("Namespaced")) => Scope::Namespaced,
            Some(other) => {
                return Err(format!(
                    ".scope: {} is not one of \"*\", \"Cluster\", \"Namespaced\"",
                    other.map_or("a non-string".into(), |s| format!("{s:?}"))
                ));
            }
        };
        result.namespaces =
            string_list(fields.get("namespaces")).map_err(|e| format!(".namespaces: {e}"))?;
        result.excluded_namespaces = string_list(fields.get("excludedNamespaces"))
            .map_err(|e| format!(".excludedNamespaces: {e}"))?;
        for (field, pattern) in result.namespaces.iter().map(|p| ("namespaces", p)).chain(
            result
                .excluded_namespaces
                .iter()
                .map(|p| ("excludedNamespaces", p)),
        ) {
            check_wildcard(pattern).map_err(|e| format!(".{field}: {e}"))?;
        }
        if let Some(selector) = present(fields.get("labelSelector")) {
            result.label_selector = Some(
                LabelSelector::from_value(selector).map_err(|e| format!(".labelSelector{e}"))?,
            );
        }
        if let Some(selector) = present(fields.get("namespaceSelector")) {
            result.namespace_selector = Some(
                LabelSelector::from_value(selector)
                    .map_err(|e| format!(".namespaceSelector{e}"))?,
            );
        }
        match present(fields.get("name")) {
            None => {}
            Some(Value::String(name)) if name.is_empty() => {}
            Some(Value::String(name)) => {
                check_wildcard(name).map_err(|e| format!(".name: {e}"))?;
                result.name = Some(name.clone());
            }
            Some(_) => return Err(".name: must be a string".into()),
        }
        Ok(result)
    }

    /// Whether `object` is in scope. `namespace` is the namespace the request is in (else
    /// the object's own), `namespace_object` that Namespace when known: a
    /// namespaceSelector over a namespaced object without it is an error, as in Gatekeeper.
    pub fn matches(
        &self,
        object: &Value,
        namespace: Option<&str>,
        namespace_object: Option<&Value>,
    ) -> Result<bool, String> {
        self.matches_in(object, namespace, &namespace_object)
    }

    /// [`Match::matches`] with the request's Namespace found through `lookup`, asked only
    /// when a namespaceSelector has to judge a namespaced object; its error is the match's.
    pub fn matches_in(
        &self,
        object: &Value,
        namespace: Option<&str>,
        lookup: &dyn NamespaceLookup,
    ) -> Result<bool, String> {
        let (group, kind) = group_kind(object);
        let name = metadata_str(object, "name").unwrap_or("");
        let is_namespace = kind == "Namespace" && group.is_empty();
        let declared = metadata_str(object, "namespace").filter(|n| !n.is_empty());
        let namespace = namespace.filter(|n| !n.is_empty()).or(declared);
        // The namespace an object is in (a Namespace is in itself).
        let in_namespace = if is_namespace { Some(name) } else { namespace };
        let kinds_ok = self.kinds.is_empty()
            || self.kinds.iter().any(|selector| {
                let any_or = |list: &[String], value: &str| {
                    list.is_empty() || list.iter().any(|v| v == "*" || v == value)
                };
                any_or(&selector.kinds, kind) && any_or(&selector.api_groups, group)
            });
        if !kinds_ok {
            return Ok(false);
        }
        let has_namespace = namespace.is_some();
        let scope_ok = match self.scope {
            Scope::Any => true,
            Scope::Cluster => is_namespace || !has_namespace,
            Scope::Namespaced => !is_namespace && has_namespace,
        };
        if !scope_ok {
            return Ok(false);
        }
        if let Some(ns) = in_namespace {
            if !self.namespaces.is_empty()
                && !self.namespaces.iter().any(|p| wildcard_matches(p, ns))
            {
                return Ok(false);
            }
            if self
                .excluded_namespaces
                .iter()
                .any(|p| wildcard_matches(p, ns))
            {
                return Ok(false);
            }
        }
        if let Some(selector) = &self.label_selector
            && !selector.matches(&labels(object))
        {
            return Ok(false);
        }
        if let Some(selector) = &self.namespace_selector {
            let namespace_labels = match (is_namespace, namespace) {
                (true, _) => Some(labels(object)),
                // Cluster-scoped objects other than Namespaces are not filtered by it.
                (false, None) => None,
                (false, Some(ns)) => match lookup.find_namespace(ns)? {
                    Some(found) => Some(labels(found)),
                    None => {
                        return Err(format!(
                            "namespaceSelector needs the Namespace {ns:?} of {kind} {name:?}, which is not among the objects given"
                        ));
                    }
                },
            };
            if namespace_labels.is_some_and(|l| !selector.matches(&l)) {
                return Ok(false);
            }
        }
        if let Some(pattern) = &self.name
            && !wildcard_matches(pattern, name)
        {
            return Ok(false);
        }
        Ok(true)
    }
}

impl LabelSelector {
    /// Reads a label selector; errors start with the path that is wrong.
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let Value::Object(fields) = value else {
            return Err(": must be an object".into());
        };
        let mut selector = LabelSelector::default();
        if let Some(labels) = present(fields.get("matchLabels")) {
            let labels = labels
                .as_object()
                .ok_or(".matchLabels: must be a map of strings")?;
            for (key, value) in labels {
                let value = value
                    .as_str()
                    .ok_or_else(|| format!(".matchLabels.{key}: must be a string"))?;
                selector.match_labels.insert(key.clone(), value.to_string());
            }
        }
        if let Some(expressions) = present(fields.get("matchExpressions")) {
            let expressions = expressions
                .as_array()
                .ok_or(".matchExpressions: must be a list")?;
            for (i, expression) in expressions.iter().enumerate() {
                let at = |e: &str| format!(".matchExpressions[{i}]{e}");
                let key = expression
                    .get("key")
                    .and_then(Value::as_str)
                    .ok_or_else(|| at(".key: must be a string"))?
                    .to_string();
                let values = string_list(expression.get("values"))
                    .map_err(|e| at(&format!(".values: {e}")))?;
                let operator = expression
                    .get("operator")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let requirement = match operator {
                    "In" | "NotIn" if values.is_empty() => {
                        return Err(at(&format!(
                            ".values: must be non-empty for operator {operator}"
                        )));
                    }
                    "Exists" | "DoesNotExist" if !values.is_empty() => {
                        return Err(at(&format!(
                            ".values: must be empty for operator {operator}"
                        )));
                    }
                    "In" => Requirement::In(key, values),
                    "NotIn" => Requirement::NotIn(key, values),
                    "Exists" => Requirement::Exists(key),
                    "DoesNotExist" => Requirement::DoesNotExist(key),
                    other => {
                        return Err(at(&format!(
                            ".operator: {other:?} is not one of In, NotIn, Exists, DoesNotExist"
                        )));
                    }
                };
                selector.match_expressions.push(requirement);
            }
        }
        Ok(selector)
    }

    /// Whether `labels` satisfy every label and every expression.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| match r {
                Requirement::In(key, values) => labels.get(key).is_some_and(|v| values.contains(v)),
                Requirement::NotIn(key, values) => {
                    labels.get(key).is_none_or(|v| !values.contains(v))
                }
                Requirement::Exists(key) => labels.contains_key(key),
                Requirement::DoesNotExist(key) => !labels.contains_key(key),
            })
    }
}

/// The API group (empty for the core group) and kind of an object.
pub fn group_kind(object: &Value) -> (&str, &str) {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    (group, kind)
}

/// An object's labels (string values only, as Kubernetes allows).
pub fn labels(object: &Value) -> BTreeMap<String, String> {
    object
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

fn string_list(value: Option<&Value>) -> Result<Vec<String>, String> {
    match present(value) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "must be a list of strings".to_string())
            })
            .collect(),
        Some(_) => Err("must be a list of strings".into()),
    }
}

/// Gatekeeper allows `*` only at the front and the end of a pattern.
fn check_wildcard(pattern: &str) -> Result<(), String> {
    let inner = pattern.strip_prefix('*').unwrap_or(pattern);
    let inner = inner.strip_suffix('*').unwrap_or(inner);
    if inner.contains('*') {
        return Err(format!(
            "{pattern:?}: a wildcard may have '*' only at its start and end"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn matcher(value: Value) -> Match {
        Match::from_value(&value).expect("a valid match")
    }

    fn pod(namespace: &str, labels: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web-1", "namespace": namespace, "labels": labels}})
    }

    #[test]
    fn wildcards_at_the_front_the_end_or_both() {
        assert!(wildcard_matches("kube-*", "kube-system"));
        assert!(!wildcard_matches("kube-*", "my-kube-system"));
        assert!(wildcard_matches("*-system", "gatekeeper-system"));
        assert!(!wildcard_matches("*-system", "system-a"));
        assert!(wildcard_matches("*sys*", "kube-system-x"));
        assert!(wildcard_matches("default", "default"));
        assert!(!wildcard_matches("default", "default2"));
        assert!(wildcard_matches("*", "anything"));
        assert!(
            Match::from_value(&json!({"namespaces": ["ku*be"]}))
                .unwrap_err()
                .contains("only at its start and end")
        );
    }

    #[test]
    fn kinds_need_group_and_kind() {
        let m = matcher(json!({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}]}));
        let deployment =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        let other = json!({"apiVersion": "example.com/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        assert!(m.matches(&deployment, None, None).unwrap());
        assert!(!m.matches(&other, None, None).unwrap());
        assert!(!m.matches(&pod("a", json!({})), None, None).unwrap());
        let any = matcher(json!({"kinds": [{"apiGroups": ["*"], "kinds": ["*"]}]}));
        assert!(any.matches(&other, None, None).unwrap());
        assert!(Match::default().matches(&other, None, None).unwrap());
    }

    #[test]
    fn namespaces_and_exclusions_apply_to_namespaced_objects_and_namespaces() {
        let m = matcher(json!({"namespaces": ["prod-*"], "excludedNamespaces": ["*-system"]}));
        assert!(m.matches(&pod("prod-eu", json!({})), None, None).unwrap());
        assert!(!m.matches(&pod("dev", json!({})), None, None).unwrap());
        assert!(
            !m.matches(&pod("prod-system", json!({})), None, None)
                .unwrap()
        );
        // The request's namespace counts when the object does not say.
        let bare = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
        assert!(m.matches(&bare, Some("prod-us"), None).unwrap());
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod-x"}});
        assert!(m.matches(&namespace, None, None).unwrap());
        // Cluster-scoped objects are not filtered by namespaces.
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}});
        assert!(m.matches(&role, None, None).unwrap());
    }

    #[test]
    fn label_selector_operators() {
        let m = matcher(json!({"labelSelector": {
        "matchLabels": {"app": "shop"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["web", "api"]},
            {"key": "track", "operator": "NotIn", "values": ["canary"]},
            {"key": "team", "operator": "Exists"},
            {"key": "skip", "operator": "DoesNotExist"}
        ]}}));
        let yes = pod("a", json!({"app": "shop", "tier": "web", "team": "x"}));
        assert!(m.matches(&yes, None, None).unwrap());
        for labels in [
            json!({"app": "other", "tier": "web", "team": "x"}),
            json!({"app": "shop", "tier": "batch", "team": "x"}),
            json!({"app": "shop", "team": "x"}),
            json!({"app": "shop", "tier": "web", "team": "x", "track": "canary"}),
            json!({"app": "shop", "tier": "web"}),
            json!({"app": "shop", "tier": "web", "team": "x", "skip": ""}),
        ] {
            assert!(
                !m.matches(&pod("a", labels.clone()), None, None).unwrap(),
                "{labels}"
            );
        }
        let bad = Match::from_value(&json!({"labelSelector": {"matchExpressions": [
            {"key": "a", "operator": "In", "values": []}]}}));
        assert!(
            bad.unwrap_err()
                .contains(".labelSelector.matchExpressions[0].values")
        );
        let bad = Match::from_value(&json!({"labelSelector": {"matchExpressions": [
            {"key": "a", "operator": "Like"}]}}));
        assert!(bad.unwrap_err().contains("\"Like\" is not one of"));
    }

    #[test]
    fn namespace_selector_reads_the_namespace_or_the_namespace_itself() {
        let m = matcher(json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}}));
        let prod = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"env": "prod"}}});
        let dev = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lab", "labels": {"env": "dev"}}});
        assert!(
            m.matches(&pod("shop", json!({})), None, Some(&prod))
                .unwrap()
        );
        assert!(!m.matches(&pod("lab", json!({})), None, Some(&dev)).unwrap());
        assert!(m.matches(&prod, None, None).unwrap());
        assert!(!m.matches(&dev, None, None).unwrap());
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}});
        assert!(m.matches(&role, None, None).unwrap());
        let missing = m.matches(&pod("shop", json!({})), None, None).unwrap_err();
        assert!(
            missing.contains("needs the Namespace \"shop\""),
            "{missing}"
        );
    }

    /// A lookup that counts its calls and fails, as an unreachable API server would.
    struct Unreachable(std::cell::Cell<usize>);

    impl NamespaceLookup for Unreachable {
        fn find_namespace(&self, name: &str) -> Result<Option<&Value>, String> {
            self.0.set(self.0.get() + 1);
            Err(format!(
                "cannot read Namespace {name:?}: connection refused"
            ))
        }
    }

    #[test]
    fn a_failed_namespace_lookup_fails_the_match_and_is_asked_only_when_needed() {
        let m = matcher(
            json!({"kinds": [{"apiGroups": [""], "kinds": ["Pod", "Namespace"]}],
                               "namespaceSelector": {"matchLabels": {"env": "prod"}}}),
        );
        let lookup = Unreachable(std::cell::Cell::new(0));
        let error = m
            .matches_in(&pod("shop", json!({})), None, &lookup)
            .unwrap_err();
        assert_eq!(error, "cannot read Namespace \"shop\": connection refused");
        assert_eq!(lookup.0.get(), 1);
        // A Namespace is judged by its own labels; other kinds never reach the selector.
        let prod = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"env": "prod"}}});
        assert!(m.matches_in(&prod, None, &lookup).unwrap());
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                                "metadata": {"name": "d", "namespace": "shop"}});
        assert!(!m.matches_in(&deployment, None, &lookup).unwrap());
        assert_eq!(lookup.0.get(), 1);
    }

    #[test]
    fn scope_and_name() {
        let namespaced = matcher(json!({"scope": "Namespaced", "name": "web-*"}));
        let cluster = matcher(json!({"scope": "Cluster"}));
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web-ns"}});
        assert!(
            namespaced
                .matches(&pod("a", json!({})), None, None)
                .unwrap()
        );
        assert!(!namespaced.matches(&namespace, None, None).unwrap());
        assert!(cluster.matches(&namespace, None, None).unwrap());
        assert!(!cluster.matches(&pod("a", json!({})), None, None).unwrap());
        let api = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": "a"}});
        assert!(!namespaced.matches(&api, None, None).unwrap());
        assert!(
            Match::from_value(&json!({"scope": "cluster"}))
                .unwrap_err()
                .contains(".scope")
        );
    }
}
