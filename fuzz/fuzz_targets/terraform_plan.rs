//! Terraform plan JSON (`terraform show -json`): recognised as Terraform input and
//! converted to the module shape, and a policy over `resource_changes` places each
//! finding on its field of the plan.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tollgate_engine::input::{Format, InputKind, is_terraform_plan};
use tollgate_engine::terraform::plan;
use tollgate_fuzz::{Rules, Shape, check_parser};

const POLICY: &str = r#"package main
import rego.v1

deny contains {"msg": msg, "path": ["resource_changes", i, "change", "after", key]} if {
	some i, change in input.resource_changes
	some key, value in change.change.after
	value in {"public-read", "0.0.0.0/0", true}
	msg := sprintf("%v: %v is %v", [change.address, key, value])
}

warn contains {"msg": msg, "path": sprintf("resource_changes.%v.change.actions", [i])} if {
	some i, change in input.resource_changes
	"delete" in change.change.actions
	msg := sprintf("%v is deleted", [change.address])
}

deny_planned contains {"msg": "unencrypted", "path": ["planned_values", "root_module", "resources", i, "values", "encrypted"]} if {
	some i, resource in input.planned_values.root_module.resources
	resource.values.encrypted == false
}
"#;

static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::new(POLICY));

fuzz_target!(|data: &[u8]| {
    let Some(file) = check_parser(Format::Json, data, Shape::Exact).ok() else {
        return;
    };
    for document in &file.documents {
        let kind = InputKind::of(Format::Json, &document.value);
        if is_terraform_plan(&document.value)
            && kind != Some(InputKind::Kubernetes)
            && kind != Some(InputKind::Sbom)
        {
            assert_eq!(
                kind,
                Some(InputKind::Terraform),
                "a plan not read as Terraform"
            );
        }
        if kind == Some(InputKind::Terraform) {
            assert!(is_terraform_plan(&document.value));
            // Plans are converted to the module shape the bundled policies read.
            let converted = plan::convert(&document.value);
            assert!(converted.input.is_object(), "{}", converted.input);
        }
    }
    RULES.check(&file, data);
});
