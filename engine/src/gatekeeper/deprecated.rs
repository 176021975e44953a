//! OPA's deprecated built-ins (`re_match`, `any`, `all`, `set_diff`, `cast_*`), which OPA
//! still accepts in v0 Rego and older Gatekeeper templates still call; regorus leaves them
//! out, so each template engine gets them as extensions.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use regorus::Value;

/// Adds the deprecated built-ins to an engine.
pub fn add_to(engine: &mut regorus::Engine) -> Result<()> {
    engine.add_extension("re_match".into(), 2, Box::new(re_match))?;
    engine.add_extension(
        "any".into(),
        1,
        Box::new(|a: Vec<Value>| quantify(a, false)),
    )?;
    engine.add_extension("all".into(), 1, Box::new(|a: Vec<Value>| quantify(a, true)))?;
    engine.add_extension("set_diff".into(), 2, Box::new(set_diff))?;
    engine.add_extension("cast_array".into(), 1, Box::new(cast_array))?;
    engine.add_extension("cast_set".into(), 1, Box::new(cast_set))?;
    for (name, type_name) in [
        ("cast_string", "string"),
        ("cast_boolean", "boolean"),
        ("cast_null", "null"),
        ("cast_object", "object"),
    ] {
        engine.add_extension(
            name.into(),
            1,
            Box::new(move |args: Vec<Value>| cast_same(name, type_name, args)),
        )?;
    }
    Ok(())
}

fn re_match(args: Vec<Value>) -> Result<Value> {
    let [pattern, value] = args.as_slice() else {
        bail!("re_match: expects 2 arguments");
    };
    let pattern = regex::Regex::new(pattern.as_string()?)
        .map_err(|e| anyhow::anyhow!("re_match: invalid pattern: {e}"))?;
    Ok(Value::from(pattern.is_match(value.as_string()?)))
}

fn members(name: &str, value: &Value) -> Result<Vec<Value>> {
    Ok(match value {
        Value::Array(items) => items.iter().cloned().collect(),
        Value::Set(items) => items.iter().cloned().collect(),
        _ => bail!("{name}: operand must be an array or a set"),
    })
}

/// `any` (is one member `true`) and `all` (is every member `true`).
fn quantify(args: Vec<Value>, every: bool) -> Result<Value> {
    let name = if every { "all" } else { "any" };
    let [collection] = args.as_slice() else {
        bail!("{name}: expects 1 argument");
    };
    let items = members(name, collection)?;
    let is_true = |v: &Value| *v == Value::Bool(true);
    Ok(Value::from(if every {
        items.iter().all(is_true)
    } else {
        items.iter().any(is_true)
    }))
}

fn set_diff(args: Vec<Value>) -> Result<Value> {
    let [a, b] = args.as_slice() else {
        bail!("set_diff: expects 2 arguments");
    };
    let b: BTreeSet<Value> = b.as_set()?.iter().cloned().collect();
    let difference: BTreeSet<Value> = a
        .as_set()?
        .iter()
        .filter(|v| !b.contains(*v))
        .cloned()
        .collect();
    Ok(Value::from(difference))
}

fn cast_array(args: Vec<Value>) -> Result<Value> {
    let [value] = args.as_slice() else {
        bail!("cast_array: expects 1 argument");
    };
    Ok(Value::from(members("cast_array", value)?))
}

fn cast_set(args: Vec<Value>) -> Result<Value> {
    let [value] = args.as_slice() else {
        bail!("cast_set: expects 1 argument");
    };
    let set: BTreeSet<Value> = members("cast_set", value)?.into_iter().collect();
    Ok(Value::from(set))
}

/// `cast_string` and the like: the value itself when it has the type, else an error.
fn cast_same(name: &str, type_name: &str, args: Vec<Value>) -> Result<Value> {
    let [value] = args.as_slice() else {
        bail!("{name}: expects 1 argument");
    };
    let fits = matches!(
        (type_name, value),
        ("string", Value::String(_))
            | ("boolean", Value::Bool(_))
            | ("null", Value::Null)
            | ("object", Value::Object(_))
    );
    if !fits {
        bail!("{name}: operand must be a {type_name}");
    }
    Ok(value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecated_builtins_evaluate_as_in_opa() {
        let mut engine = regorus::Engine::new();
        add_to(&mut engine).unwrap();
        engine.set_rego_v0(true);
        engine
            .add_policy(
                "t.rego".into(),
                r#"package t
                matched { re_match("^kube-", "kube-system") }
                unmatched { re_match("^kube-", "default") }
                some_true { any([false, true]) }
                none_true { any(set()) }
                every_true { all([true, true]) }
                empty_all { all([]) }
                diff := set_diff({1, 2, 3}, {2})
                as_set := cast_set([1, 1, 2])
                as_array := cast_array({"a"})
                "#
                .into(),
            )
            .unwrap();
        let mut eval = |rule: &str| engine.eval_rule(format!("data.t.{rule}")).unwrap();
        assert_eq!(eval("matched"), Value::from(true));
        assert_eq!(eval("unmatched"), Value::Undefined);
        assert_eq!(eval("some_true"), Value::from(true));
        assert_eq!(eval("none_true"), Value::Undefined);
        assert_eq!(eval("every_true"), Value::from(true));
        assert_eq!(eval("empty_all"), Value::from(true));
        assert_eq!(
            eval("diff"),
            Value::from(BTreeSet::from([Value::from(1u64), Value::from(3u64)]))
        );
        assert_eq!(
            eval("as_set"),
            Value::from(BTreeSet::from([Value::from(1u64), Value::from(2u64)]))
        );
        assert_eq!(eval("as_array"), Value::from(vec![Value::from("a")]));
    }
}
