//! SBOMs through the public API: every real SBOM of ../shared/testdata/sbom reads and
//! validates cleanly, the three SPDX syntaxes give one normalised document, every
//! validation code fires on its own edge case with the element's line, findings map back
//! to source lines, and binding accepts the described digest only.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tollgate_engine::input::{InputKind, PathSegment, Position};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyOptions, PolicySet};
use tollgate_engine::sbom::{self, Code, Sbom, binding};

fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testdata/sbom")
        .join(relative)
}

fn load(path: &Path) -> Sbom {
    let display = path.display().to_string();
    sbom::load(&display, &Limits::default())
        .and_then(sbom::analyze)
        .unwrap_or_else(|e| panic!("{display} reads as an SBOM: {e}"))
}

fn read(text: &str) -> Sbom {
    sbom::parse("input", text.as_bytes().to_vec(), &Limits::default())
        .and_then(sbom::analyze)
        .unwrap_or_else(|e| panic!("reads as an SBOM: {e}"))
}

fn fail(text: &str) -> String {
    match sbom::parse("input", text.as_bytes().to_vec(), &Limits::default()).and_then(sbom::analyze)
    {
        Ok(s) => panic!("should be rejected, got {}", s.normalized.value),
        Err(e) => e.to_string(),
    }
}

/// `(code, line)` of every validation finding.
fn codes(sbom: &Sbom) -> Vec<(&'static str, u32)> {
    sbom.diagnostics()
        .map(|d| {
            let line = d.position.unwrap_or_else(|| sbom.file.locate(&d.path)).line;
            (d.code.id(), line)
        })
        .collect()
}

fn path(dotted: &str) -> Vec<PathSegment> {
    dotted
        .split('.')
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSegment::Index(i),
            Err(_) => PathSegment::Key(s.to_string()),
        })
        .collect()
}

/// The source line a normalised path points at.
fn line_of(sbom: &Sbom, normalized_path: &str) -> u32 {
    let source = sbom
        .normalized
        .source_path(&sbom.file.value, &path(normalized_path));
    sbom.file.locate(&source).line
}

