//! Kubernetes label selectors (`matchLabels` and `matchExpressions`), as the API server
//! evaluates them, so a rule's `labelSelector` means what it means everywhere else.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// Checks operators and values the way the API server would reject them.
pub fn validate(selector: &LabelSelector) -> Result<(), String> {
    for (index, expression) in selector.match_expressions.iter().flatten().enumerate() {
        let values = expression.values.as_deref().unwrap_or_default();
        match expression.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => {
                return Err(format!(
                    "matchExpressions[{index}]: operator {} needs at least one value",
                    expression.operator
                ));
            }
            "Exists" | "DoesNotExist" if !values.is_empty() => {
                return Err(format!(
                    "matchExpressions[{index}]: operator {} takes no values",
                    expression.operator
                ));
            }
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => {
                return Err(format!(
                    "matchExpressions[{index}]: unknown operator {other:?} (expected In, NotIn, Exists or DoesNotExist)"
                ));
            }
        }
    }
    Ok(())
}

/// Whether `labels` satisfy every requirement of the selector (an empty selector matches
/// everything). Operators are checked by [`validate`] when the configuration loads.
pub fn matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let by_labels = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    by_labels
        && selector
            .match_expressions
            .iter()
            .flatten()
            .all(|expression| {
                let value = labels.get(&expression.key);
                let listed = |v: &String| {
                    expression
                        .values
                        .iter()
                        .flatten()
                        .any(|candidate| candidate == v)
                };
                match expression.operator.as_str() {
                    "In" => value.is_some_and(listed),
                    "NotIn" => !value.is_some_and(listed),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn requirement(key: &str, operator: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: operator.into(),
            values: (!values.is_empty()).then(|| values.iter().map(|v| v.to_string()).collect()),
        }
    }

    #[test]
    fn match_labels_and_expressions_combine() {
        let selector = LabelSelector {
            match_labels: Some(labels(&[("app", "web")])),
            match_expressions: Some(vec![
                requirement("tier", "In", &["frontend", "edge"]),
                requirement("legacy", "DoesNotExist", &[]),
                requirement("env", "NotIn", &["dev"]),
            ]),
        };
        assert!(matches(
            &selector,
            &labels(&[("app", "web"), ("tier", "edge")])
        ));
        assert!(!matches(
            &selector,
            &labels(&[("app", "web"), ("tier", "edge"), ("legacy", "1")])
        ));
        assert!(!matches(
            &selector,
            &labels(&[("app", "web"), ("tier", "back")])
        ));
        assert!(!matches(
            &selector,
            &labels(&[("app", "web"), ("tier", "edge"), ("env", "dev")])
        ));
        assert!(!matches(&selector, &labels(&[("tier", "edge")])));
        assert!(matches(&LabelSelector::default(), &labels(&[])));
    }

    #[test]
    fn invalid_requirements_are_refused() {
        let selector = |r| LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![r]),
        };
        assert!(validate(&selector(requirement("a", "In", &[]))).is_err());
        assert!(validate(&selector(requirement("a", "Exists", &["x"]))).is_err());
        assert!(validate(&selector(requirement("a", "Gt", &["1"]))).is_err());
        assert!(validate(&selector(requirement("a", "Exists", &[]))).is_ok());
    }
}
