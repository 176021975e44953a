//! `terraform show -json` plans converted to the hcl2json module shape.

use serde_json::{Value, json};
use tollgate_engine::terraform::plan::convert;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../testdata/bundled/{name}/plan/tfplan.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

#[test]
fn unknown_references_become_source_references() {
    let input = convert(&fixture("hardened")).input;
    let block = &input["resource"]["aws_s3_bucket_public_access_block"]["data"][0];
    assert_eq!(block["bucket"], json!("${aws_s3_bucket.data.id}"));
    assert_eq!(block["block_public_acls"], json!(true));
    let sse = &input["resource"]["aws_s3_bucket_server_side_encryption_configuration"]["data"][0];
    assert_eq!(
        sse["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"],
        json!("aws:kms")
    );
    assert_eq!(sse["bucket"], json!("${aws_s3_bucket.data.id}"));
}

#[test]
fn sensitive_values_are_never_copied() {
    let plan = fixture("hardened");
    let converted = convert(&plan);
    let text = converted.input.to_string();
    assert!(!text.contains("from-the-vault-7f3a"), "{text}");
    let db = &converted.input["resource"]["aws_db_instance"]["orders"][0];
    assert_eq!(db["password"], json!("${var.db_password}"));
    let variable = &converted.input["variable"]["db_password"][0];
    assert!(variable.get("default").is_none(), "{variable}");
    assert_eq!(
        converted.input["variable"]["region"][0]["default"],
        json!("eu-west-1")
    );
}

#[test]
fn a_sensitive_literal_stays_so_it_can_be_reported() {
    let input = convert(&fixture("insecure")).input;
    assert_eq!(
        input["resource"]["aws_db_instance"]["orders"][0]["password"],
        json!("hunter2-in-git")
    );
}

#[test]
fn computed_sensitive_values_are_left_out() {
    let plan = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{
            "address": "random_password.db", "mode": "managed", "type": "random_password",
            "name": "db", "values": {"length": 24, "result": "generated-secret"},
            "sensitive_values": {"result": true}
        }]}}
    });
    let input = convert(&plan).input;
    let body = &input["resource"]["random_password"]["db"][0];
    assert_eq!(body, &json!({"length": 24}));
}

#[test]
fn providers_versions_and_terraform_version() {
    let input = convert(&fixture("hardened")).input;
    assert_eq!(input["terraform"][0]["required_version"], json!("= 1.9.8"));
    assert_eq!(
        input["terraform"][0]["required_providers"][0]["aws"],
        json!({"source": "registry.terraform.io/hashicorp/aws", "version": "~> 5.40"})
    );
    assert_eq!(
        input["provider"]["aws"][0]["region"],
        json!("${var.region}")
    );
}

#[test]
fn instances_and_child_modules_each_become_a_block() {
    let plan = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {
            "resources": [
                {"address": "aws_ebs_volume.v[0]", "mode": "managed", "type": "aws_ebs_volume", "name": "v", "index": 0, "values": {"encrypted": true}},
                {"address": "aws_ebs_volume.v[1]", "mode": "managed", "type": "aws_ebs_volume", "name": "v", "index": 1, "values": {"encrypted": false}}
            ],
            "child_modules": [{"address": "module.net", "resources": [
                {"address": "module.net.aws_security_group.sg", "mode": "managed", "type": "aws_security_group", "name": "sg", "values": {"name": "sg"}},
                {"address": "module.net.data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document", "name": "d", "values": {"json": "{}"}}
            ]}]
        }},
        "configuration": {"root_module": {"module_calls": {"net": {"module": {"resources": [
            {"address": "aws_security_group.sg", "mode": "managed", "type": "aws_security_group", "name": "sg",
             "expressions": {"vpc_id": {"references": ["var.vpc_id"]}}}
        ]}}}}}
    });
    let converted = convert(&plan);
    let input = &converted.input;
    assert_eq!(
        input["resource"]["aws_ebs_volume"]["v"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        input["resource"]["aws_ebs_volume"]["v"][1]["encrypted"],
        json!(false)
    );
    assert_eq!(
        input["resource"]["aws_security_group"]["sg"][0]["vpc_id"],
        json!("${var.vpc_id}")
    );
    assert_eq!(
        input["data"]["aws_iam_policy_document"]["d"][0]["json"],
        json!("{}")
    );
    assert_eq!(converted.origins.len(), 4);
}

#[test]
fn a_plan_without_planned_values_converts_to_an_empty_module() {
    let converted = convert(&json!({"format_version": "1.2", "resource_changes": []}));
    assert_eq!(converted.input, json!({}));
}
