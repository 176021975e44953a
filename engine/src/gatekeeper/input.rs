//! `input.review`: the AdmissionRequest-like object a template sees, built from an object
//! (as Gatekeeper's audit and gator build it: operation CREATE) or taken from a real
//! AdmissionRequest.

use serde_json::{Map, Value, json};

use super::metadata_str;

/// The review of an object as if it were being created.
pub fn review_of_object(object: &Value) -> Result<Value, String> {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .ok_or("the object has no apiVersion")?;
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or("the object has no kind")?;
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let mut review = Map::new();
    review.insert(
        "kind".into(),
        json!({"group": group, "version": version, "kind": kind}),
    );
    // AdmissionRequest leaves out an empty name and namespace.
    if let Some(name) = metadata_str(object, "name").filter(|n| !n.is_empty()) {
        review.insert("name".into(), Value::from(name));
    }
    if let Some(namespace) = metadata_str(object, "namespace").filter(|n| !n.is_empty()) {
        review.insert("namespace".into(), Value::from(namespace));
    }
    review.insert("operation".into(), Value::from("CREATE"));
    review.insert("userInfo".into(), json!({}));
    review.insert("object".into(), object.clone());
    Ok(Value::Object(review))
}

/// The review of a real AdmissionRequest: as given, with the fields Go always serialises
/// (`uid`, `kind`, `resource`, `operation`, `userInfo`) present, as Gatekeeper's input has
/// them; a DELETE reviews the old object as its object (as Gatekeeper does).
pub fn review_of_request(request: &Value) -> Result<Value, String> {
    let Value::Object(fields) = request else {
        return Err("the AdmissionRequest must be an object".into());
    };
    let mut review = fields.clone();
    let present =
        |review: &Map<String, Value>, key: &str| review.get(key).is_some_and(|v| !v.is_null());
    if !present(&review, "object") && !present(&review, "oldObject") {
        return Err("the AdmissionRequest has neither object nor oldObject to review".into());
    }
    for (key, default) in [
        ("uid", json!("")),
        ("kind", json!({"group": "", "version": "", "kind": ""})),
        (
            "resource",
            json!({"group": "", "version": "", "resource": ""}),
        ),
        ("operation", json!("")),
        ("userInfo", json!({})),
    ] {
        if !present(&review, key) {
            review.insert(key.into(), default);
        }
    }
    if review.get("operation").and_then(Value::as_str) == Some("DELETE")
        && !present(&review, "object")
    {
        let old = review.get("oldObject").cloned().unwrap_or(Value::Null);
        review.insert("object".into(), old);
    }
    Ok(Value::Object(review))
}

/// The objects a constraint's match is tried on: the object and the old object; the
/// review matches when either does.
pub fn matched_objects(review: &Value) -> Vec<&Value> {
    ["object", "oldObject"]
        .iter()
        .filter_map(|key| review.get(*key))
        .filter(|v| v.is_object())
        .collect()
}

/// The namespace a review is in: `namespace`, else its object's.
pub fn review_namespace(review: &Value) -> Option<&str> {
    review
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .or_else(|| {
            matched_objects(review)
                .into_iter()
                .find_map(|o| metadata_str(o, "namespace").filter(|n| !n.is_empty()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_is_reviewed_as_a_create() {
        let object = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                            "metadata": {"name": "web", "namespace": "shop"}});
        let review = review_of_object(&object).unwrap();
        assert_eq!(
            review["kind"],
            json!({"group": "apps", "version": "v1", "kind": "Deployment"})
        );
        assert_eq!(review["operation"], "CREATE");
        assert_eq!(review["name"], "web");
        assert_eq!(review["namespace"], "shop");
        assert_eq!(review["object"], object);
        let core = review_of_object(&json!({"apiVersion": "v1", "kind": "Namespace",
                                            "metadata": {"name": "shop"}}))
        .unwrap();
        assert_eq!(core["kind"]["group"], "");
        assert!(core.get("namespace").is_none());
        assert!(review_of_object(&json!({"kind": "Pod"})).is_err());
    }

    #[test]
    fn a_delete_reviews_its_old_object() {
        let old = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
        let request = json!({"kind": {"group": "", "version": "v1", "kind": "Pod"},
                             "operation": "DELETE", "object": null, "oldObject": old});
        let review = review_of_request(&request).unwrap();
        assert_eq!(review["object"], old);
        assert!(
            review_of_request(&json!({"kind": {"kind": "Pod"}, "operation": "CREATE"})).is_err()
        );
    }
}
