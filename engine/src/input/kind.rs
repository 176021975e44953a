//! What kind of thing a document is, so a policy annotated for one kind of input
//! (`custom.input`) runs only where it applies.

use serde_json::Value;

use super::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputKind {
    /// One Kubernetes object.
    Kubernetes,
    /// Every Kubernetes object of a run at once, as `[{path, contents}]`.
    KubernetesSet,
    /// One Terraform module: the `.tf` files of a directory, or a plan.
    Terraform,
    Dockerfile,
    Sbom,
}

impl InputKind {
    pub const ALL: [Self; 5] = [
        Self::Kubernetes,
        Self::KubernetesSet,
        Self::Terraform,
        Self::Dockerfile,
        Self::Sbom,
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "kubernetes" => Self::Kubernetes,
            "kubernetes-set" => Self::KubernetesSet,
            "terraform" => Self::Terraform,
            "dockerfile" => Self::Dockerfile,
            "sbom" => Self::Sbom,
            _ => return None,
        })
    }

    /// The kind of one parsed document, when it is one tollgate recognises.
    pub fn of(format: Format, value: &Value) -> Option<Self> {
        match format {
            Format::Dockerfile => Some(Self::Dockerfile),
            Format::Hcl2 => Some(Self::Terraform),
            Format::Yaml | Format::Json => {
                let has = |key: &str| value.get(key).is_some_and(Value::is_string);
                if has("apiVersion") && has("kind") {
                    Some(Self::Kubernetes)
                } else if has("spdxVersion")
                    || value.get("bomFormat") == Some(&Value::from("CycloneDX"))
                {
                    Some(Self::Sbom)
                } else if is_terraform_plan(value) {
                    Some(Self::Terraform)
                } else {
                    None
                }
            }
            Format::Toml | Format::Ini => None,
        }
    }

    /// Kinds evaluated over more than one document at once (a module, a set), not per file.
    pub fn is_aggregate(self) -> bool {
        matches!(self, Self::KubernetesSet | Self::Terraform)
    }
}

/// `terraform show -json` output: a format version and planned values or changes.
pub fn is_terraform_plan(value: &Value) -> bool {
    value.get("format_version").is_some()
        && (value.get("planned_values").is_some() || value.get("resource_changes").is_some())
}