fn all_shared_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["spdx", "cyclonedx"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(shared(dir))
                .unwrap_or_else(|e| panic!("../shared/testdata/sbom/{dir}: {e}"))
                .map(|entry| entry.expect("directory entry").path())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_shared_sbom_reads_and_validates_cleanly() {
    let files = all_shared_files();
    assert_eq!(files.len(), 24, "{files:?}");
    for file in files {
        let sbom = load(&file);
        assert!(
            codes(&sbom).is_empty(),
            "{}: {:?}",
            file.display(),
            codes(&sbom)
        );
        let value = &sbom.normalized.value;
        let packages = value["packages"].as_array().expect("packages");
        assert!(!packages.is_empty(), "{}", file.display());
        assert!(
            !value["describes"].as_array().expect("describes").is_empty(),
            "{}",
            file.display()
        );
        for package in packages {
            let id = package["id"].as_str().expect("every package has an id");
            assert!(!id.is_empty());
        }
    }
}

#[test]
fn package_counts_and_formats_of_the_shared_sboms() {
    let count = |relative: &str| {
        let sbom = load(&shared(relative));
        let value = sbom.normalized.value;
        (
            value["format"].as_str().unwrap_or_default().to_string(),
            value["spec_version"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            value["packages"].as_array().map_or(0, Vec::len),
        )
    };
    assert_eq!(
        count("cyclonedx/dropwizard-bom.json"),
        ("cyclonedx".into(), "1.2".into(), 168)
    );
    assert_eq!(
        count("cyclonedx/cbom-1.6-with-dependencies.json"),
        ("cyclonedx".into(), "1.6".into(), 4)
    );
    assert_eq!(
        count("cyclonedx/laravel-bom.1.4.json"),
        ("cyclonedx".into(), "1.4".into(), 63)
    );
    assert_eq!(
        count("spdx/example6-example6-lib.spdx"),
        ("spdx".into(), "2.2".into(), 5)
    );
    assert_eq!(
        count("spdx/SPDXTagExample-v2.3.spdx"),
        ("spdx".into(), "2.3".into(), 4)
    );
}

#[test]
fn spdx_json_yaml_and_tag_value_give_one_normalised_document() {
    let json_doc = load(&shared("spdx/SPDXJSONExample-v2.3.spdx.json"))
        .normalized
        .value;
    let yaml_doc = load(&shared("spdx/SPDXYAMLExample-2.3.spdx.yaml"))
        .normalized
        .value;
    let tag_doc = load(&shared("spdx/SPDXTagExample-v2.3.spdx"))
        .normalized
        .value;
    assert_eq!(json_doc, yaml_doc);
    for key in [
        "format",
        "spec_version",
        "name",
        "identifier",
        "created",
        "authors",
        "tools",
        "describes",
        "packages",
    ] {
        assert_eq!(json_doc[key], tag_doc[key], "{key}");
    }
    let relationships = |doc: &Value| -> Vec<Value> {
        doc["relationships"].as_array().cloned().unwrap_or_default()
    };
    let tag_relationships = relationships(&tag_doc);
    for relationship in relationships(&json_doc) {
        assert!(tag_relationships.contains(&relationship), "{relationship}");
    }
    let glibc = &json_doc["packages"][0];
    assert_eq!(glibc["supplier"], "Jane Doe (jane.doe@example.com)");
    assert_eq!(
        glibc["hashes"]["sha256"],
        "11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd"
    );
    assert_eq!(
        glibc["cpes"],
        json!(["cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*"])
    );
    assert_eq!(
        glibc["licenses"]["declared"],
        json!({"expression": "(LGPL-2.0-only AND LicenseRef-3)", "kind": "expression",
               "choices": [[{"license": "LGPL-2.0-only"}, {"license": "LicenseRef-3"}]]})
    );
    assert_eq!(
        glibc["licenses"]["concluded"]["choices"],
        json!([[{"license": "LGPL-2.0-only"}], [{"license": "LicenseRef-3"}]])
    );
    assert_eq!(
        json_doc["authors"],
        json!(["ExampleCodeInspect ()", "Jane Doe ()"])
    );
    assert_eq!(json_doc["tools"], json!(["LicenseFind-1.0"]));
    let jena = &json_doc["packages"][2];
    assert_eq!(jena["purl"], "pkg:maven/org.apache.jena/apache-jena@3.12.0");
    assert_eq!(jena["purl_base"], "pkg:maven/org.apache.jena/apache-jena");
    assert_eq!(jena["licenses"]["declared"], Value::Null);
    assert_eq!(
        json_doc["packages"][1]["licenses"]["declared"]["kind"],
        "NOASSERTION"
    );
}

#[test]
fn cyclonedx_components_flatten_with_contains_and_depends_on() {
    let sbom = read(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "metadata": {"timestamp": "2024-05-01T10:00:00Z", "authors": [{"name": "Team"}],
              "tools": {"components": [{"type": "application", "group": "acme", "name": "gen", "version": "2"}]},
              "component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1",
                "hashes": [{"alg": "SHA-256", "content": "83A33FF09648BB5FC5272BACA88CF2B59FD81AC4CC6817B86998136AF368708E"}]}},
            "components": [
              {"type": "library", "bom-ref": "outer", "name": "outer", "group": "org.acme", "publisher": "Acme",
               "licenses": [{"license": {"id": "mit"}}, {"expression": "Apache-2.0 OR GPL-2.0-only"},
                            {"license": {"name": "Custom", "acknowledgement": "concluded"}}],
               "components": [{"type": "library", "name": "inner", "cpe": "cpe:2.3:a:acme:inner:1:*:*:*:*:*:*:*"}]}
            ],
            "dependencies": [{"ref": "app", "dependsOn": ["outer"]}]}"#,
    );
    assert!(codes(&sbom).is_empty(), "{:?}", codes(&sbom));
    let value = &sbom.normalized.value;
    let ids: Vec<&str> = value["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| p["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["app", "outer", "tollgate:components/0/components/0"]);
    assert_eq!(
        value["relationships"],
        json!([{"from": "outer", "type": "CONTAINS", "to": "tollgate:components/0/components/0"},
               {"from": "app", "type": "DEPENDS_ON", "to": "outer"}])
    );
    assert_eq!(value["describes"], json!(["app"]));
    assert_eq!(value["tools"], json!(["acme gen 2"]));
    let outer = &value["packages"][1];
    assert_eq!(outer["supplier"], "Acme");
    assert_eq!(
        outer["licenses"]["declared"]["expression"],
        "mit AND (Apache-2.0 OR GPL-2.0-only)"
    );
    assert_eq!(
        outer["licenses"]["declared"]["choices"],
        json!([[{"license": "Apache-2.0"}, {"license": "MIT"}], [{"license": "GPL-2.0-only"}, {"license": "MIT"}]])
    );
    assert_eq!(
        outer["licenses"]["concluded"],
        json!({"expression": "Custom", "kind": "name", "choices": [[{"license": "Custom"}]]})
    );
    assert_eq!(
        value["packages"][2]["cpes"],
        json!(["cpe:2.3:a:acme:inner:1:*:*:*:*:*:*:*"])
    );
    assert_eq!(
        sbom.normalized.described[0].sha256.as_deref(),
        Some("83a33ff09648bb5fc5272baca88cf2b59fd81ac4cc6817b86998136af368708e")
    );
}

