//! Parse-and-check cost per document against the 30-rule policy set of `bench/policy`,
//! for growing corpora of Kubernetes manifests and Terraform files (5 manifests per
//! `.tf` file), checked in parallel as `tollgate test` does.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use tollgate_engine::check;
use tollgate_engine::input::{self, Format};
use tollgate_engine::limits::Limits;
use tollgate_engine::policy::{PolicyOptions, PolicySet};

fn deployment(i: usize) -> String {
    let privileged = i.is_multiple_of(3);
    let tag = if i.is_multiple_of(4) {
        "latest"
    } else {
        "1.25.3"
    };
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{team}
  labels:
    app: app-{i}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      securityContext:
        runAsNonRoot: {non_root}
      containers:
        - name: web
          image: registry.example.com/web:{tag}
          ports:
            - containerPort: 8080
          securityContext:
            privileged: {privileged}
            allowPrivilegeEscalation: false
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          livenessProbe:
            httpGet:
              path: /healthz
              port: 8080
        - name: sidecar
          image: busybox:{tag}
          resources:
            requests:
              cpu: 10m
              memory: 16Mi
"#,
        team = i % 7,
        replicas = 1 + i % 3,
        non_root = !i.is_multiple_of(5),
    )
}

fn terraform(i: usize) -> String {
    format!(
        r#"resource "aws_s3_bucket" "data_{i}" {{
  bucket = "data-{i}"
  acl    = "{acl}"
}}

resource "aws_security_group" "web_{i}" {{
  name = "web-{i}"
  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_db_instance" "db_{i}" {{
  engine              = "postgres"
  storage_encrypted   = {encrypted}
  publicly_accessible = false
  password            = var.db_password
}}

variable "region_{i}" {{
  type = string
}}
"#,
        acl = if i.is_multiple_of(2) {
            "private"
        } else {
            "public-read"
        },
        port = if i.is_multiple_of(3) { 22 } else { 443 },
        encrypted = !i.is_multiple_of(4),
    )
}

fn policies() -> PolicySet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/policy");
    let mut set = PolicySet::load(&[dir], &PolicyOptions::default()).expect("bench policies load");
    set.prepare().expect("bench policies compile");
    set
}

fn corpus(manifests: usize) -> Vec<(String, Format, Vec<u8>)> {
    let mut files: Vec<(String, Format, Vec<u8>)> = (0..manifests)
        .map(|i| {
            (
                format!("k8s/{i}.yaml"),
                Format::Yaml,
                deployment(i).into_bytes(),
            )
        })
        .collect();
    files.extend((0..manifests / 5).map(|i| {
        (
            format!("tf/{i}.tf"),
            Format::Hcl2,
            terraform(i).into_bytes(),
        )
    }));
    files
}

fn check_corpus(policies: &PolicySet, files: &[(String, Format, Vec<u8>)]) -> usize {
    let namespaces = policies
        .select(&["main".into()], false)
        .expect("namespace main");
    let limits = Limits::default();
    files
        .par_iter()
        .map(|(path, format, bytes)| {
            let file = input::parse(path, bytes.clone(), *format, &limits).expect("corpus parses");
            let results = check::check_file(policies, &namespaces, &file).expect("corpus checks");
            results
                .iter()
                .map(|r| r.failures.len() + r.warnings.len())
                .sum::<usize>()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let policies = policies();
    let mut group = c.benchmark_group("parse_and_check");
    group.sample_size(10);
    for manifests in [100, 1_000, 10_000] {
        let files = corpus(manifests);
        group.throughput(Throughput::Elements(files.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(files.len()),
            &files,
            |b, files| {
                b.iter(|| black_box(check_corpus(&policies, files)));
            },
        );
    }
    group.finish();

    let file = input::parse(
        "one.yaml",
        deployment(3).into_bytes(),
        Format::Yaml,
        &Limits::default(),
    )
    .expect("parses");
    let namespaces = policies
        .select(&["main".into()], false)
        .expect("namespace main");
    c.bench_function("check_one_deployment", |b| {
        b.iter(|| black_box(check::check_file(&policies, &namespaces, &file).expect("checks")));
    });
    c.bench_function("parse_one_deployment", |b| {
        let bytes = deployment(3).into_bytes();
        b.iter(|| {
            black_box(
                input::parse("one.yaml", bytes.clone(), Format::Yaml, &Limits::default())
                    .expect("parses"),
            )
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
