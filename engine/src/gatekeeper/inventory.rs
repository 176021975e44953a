//! `data.inventory`: the objects a run knows about, laid out as Gatekeeper syncs them, so
//! referential templates (unique ingress hosts, unique selectors) work unmodified:
//! `cluster[groupVersion][kind][name]` and `namespace[ns][groupVersion][kind][name]`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::metadata_str;

/// Objects by scope, group/version, kind and name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    cluster: ByGroupVersion,
    namespace: BTreeMap<String, ByGroupVersion>,
}

/// Where constraint matching finds the Namespace a request is in, for
/// `match.namespaceSelector`: the run's inventory in the CLI, the API server at admission.
pub trait NamespaceLookup {
    /// The Namespace called `name`: `Ok(None)` when it is not known here, an error (saying
    /// why) when it could not be read, which fails the match closed.
    fn find_namespace(&self, name: &str) -> Result<Option<&Value>, String>;
}

impl NamespaceLookup for Inventory {
    fn find_namespace(&self, name: &str) -> Result<Option<&Value>, String> {
        Ok(self.namespace(name))
    }
}

/// The one Namespace a caller already holds (or none), whatever the name asked.
impl NamespaceLookup for Option<&Value> {
    fn find_namespace(&self, _name: &str) -> Result<Option<&Value>, String> {
        Ok(*self)
    }
}

/// Objects by group/version, kind and name.
type ByGroupVersion = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

impl Inventory {
    /// Adds an object; a later object with the same key replaces an earlier one, as a
    /// sync of the same object would.
    pub fn add(&mut self, object: &Value) -> Result<(), String> {
        let api_version = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .ok_or("an inventory object has no apiVersion")?;
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or("an inventory object has no kind")?;
        let name = metadata_str(object, "name").unwrap_or("");
        let scope = match metadata_str(object, "namespace").filter(|n| !n.is_empty()) {
            Some(namespace) => self.namespace.entry(namespace.to_string()).or_default(),
            None => &mut self.cluster,
        };
        scope
            .entry(api_version.to_string())
            .or_default()
            .entry(kind.to_string())
            .or_default()
            .insert(name.to_string(), object.clone());
        Ok(())
    }

    /// The Namespace object called `name`, if one was added.
    pub fn namespace(&self, name: &str) -> Option<&Value> {
        self.cluster.get("v1")?.get("Namespace")?.get(name)
    }

    /// The data document templates read: `{"inventory": {"cluster": ..., "namespace": ...}}`.
    pub fn to_data(&self) -> Value {
        json!({"inventory": {"cluster": self.cluster, "namespace": self.namespace}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_laid_out_as_gatekeeper_syncs_them() {
        let mut inventory = Inventory::default();
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                                "metadata": {"name": "web", "namespace": "shop"}});
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace",
                               "metadata": {"name": "shop", "labels": {"env": "prod"}}});
        inventory.add(&deployment).unwrap();
        inventory.add(&namespace).unwrap();
        let data = inventory.to_data();
        assert_eq!(
            data.pointer("/inventory/namespace/shop/apps~1v1/Deployment/web"),
            Some(&deployment)
        );
        assert_eq!(
            data.pointer("/inventory/cluster/v1/Namespace/shop"),
            Some(&namespace)
        );
        assert_eq!(inventory.namespace("shop"), Some(&namespace));
        assert_eq!(inventory.namespace("lab"), None);
        assert_eq!(inventory.find_namespace("shop"), Ok(Some(&namespace)));
        assert_eq!(inventory.find_namespace("lab"), Ok(None));
        assert!(inventory.add(&json!({"kind": "Pod"})).is_err());
    }
}