/// A minimal valid SPDX 2.3 JSON document with `packages` and `extra` top-level fields.
fn spdx_doc(packages: &str, extra: &str) -> String {
    format!(
        r#"{{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "doc",
  "documentNamespace": "https://example.com/doc",
  "creationInfo": {{"created": "2024-01-01T00:00:00Z", "creators": ["Tool: t"]}},
  "packages": [
{packages}
  ]{extra}
}}"#
    )
}

const PACKAGE_A: &str =
    r#"    {"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "NOASSERTION"}"#;

#[test]
fn a_minimal_document_is_clean() {
    assert!(codes(&read(&spdx_doc(PACKAGE_A, ""))).is_empty());
}

#[test]
fn sbom001_missing_required_fields() {
    let sbom = read(&spdx_doc(
        r#"    {"SPDXID": "SPDXRef-a", "downloadLocation": "x"}"#,
        "",
    ));
    assert_eq!(codes(&sbom), [("SBOM001", 9)]);
    let message = &sbom.diagnostics().next().expect("one").message;
    assert_eq!(message, "name of package SPDXRef-a is missing");
    let sbom = read(r#"{"spdxVersion": "SPDX-2.3", "packages": []}"#);
    let found: Vec<&str> = sbom.diagnostics().map(|d| d.message.as_str()).collect();
    for wanted in [
        "dataLicense is missing",
        "SPDXID of the document is missing",
        "name of the document is missing",
        "documentNamespace is missing",
        "creationInfo is missing",
    ] {
        assert!(found.contains(&wanted), "{wanted} in {found:?}");
    }
    let sbom =
        read(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "x"}]}"#);
    assert_eq!(codes(&sbom), [("SBOM001", 1)]);
}

#[test]
fn sbom002_dangling_references() {
    let extra = r#",
  "documentDescribes": ["SPDXRef-a"],
  "relationships": [
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-missing"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "DocumentRef-undeclared:SPDXRef-x"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NOASSERTION"}
  ]"#;
    let sbom = read(&spdx_doc(PACKAGE_A, extra));
    assert_eq!(codes(&sbom), [("SBOM002", 13), ("SBOM002", 14)]);
    let messages: Vec<&str> = sbom.diagnostics().map(|d| d.message.as_str()).collect();
    assert!(
        messages[0].contains("\"SPDXRef-missing\": no element of the document has this SPDXID"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("external document DocumentRef-undeclared is not declared"),
        "{messages:?}"
    );
    let sbom = read(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
            "components": [{"type": "library", "bom-ref": "a", "name": "a"}],
            "dependencies": [{"ref": "a", "dependsOn": ["b"]}, {"ref": "ghost"}]}"#,
    );
    assert_eq!(codes(&sbom), [("SBOM002", 3), ("SBOM002", 3)]);
}

#[test]
fn sbom003_duplicate_ids() {
    let sbom = read(&spdx_doc(&format!("{PACKAGE_A},\n{PACKAGE_A}"), ""));
    assert_eq!(codes(&sbom), [("SBOM003", 10)]);
    assert!(
        sbom.diagnostics()
            .any(|d| d.message
                == "SPDXID \"SPDXRef-a\" of packages[1] is already used by packages[0]")
    );
    let sbom = read(
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [\n{\"type\": \"library\", \"bom-ref\": \"x\", \"name\": \"a\"},\n{\"type\": \"library\", \"bom-ref\": \"x\", \"name\": \"b\"}]}",
    );
    assert_eq!(codes(&sbom), [("SBOM003", 3)]);
}

#[test]
fn sbom004_malformed_checksums() {
    let package = r#"    {"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "x",
     "checksums": [{"algorithm": "SHA256", "checksumValue": "abc"},
                   {"algorithm": "SHA-256", "checksumValue": "83a33ff09648bb5fc5272baca88cf2b59fd81ac4cc6817b86998136af368708e"},
                   {"algorithm": "MD5", "checksumValue": "zz4c1abb3664f4b35547e7c73864ad24"},
                   {"algorithm": "SHA1"}]}"#;
    let sbom = read(&spdx_doc(package, ""));
    assert_eq!(
        codes(&sbom),
        [
            ("SBOM004", 10),
            ("SBOM004", 11),
            ("SBOM004", 12),
            ("SBOM004", 13)
        ]
    );
    let messages: Vec<&str> = sbom.diagnostics().map(|d| d.message.as_str()).collect();
    assert!(
        messages[0].ends_with("SHA256 checksum has 3 hex digits, expected 64"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("unknown checksum algorithm \"SHA-256\""),
        "{messages:?}"
    );
    assert!(messages[2].contains("is not hexadecimal"), "{messages:?}");
    assert!(
        messages[3].contains("needs both algorithm and checksumValue"),
        "{messages:?}"
    );
    assert_eq!(sbom.normalized.value["packages"][0]["hashes"], json!({}));
}

#[test]
fn sbom005_and_sbom006_license_expressions_and_refs() {
    let package = r#"    {"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "x",
     "licenseDeclared": "MIT AND",
     "licenseConcluded": "MIT OR LicenseRef-undefined",
     "licenseInfoFromFiles": ["Nope-1.0"]}"#;
    let sbom = read(&spdx_doc(package, ""));
    assert_eq!(
        codes(&sbom),
        [("SBOM005", 10), ("SBOM006", 11), ("SBOM005", 12)]
    );
    let declared = &sbom.normalized.value["packages"][0]["licenses"]["declared"];
    assert_eq!(declared["kind"], "invalid");
    assert_eq!(declared["choices"], json!([]));
    let defined = spdx_doc(
        r#"    {"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "x", "licenseConcluded": "LicenseRef-x"}"#,
        r#", "hasExtractedLicensingInfos": [{"licenseId": "LicenseRef-x", "extractedText": "t"}]"#,
    );
    assert!(codes(&read(&defined)).is_empty());
    let sbom = read(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "name": "a", "licenses": [{"license": {"id": "Not-A-License"}}, {"expression": "(MIT"}]}]}"#,
    );
    assert_eq!(
        codes(&sbom).iter().map(|c| c.0).collect::<Vec<_>>(),
        ["SBOM005", "SBOM005"]
    );
}

