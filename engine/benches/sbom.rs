//! `tollgate sbom check` on one generated 10,000-package SBOM, in process: parse,
//! validate, normalise, and the four bundled SBOM policies (with a deny list of packages),
//! for CycloneDX and SPDX JSON; plus parse-and-normalise alone. As in `tollgate sbom
//! check`, the SBOM is freed on the thread pool once its results are out. With the
//! allocator the `tollgate` binary uses (mimalloc), as the time is what `tollgate sbom
//! check` takes.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use tollgate_engine::input::InputKind;
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{Namespace, PolicyOptions, PolicySet};
use tollgate_engine::sbom::{self, check};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PACKAGES: usize = 10_000;

/// Package `i`: mostly complete; every 10th AGPL (denied), every 7th dual-licensed,
/// every 13th without a license, every 11th without a supplier.
fn license(i: usize) -> Option<&'static str> {
    if i.is_multiple_of(13) {
        None
    } else if i.is_multiple_of(10) {
        Some("AGPL-3.0-only")
    } else if i.is_multiple_of(7) {
        Some("MIT OR GPL-3.0-only")
    } else {
        Some("Apache-2.0")
    }
}

fn version(i: usize) -> String {
    format!("1.{}.{}", i % 20, i % 3)
}

fn cyclonedx(n: usize) -> Vec<u8> {
    let components: Vec<Value> = (0..n)
        .map(|i| {
            let mut component = json!({
                "type": "library",
                "bom-ref": format!("pkg-{i}"),
                "name": format!("pkg-{i}"),
                "version": version(i),
                "purl": format!("pkg:npm/pkg-{i}@{}", version(i)),
                "hashes": [{"alg": "SHA-256", "content": format!("{i:064x}")}],
            });
            if !i.is_multiple_of(11) {
                component["supplier"] = json!({"name": format!("Supplier {}", i % 50)});
            }
            if let Some(license) = license(i) {
                component["licenses"] = json!([{"expression": license}]);
            }
            component
        })
        .collect();
    let dependencies: Vec<Value> = std::iter::once(json!({"ref": "app", "dependsOn": ["pkg-0"]}))
        .chain((0..n).map(|i| {
            let next: Vec<String> = (i + 1..n.min(i + 3)).map(|j| format!("pkg-{j}")).collect();
            json!({"ref": format!("pkg-{i}"), "dependsOn": next})
        }))
        .collect();
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2024-05-01T10:00:00Z",
            "tools": {"components": [{"type": "application", "name": "generator", "version": "1.0"}]},
            "component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1.0.0",
                          "supplier": {"name": "Acme"}, "purl": "pkg:generic/acme/app@1.0.0"},
        },
        "components": components,
        "dependencies": dependencies,
    });
    serde_json::to_vec_pretty(&bom).expect("JSON values serialize")
}

fn spdx(n: usize) -> Vec<u8> {
    let packages: Vec<Value> = (0..n)
        .map(|i| {
            let mut package = json!({
                "SPDXID": format!("SPDXRef-pkg-{i}"),
                "name": format!("pkg-{i}"),
                "versionInfo": version(i),
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false,
                "checksums": [{"algorithm": "SHA256", "checksumValue": format!("{i:064x}")}],
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                  "referenceLocator": format!("pkg:npm/pkg-{i}@{}", version(i))}],
                "licenseDeclared": license(i).unwrap_or("NOASSERTION"),
            });
            if !i.is_multiple_of(11) {
                package["supplier"] = json!(format!("Organization: Supplier {}", i % 50));
            }
            package
        })
        .collect();
    let relationships: Vec<Value> = std::iter::once(
        json!({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-pkg-0"}),
    )
    .chain((1..n).map(|i| {
        json!({"spdxElementId": format!("SPDXRef-pkg-{}", i - 1), "relationshipType": "DEPENDS_ON",
               "relatedSpdxElement": format!("SPDXRef-pkg-{i}")})
    }))
    .collect();
    let document = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "app",
        "documentNamespace": "https://example.com/app-1.0.0",
        "creationInfo": {"created": "2024-05-01T10:00:00Z", "creators": ["Tool: generator-1.0", "Organization: Acme"]},
        "packages": packages,
        "relationships": relationships,
    });
    serde_json::to_vec_pretty(&document).expect("JSON values serialize")
}

fn policies() -> (PolicySet, Vec<Namespace>) {
    let rego = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policies/rego");
    let mut set = PolicySet::load(
        &[rego.join("sbom"), rego.join("lib/sbom.rego")],
        &PolicyOptions::default(),
    )
    .expect("bundled SBOM policies load");
    set.add_data_value(json!({"tollgate": {"sbom": {"denied_packages": [
        {"purl": "pkg:npm/pkg-1*", "versions": ">=1.2.0, <1.5", "reason": "bench"},
        "pkg:npm/pkg-42@1.2.0",
        {"purl": "pkg:maven/org.example/*"},
    ]}}}))
    .expect("data merges");
    let namespaces: Vec<Namespace> = set
        .namespaces
        .iter()
        .filter(|n| n.input == Some(InputKind::Sbom))
        .cloned()
        .collect();
    set.prepare_for(&namespaces).expect("policies compile");
    // As `tollgate sbom check` prepares the bundled policies.
    set.compile_rules(|_| true).expect("policies compile");
    (set, namespaces)
}

/// Parse, validate, normalise and evaluate; the number of findings.
fn check(policies: &PolicySet, namespaces: &[Namespace], bytes: &[u8]) -> usize {
    let file = sbom::parse("bench.json", bytes.to_vec(), &Limits::default()).expect("parses");
    let analyzed = sbom::analyze(file).expect("an SBOM");
    check::check_sbom_and_free(policies, namespaces, analyzed, &Default::default())
        .expect("evaluates")
        .iter()
        .map(|r| r.failures.len() + r.warnings.len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let (policies, namespaces) = policies();
    let mut group = c.benchmark_group("sbom_check");
    group.sample_size(20);
    group.throughput(Throughput::Elements(PACKAGES as u64));
    for (name, bytes) in [("cyclonedx", cyclonedx(PACKAGES)), ("spdx", spdx(PACKAGES))] {
        let findings = check(&policies, &namespaces, &bytes);
        assert!(findings > PACKAGES / 10, "{name}: {findings} findings");
        group.bench_with_input(BenchmarkId::new(name, PACKAGES), &bytes, |b, bytes| {
            b.iter(|| black_box(check(&policies, &namespaces, bytes)));
        });
        group.bench_with_input(
            BenchmarkId::new(format!("{name}_parse_normalize"), PACKAGES),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    let file = sbom::parse("bench.json", bytes.clone(), &Limits::default())
                        .expect("parses");
                    black_box(sbom::analyze(file).expect("an SBOM"))
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