#[test]
fn sbom007_malformed_purls() {
    let package = r#"    {"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "x",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "npm/lodash@1"}]}"#;
    let sbom = read(&spdx_doc(package, ""));
    assert_eq!(codes(&sbom), [("SBOM007", 10)]);
    assert_eq!(sbom.normalized.value["packages"][0]["purl"], Value::Null);
    let sbom = read(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "name": "a", "purl": "pkg:"}]}"#,
    );
    assert_eq!(
        codes(&sbom).iter().map(|c| c.0).collect::<Vec<_>>(),
        ["SBOM007"]
    );
}

#[test]
fn sbom008_values_the_specification_does_not_allow() {
    let text = spdx_doc(
        r#"    {"SPDXID": "SPDXRef-a b", "name": "a", "downloadLocation": "x"}"#,
        r#", "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "LIKES", "relatedSpdxElement": "SPDXRef-DOCUMENT"}]"#,
    )
    .replace("SPDX-2.3", "SPDX-2.1")
    .replace("2024-01-01T00:00:00Z", "yesterday")
    .replace("Tool: t", "t");
    let sbom = read(&text);
    let found: Vec<(&str, u32)> = codes(&sbom);
    for wanted in [
        ("SBOM008", 2),
        ("SBOM008", 7),
        ("SBOM008", 9),
        ("SBOM008", 10),
    ] {
        assert!(found.contains(&wanted), "{wanted:?} in {found:?}");
    }
    assert!(
        sbom.diagnostics()
            .any(|d| d.message.contains("relationshipType \"LIKES\""))
    );
    let sbom = read(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.1", "serialNumber": "urn:uuid:nope"}"#,
    );
    assert_eq!(
        codes(&sbom).iter().map(|c| c.0).collect::<Vec<_>>(),
        ["SBOM008", "SBOM008"]
    );
}

#[test]
fn sbom009_unknown_tags_and_tag_value_lines() {
    let text = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: d\n\
                DocumentNamespace: https://e.com/d\nCreator: Tool: t\nCreated: 2024-01-01T00:00:00Z\n\n\
                PackageName: a\nSPDXID: SPDXRef-a\nPackageDownloadLocation: NOASSERTION\nPackageFlavour: sweet\n\
                PackageLicenseDeclared: GPL-2.0+\n";
    let sbom = read(text);
    assert_eq!(codes(&sbom), [("SBOM009", 12)]);
    assert_eq!(
        sbom.normalized.value["packages"][0]["licenses"]["declared"]["choices"],
        json!([[{"license": "GPL-2.0-or-later"}]])
    );
    assert_eq!(line_of(&sbom, "packages.0.licenses.declared"), 13);
    assert_eq!(line_of(&sbom, "packages.0"), 9);
}

#[test]
fn unreadable_documents_are_errors_with_their_line() {
    let error =
        fail("{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"packages\": [\n    {\"name\": 5}\n  ]\n}");
    assert!(error.starts_with("input:4:"), "{error}");
    assert!(
        error.contains("invalid type: integer `5`, expected a string"),
        "{error}"
    );
    let error = fail("{\"kind\": \"Pod\"}");
    assert!(error.contains("not an SBOM"), "{error}");
    let error = fail("SPDXVersion: SPDX-2.3\nPackageVersion: 1\n");
    assert!(
        error.starts_with(
            "input:2:1: invalid SPDX tag-value: PackageVersion must follow a PackageName line"
        ),
        "{error}"
    );
    assert!(
        fail("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>")
            .contains("XML SBOMs are not supported")
    );
    assert!(fail("").contains("empty"));
    assert!(fail("{\"spdxVersion\": ").contains("invalid JSON"));
    assert!(fail("[1, 2]").contains("exactly one JSON document"));
    let nested = format!(
        "{{\"bomFormat\": \"CycloneDX\", \"x\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(fail(&nested).contains("--max-depth"));
    let bytes = vec![b'{'; 100];
    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.json");
    std::fs::write(&big, bytes).expect("write");
    let error = sbom::load(&big.display().to_string(), &limits).expect_err("too big");
    assert!(error.to_string().contains("--max-file-size"), "{error}");
}

#[test]
fn normalised_paths_map_to_source_lines() {
    let sbom = load(&shared("spdx/SPDXJSONExample-v2.3.spdx.json"));
    let text =
        std::fs::read_to_string(shared("spdx/SPDXJSONExample-v2.3.spdx.json")).expect("readable");
    let line_containing = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u32 + 1)
            .expect(needle)
    };
    assert_eq!(
        line_of(&sbom, "packages.0.licenses.concluded"),
        line_containing("\"licenseConcluded\" : \"(LGPL-2.0-only OR LicenseRef-3)\"")
    );
    assert_eq!(
        line_of(&sbom, "packages.0.version"),
        line_containing("\"versionInfo\" : \"2.11.1\"")
    );
    assert_eq!(
        line_of(&sbom, "packages.2.purl"),
        line_containing("\"referenceCategory\" : \"PACKAGE-MANAGER\"") - 1
    );
    assert_eq!(
        line_of(&sbom, "packages.0.cpes.0"),
        line_containing("\"referenceCategory\" : \"SECURITY\"") - 1
    );
    assert_eq!(
        line_of(&sbom, "created"),
        line_containing("\"created\" : \"2010-01-29T18:30:22Z\"")
    );
    assert_eq!(
        line_of(&sbom, "relationships.0"),
        line_containing("\"documentDescribes\"")
    );
    assert_eq!(
        line_of(&sbom, "packages.3"),
        line_containing("\"SPDXID\" : \"SPDXRef-Saxon\"") - 1
    );
    let bom = load(&shared("cyclonedx/dropwizard-bom.json"));
    let text = std::fs::read_to_string(shared("cyclonedx/dropwizard-bom.json")).expect("readable");
    let purl_line = text
        .lines()
        .position(|l| l.contains("\"purl\"") && l.contains("jackson-annotations"))
        .expect("purl") as u32
        + 1;
    let index = bom.normalized.value["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .position(|p| p["name"] == "jackson-annotations")
        .expect("package");
    assert_eq!(line_of(&bom, &format!("packages.{index}.purl")), purl_line);
}

#[test]
fn binding_accepts_only_a_described_digest() {
    let sbom = load(&shared("spdx/SPDXJSONExample-v2.3.spdx.json"));
    let glibc = "11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd";
    assert_eq!(binding::verify(&sbom, glibc), Ok(()));
    let other = "83a33ff09648bb5fc5272baca88cf2b59fd81ac4cc6817b86998136af368708e";
    let error = binding::verify(&sbom, other).expect_err("not described");
    assert!(
        error
            .message
            .contains(&format!("does not describe the subject sha256:{other}")),
        "{}",
        error.message
    );
    assert!(
        error
            .message
            .contains(&format!("SPDXRef-Package has sha256:{glibc}")),
        "{}",
        error.message
    );
    assert!(error.position.is_some_and(|p| p.line > 1));
    // A package of the document that is not described does not bind it.
    let saxon_only = load(&shared("spdx/example6-example6-lib.spdx"));
    let compiler = "4448b9e62b3c364a073808e22643985d9f49c4ad44aa11d8e4a17c49600a7c3a";
    assert!(binding::verify(&saxon_only, compiler).is_err());
    let hello = load(&shared("spdx/example1-example1.spdx"));
    let error = binding::verify(&hello, other).expect_err("no sha256 recorded");
    assert!(
        error
            .message
            .contains("no described element records a sha256 (SPDXRef-Package-hello)"),
        "{}",
        error.message
    );
    let none = read(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}"#);
    assert!(
        binding::verify(&none, other)
            .expect_err("nothing described")
            .message
            .contains("names no described element")
    );
}

#[test]
fn validation_codes_are_stable() {
    let ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
    assert_eq!(
        ids,
        [
            "SBOM001", "SBOM002", "SBOM003", "SBOM004", "SBOM005", "SBOM006", "SBOM007", "SBOM008",
            "SBOM009"
        ]
    );
    assert!(
        Code::ALL
            .iter()
            .all(|c| !c.title().is_empty() && !c.remediation().is_empty())
    );
    assert_eq!(
        Position::new(1, 1),
        read(&spdx_doc(PACKAGE_A, "")).file.locate(&[])
    );
}

/// The four bundled SBOM policies (read from the source tree) with `data`.
fn bundled_sbom_policies(data: Value) -> (PolicySet, Vec<Namespace>) {
    let rego = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/rego");
    let mut set = PolicySet::load(
        &[rego.join("sbom"), rego.join("lib/sbom.rego")],
        &PolicyOptions::default(),
    )
    .expect("bundled SBOM policies load");
    set.add_data_value(data).expect("data merges");
    let namespaces: Vec<Namespace> = set
        .namespaces
        .iter()
        .filter(|n| n.input == Some(InputKind::Sbom))
        .cloned()
        .collect();
    set.prepare_for(&namespaces).expect("policies compile");
    (set, namespaces)
}

/// `(namespace, message, line, column)` of every policy finding, sorted.
fn policy_findings(
    policies: &PolicySet,
    namespaces: &[Namespace],
    sbom: &Sbom,
) -> Vec<(String, String, u32, u32)> {
    let results = sbom::check::check_sbom(policies, namespaces, sbom, &Default::default())
        .expect("evaluates");
    let mut findings: Vec<(String, String, u32, u32)> = results
        .iter()
        .filter(|r| r.namespace != sbom::check::VALIDATION_NAMESPACE)
        .flat_map(|r| {
            r.failures.iter().chain(&r.warnings).map(|f| {
                let at = f.location.position;
                (r.namespace.clone(), f.message.clone(), at.line, at.column)
            })
        })
        .collect();
    findings.sort();
    findings
}

/// A CycloneDX SBOM of `n` components that vary in everything the policies read:
/// scoped and upper-case package URLs, versions only in the package URL or none, missing
/// suppliers and names, CPEs instead of package URLs, free-text and invalid licenses,
/// components in no dependency.
fn varied_cyclonedx(n: usize) -> String {
    let licenses = [
        json!([{"expression": "MIT OR GPL-3.0-only"}]),
        json!([{"expression": "AGPL-3.0-only AND MIT"}]),
        json!([{"license": {"id": "Apache-2.0"}}]),
        json!([{"license": {"name": "Some License"}}]),
        json!([{"expression": "GPL-2.0-only WITH Classpath-exception-2.0"}]),
        json!([{"license": {"id": "GPL-3.0-or-later"}}]),
        json!([]),
    ];
    let components: Vec<Value> = (0..n)
        .map(|i| {
            let name = format!("lib-{}", i % 40);
            let version = format!("{}.{}.{}", i % 3, i % 12, i % 5);
            let purl = match i % 6 {
                0 => format!("pkg:npm/%40scope/{name}@{version}"),
                1 => format!("pkg:NPM/{}@{version}", name.to_uppercase()),
                2 => format!("pkg:maven/org.example/{name}@v{version}?type=jar"),
                3 => format!("pkg:npm/{name}@{version}-beta.{}", i % 4),
                4 => format!("pkg:pypi/{name}@{}.{}", i % 4, i % 11),
                _ => format!("pkg:golang/example.com/{name}"),
            };
            let mut component = json!({
                "type": "library",
                "bom-ref": format!("c{i}"),
                "licenses": licenses[i % licenses.len()],
            });
            if i % 9 != 0 {
                component["name"] = json!(name);
            }
            if i % 5 != 0 {
                component["version"] = json!(version);
            }
            if i % 8 == 0 {
                component["cpe"] =
                    json!(format!("cpe:2.3:a:example:{name}:{version}:*:*:*:*:*:*:*"));
            } else {
                component["purl"] = json!(purl);
            }
            if i % 4 != 0 {
                component["supplier"] = json!({"name": "Example"});
            }
            if i % 10 == 0 {
                component["group"] = json!("org.example");
            }
            component
        })
        .collect();
    // Every 7th component is in no dependency, the others depend on their neighbour.
    let dependencies: Vec<Value> = (0..n.saturating_sub(1))
        .filter(|i| i % 7 != 0 && i % 7 != 6)
        .map(|i| json!({"ref": format!("c{i}"), "dependsOn": [format!("c{}", i + 1)]}))
        .collect();
    serde_json::to_string_pretty(&json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"timestamp": "2024-05-01T10:00:00Z", "authors": [{"name": "Team"}]},
        "components": components,
        "dependencies": dependencies,
    }))
    .expect("JSON values serialize")
}

/// License and package deny lists of every form: exact, versioned, wildcard and ranged
/// entries, for SBOMs from [`varied_cyclonedx`] and the real ones.
fn varied_deny_lists() -> Value {
    json!({"tollgate": {"sbom": {
        "denied_licenses": ["AGPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.0-only", "MIT",
                            "GPL-2.0-only WITH Classpath-exception-2.0", "Some License"],
        "denied_packages": [
            "pkg:maven/org.apache.jena/apache-jena@3.12.0",
            "PKG:NPM/LIB-3",
            "pkg:npm/@scope/lib-1*",
            {"purl": "pkg:npm/lib-*", "versions": ">=1.0.0, <2.5", "reason": "range"},
            {"purl": "pkg:maven/org.example/*", "versions": "!=1.4.4, <=2.11"},
            {"purl": "pkg:pypi/lib-2?", "versions": ">1.3"},
            {"purl": "pkg:golang/*", "versions": "*"},
            {"purl": "pkg:composer/*", "versions": "<3"},
            {"purl": "pkg:npm/%40scope/lib-20@1.8.0", "versions": "=1.8.0"},
        ],
    }}})
}

/// The index only narrows which packages the policies visit: every real SBOM, our own
/// fixtures and a varied generated one give the same findings with and without it, under
/// deny lists of exact, versioned, wildcard and ranged entries.
#[test]
fn policies_give_the_same_findings_with_and_without_the_index() {
    let (policies, namespaces) = bundled_sbom_policies(varied_deny_lists());
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = dir.path().join("varied.cdx.json");
    std::fs::write(&generated, varied_cyclonedx(240)).expect("writes");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/sbom");
    let mut files = all_shared_files();
    files.push(own.join("denied.spdx.json"));
    files.push(own.join("clean.cdx.json"));
    files.push(generated);
    let mut total = 0;
    for file in &files {
        let indexed = load(file);
        let mut bare = load(file);
        assert!(
            indexed.normalized.value["index"].is_object(),
            "{}",
            file.display()
        );
        if let Value::Object(fields) = &mut bare.normalized.value {
            fields.remove("index");
        }
        let with_index = policy_findings(&policies, &namespaces, &indexed);
        let without = policy_findings(&policies, &namespaces, &bare);
        assert_eq!(with_index, without, "{}", file.display());
        total += with_index.len();
    }
    let generated = policy_findings(&policies, &namespaces, &load(&files[files.len() - 1]));
    for namespace in [
        "ntia_minimum",
        "license_denied",
        "package_denied",
        "license_unknown",
    ] {
        assert!(
            generated
                .iter()
                .any(|f| f.0 == format!("tollgate.sbom.{namespace}")),
            "the generated SBOM exercises {namespace}"
        );
    }
    assert!(total > 300, "{total} findings");
}

/// Found by the sbom fuzz target: the column of invalid UTF-8 counted bytes, so a line
/// with a multi-byte character before it pointed past its end.
#[test]
fn invalid_utf8_is_located_in_characters() {
    let mut bytes = b"SPDXVersion: SPDX-2.3\nPackageName: caf\xc3\xa9 ".to_vec();
    bytes.extend(b"\xc6\n");
    let error = sbom::parse("input", bytes, &Limits::default()).expect_err("not text");
    assert_eq!(error.error.message, "invalid UTF-8: the file is not text");
    assert_eq!(error.error.position, Some(Position::new(2, 19)));
}

/// A large SBOM runs its policies side by side, one task each, over one shared input:
/// the same results, successes and lines as one evaluation of them all together.
#[test]
fn a_large_sbom_checked_in_parallel_gives_the_sequential_results() {
    let (policies, namespaces) = bundled_sbom_policies(json!({"tollgate": {"sbom": {
        "denied_licenses": ["AGPL-3.0-only", "GPL-3.0-or-later"],
        "denied_packages": [{"purl": "pkg:npm/lib-*", "versions": ">=1.0.0, <2.5"}],
    }}}));
    let sbom = read(&varied_cyclonedx(1_500));
    // Components normalised in parallel keep their diagnostics in document order.
    let lines: Vec<u32> = codes(&sbom).iter().map(|(_, line)| *line).collect();
    assert!(lines.len() > 100 && lines.is_sorted(), "{lines:?}");
    let parallel = sbom::check::check_sbom(&policies, &namespaces, &sbom, &Default::default())
        .expect("evaluates");
    let subject = sbom::check::SbomSubject { sbom: &sbom };
    let sequential = tollgate_engine::check::check_input(
        &policies,
        &namespaces,
        &sbom.normalized.value,
        &subject,
        &sbom.file.path,
    )
    .expect("evaluates");
    assert_eq!(parallel[1..], sequential[..]);
    let freed = sbom::check::check_sbom_and_free(
        &policies,
        &namespaces,
        read(&varied_cyclonedx(1_500)),
        &Default::default(),
    )
    .expect("evaluates");
    assert_eq!(freed, parallel);
    let failures: usize = sequential.iter().map(|r| r.failures.len()).sum();
    assert!(failures > 1_000, "{failures} failures");
    assert!(
        sequential
            .iter()
            .all(|r| r.failures.iter().all(|f| f.location.position.line > 1))
    );
}

/// Two SBOM policies run on regorus's VM (`PolicySet::compile_rules`): on every real
/// SBOM, our fixtures (with and without their index) and a large varied one, each policy
/// on the VM reports what it reports on the interpreter.
#[test]
fn sbom_policies_on_the_vm_report_what_the_interpreter_reports() {
    let (interpreted, namespaces) = bundled_sbom_policies(varied_deny_lists());
    let (mut compiled, _) = bundled_sbom_policies(varied_deny_lists());
    compiled.compile_rules(|_| true).expect("compiles");
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = dir.path().join("varied.cdx.json");
    std::fs::write(&generated, varied_cyclonedx(1_500)).expect("writes");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/sbom");
    let mut files = all_shared_files();
    files.extend([
        own.join("denied.spdx.json"),
        own.join("clean.cdx.json"),
        generated,
    ]);
    let mut findings: std::collections::BTreeMap<&str, usize> = Default::default();
    for file in &files {
        let indexed = load(file);
        let mut bare = load(file);
        if let Value::Object(fields) = &mut bare.normalized.value {
            fields.remove("index");
        }
        // Without the index the policies are quadratic in the packages (their unit tests'
        // inputs are small).
        let inputs = if indexed.normalized.package_count() < 1_000 {
            vec![&indexed, &bare]
        } else {
            vec![&indexed]
        };
        for sbom in inputs {
            let subject = sbom::check::SbomSubject { sbom };
            for namespace in &namespaces {
                let check = |policies: &PolicySet| {
                    tollgate_engine::check::check_input(
                        policies,
                        std::slice::from_ref(namespace),
                        &sbom.normalized.value,
                        &subject,
                        &sbom.file.path,
                    )
                    .expect("evaluates")
                };
                let expected = check(&interpreted);
                assert_eq!(
                    check(&compiled),
                    expected,
                    "{} {}",
                    file.display(),
                    namespace.name
                );
                *findings.entry(namespace.name.as_str()).or_default() += expected
                    .iter()
                    .map(|r| r.failures.len() + r.warnings.len())
                    .sum::<usize>();
            }
        }
    }
    assert_eq!(findings.len(), 4, "{findings:?}");
    assert!(findings.values().all(|&n| n >= 50), "{findings:?}");
    assert_eq!(interpreted.compiled_rule_count(), 0);
    assert_eq!(
        compiled.compiled_rule_count(),
        3,
        "ntia-minimum, license-unknown and package-denied"
    );
    let large = load(&files[files.len() - 1]);
    assert_eq!(
        policy_findings(&compiled, &namespaces, &large),
        policy_findings(&interpreted, &namespaces, &large)
    );
}

/// SPDX packages normalise on several cores: a large document reports each package's
/// findings on its own line, in document order, after those of the document itself.
#[test]
fn spdx_packages_normalised_in_parallel_keep_their_findings_in_order() {
    let packages: Vec<String> = (0..2_000)
        .map(|i| match i % 5 {
            0 => format!(r#"    {{"SPDXID": "SPDXRef-p{i}", "downloadLocation": "x"}}"#),
            1 => format!(
                r#"    {{"SPDXID": "SPDXRef-p{i}", "name": "p{i}", "downloadLocation": "x", "licenseDeclared": "MIT AND"}}"#
            ),
            _ => format!(r#"    {{"SPDXID": "SPDXRef-p{i}", "name": "p{i}", "downloadLocation": "x"}}"#),
        })
        .collect();
    let sbom = read(&spdx_doc(&packages.join(",\n"), ""));
    let found = codes(&sbom);
    assert_eq!(found.len(), 800, "{:?}", &found[..5]);
    // The document's lines precede the packages (line 9 on), one package per line.
    let expected: Vec<(&str, u32)> = (0..2_000u32)
        .filter(|i| i % 5 < 2)
        .map(|i| (if i % 5 == 0 { "SBOM001" } else { "SBOM005" }, 9 + i))
        .collect();
    assert_eq!(found, expected);
}
