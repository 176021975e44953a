#!/usr/bin/env python3
"""Writes the hostile inputs into a directory, and `cases.tsv` beside them: what each
case runs and what it must give.

Nothing here is committed as data: every input is generated (the 200 MB file is sparse).
Usage: gen.py OUT_DIR [--shared ../shared/testdata]

cases.tsv columns, tab-separated:
  name, status (run or pending: why), expected exit code, text the error must contain
  (- for none), most seconds of wall time, most MiB of peak RSS, then the tollgate
  arguments (<FILE: standard input from FILE).

The ceilings are generous on purpose (the machine may be shared): they catch a limit
that does not hold (a hang, an expansion, a file read whole), not a slowdown.
"""

import argparse
import base64
import json
import os
import sys

MIB = 1024 * 1024

# A policy that reads `input.bad`: every case that parses at all has something to check.
POLICY = 'package main\nimport rego.v1\ndeny contains "bad" if input.bad\n'

# 10^5 x 10^5 iterations: far beyond any timeout.
LOOP_POLICY = """package main
import rego.v1
deny contains msg if {
  n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])
  msg := sprintf("%d", [n])
}
"""


class Cases:
    def __init__(self, out):
        self.out = out
        self.rows = []

    def write(self, name, data):
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(os.path.join(self.out, name), mode) as f:
            f.write(data)
        return name

    def add(self, name, args, exit_code, error, seconds, mib, status="run", command=("test", "--no-color")):
        # "-" stands for "no error text": a tab-separated reader collapses empty fields.
        self.rows.append((name, status, str(exit_code), error or "-", str(seconds), str(mib), *command, *args))

    def save(self):
        with open(os.path.join(self.out, "cases.tsv"), "w") as f:
            for row in self.rows:
                assert all("\t" not in cell and "\n" not in cell for cell in row), row
                f.write("\t".join(row) + "\n")


def alias_bomb():
    """The billion laughs: ten levels of ten aliases each, 10^10 values expanded."""
    text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 10):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
    return text


def merge_bomb():
    """The same growth through merge keys, which copy mappings instead of sequences."""
    text = "m0: &m0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n"
    for i in range(1, 10):
        items = ", ".join(f"x{j}: {{<<: *m{i-1}}}" for j in range(10))
        text += f"m{i}: &m{i} {{{items}}}\n"
    return text


def big_yaml(size, documents=10_000):
    """Valid ConfigMaps filling `size` bytes within every default limit: 10,000
    documents of 20 long values each (about 510,000 values)."""
    value_length = max(1, size // documents // 20 - 16)
    parts = []
    for i in range(documents):
        data = "".join(f"  key{k:02}: {chr(97 + (i + k) % 26) * value_length}\n" for k in range(20))
        parts.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n{data}---\n")
    return "".join(parts)


def admission_review(shared, size):
    """A real apiserver AdmissionReview, its object padded with annotations to `size`."""
    path = os.path.join(shared, "admission/real-apiserver/create-pod.json")
    with open(path) as f:
        review = json.load(f)
    annotations = review["request"]["object"]["metadata"].setdefault("annotations", {})
    i = 0
    while len(json.dumps(review)) < size:
        for _ in range(1000):
            annotations[f"example.com/pad-{i}"] = "x" * 1000
            i += 1
    return json.dumps(review)


def cert_chain_bundle(shared, size):
    """A real Sigstore bundle whose certificate chain repeats its certificate to `size`."""
    path = os.path.join(shared, "sigstore-conformance/bundle-verify/happy-path-v0.1/bundle.sigstore.json")
    with open(path) as f:
        bundle = json.load(f)
    material = bundle["verificationMaterial"]
    chain = material.get("x509CertificateChain", {}).get("certificates") or [material["certificate"]]
    cert = chain[0]
    certificates = []
    while len(json.dumps(certificates)) < size:
        certificates.append(cert)
    material.pop("certificate", None)
    material["x509CertificateChain"] = {"certificates": certificates}
    return json.dumps(bundle)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared/testdata"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cases = Cases(args.out)
    cases.write("policy.rego", POLICY)
    cases.write("loop.rego", LOOP_POLICY)
    cases.write("small.yaml", "a: 1\n")
    p = ["-p", "policy.rego"]

    cases.add("YAML alias bomb (10^10 values)", p + [cases.write("alias-bomb.yaml", alias_bomb())],
              1, "exceeds the limit of 1000000 (raise it with --max-nodes)", 15, 300)
    cases.add("YAML merge-key bomb (10^10 values)", p + [cases.write("merge-bomb.yaml", merge_bomb())],
              1, "exceeds the limit of 1000000 (raise it with --max-nodes)", 15, 300)

    depth = 10_000
    nested = {
        "nested-flow.yaml": "[" * depth + "]" * depth,
        "nested-block.yaml": "- " * depth + "x\n",
        "nested.json": "[" * depth + "]" * depth,
        "nested-object.json": '{"a":' * depth + "1" + "}" * depth,
        "nested.tf": "x = " + "[" * depth + "]" * depth + "\n",
        "nested.toml": "x = " + "[" * depth + "]" * depth + "\n",
    }
    for name, text in nested.items():
        # toml's parser has its own, lower recursion limit, met first.
        error = "nested.toml:1:85: invalid TOML: cannot recurse further" if name.endswith(".toml") \
            else "exceeds the limit of 128 (raise it with --max-depth)"
        cases.add(f"10,000-level nesting, {name}", p + [cases.write(name, text)], 1, error, 5, 50)
    cases.add("10,000-level nesting, --max-depth 512 (the ceiling)",
              p + ["--max-depth", "512", "nested-block.yaml"],
              1, "exceeds the limit of 512 (raise it with --max-depth)", 5, 50)
    cases.add("--max-depth above the ceiling", p + ["--max-depth", "100000", "small.yaml"],
              2, "100000 is not in 1..=512", 5, 50)
    cases.add("500-level nesting (within a raised --max-depth)",
              p + ["--max-depth", "512", cases.write("nested-500.yaml", "- " * 500 + "x\n")],
              0, "", 5, 50)

    with open(os.path.join(args.out, "huge-200mb.yaml"), "wb") as f:
        f.truncate(200 * MIB)
    cases.add("200 MB file", p + ["huge-200mb.yaml"],
              1, "exceeds the limit of 67108864 bytes (raise it with --max-file-size)", 5, 50)
    cases.add("200 MB on standard input", p + ["<huge-200mb.yaml", "-"],
              1, "-: file size 67108865 bytes exceeds the limit of 67108864 bytes", 15, 200)
    cases.add("60 MB of valid YAML, 10,000 documents (within every limit)",
              p + [cases.write("large-60mb.yaml", big_yaml(60 * MIB))],
              0, "", 60, 1024)

    cases.add("invalid UTF-8", p + [cases.write("invalid-utf8.yaml", b"name: caf\xe9\n")],
              1, "invalid-utf8.yaml:1:10: invalid UTF-8", 5, 50)
    # YAML's scanner would stop at a NUL, JSON and TOML forbid it: errors. HCL, INI and
    # Dockerfiles keep it inside the value (cli/tests/hostile.rs checks nothing is cut).
    for name, data, exit_code in [("nul.yaml", b"a: x\x00y\n", 1), ("nul.json", b'{"a": "x\x00y"}', 1),
                                  ("nul.toml", b'a = "x\x00y"\n', 1), ("nul.tf", b'a = "x\x00y"\n', 0),
                                  ("nul.ini", b"[s]\na = x\x00y\n", 0), ("Dockerfile.nul", b"FROM a\x00b\n", 0)]:
        cases.add(f"NUL byte, {name}", p + [cases.write(name, data)], exit_code,
                  f"{name}:1:" if exit_code else "", 5, 50)

    for name, text in [("dup.yaml", "bad: false\nname: a\nbad: true\n"),
                       ("dup.json", '{"bad": false, "name": "a", "bad": true}'),
                       ("dup.toml", "bad = false\nbad = true\n"),
                       ("dup.ini", "[s]\nbad = false\nbad = true\n")]:
        cases.add(f"duplicate keys, {name}", p + [cases.write(name, text)], 1, "duplicate key", 5, 50)

    for name, text, error in [("big-number.yaml", "n: 1e400\n", "big-number.yaml:1:4: number 1e400 is beyond the range of f64"),
                              ("big-number.json", '{"n": 1e400}', "big-number.json:1:11: invalid JSON: number out of range"),
                              ("big-number.tf", "n = 1e400\n", "big-number.tf:1:6: invalid HCL"),
                              ("big-number.toml", "n = 1e400\n", "big-number.toml:1:5: invalid TOML: floating-point number overflowed")]:
        cases.add(f"number beyond f64, {name}", p + [cases.write(name, text)], 1, error, 5, 50)

    cases.add("policy that loops (default 5 s limit)", ["-p", "loop.rego", "small.yaml"],
              1, "exceeded the time limit of 5s (raise it with --eval-timeout)", 10, 300)
    cases.add("policy that loops, --eval-timeout 500ms", ["-p", "loop.rego", "--eval-timeout", "500ms", "small.yaml"],
              1, "exceeded the time limit of 500ms (raise it with --eval-timeout)", 5, 300)
    cases.add("20,000 documents (limit 10,000)", p + [cases.write("many-documents.yaml", "a: 1\n---\n" * 20_000)],
              1, "exceeds the limit of 10000 (raise it with --max-documents)", 5, 100)

    if os.path.isdir(args.shared):
        with open(os.path.join(args.shared, "sigstore-conformance/bundle-verify/a.txt"), "rb") as f:
            cases.write("a.txt", f.read())
        bundle = cases.write("bundle-10mb-chain.sigstore.json", cert_chain_bundle(args.shared, 10 * MIB))
        verify = ["blob", "verify", "a.txt", "--bundle", bundle,
                  "--certificate-identity-regexp", ".", "--certificate-oidc-issuer-regexp", "."]
        cases.add("Sigstore bundle with a 10 MB certificate chain", [], 1,
                  "is larger than 8388608 bytes (raise --max-bundle-size)", 5, 100, command=verify)
        # Within a raised limit the chain is read whole: every certificate after the leaf is
        # parsed and checked not to be a root, then ignored, as Sigstore clients do, and
        # the real bundle still verifies.
        cases.add("Sigstore bundle with a 10 MB certificate chain, --max-bundle-size 16 MiB",
                  ["--max-bundle-size", str(16 * MIB)], 0, "-", 10, 300, command=verify)
        # Served by `tollgate webhook serve` (run.sh starts it): the body size, then the
        # answer to a 10 MB request under a raised maxRequestBytes.
        review = cases.write("admission-review-10mb.json", admission_review(args.shared, 10 * MIB))
        cases.add("AdmissionReview of 10 MB (webhook, maxRequestBytes 8 MiB)", [review], 413,
                  "maxRequestBytes", 5, 100, status="webhook", command=(str(8 * MIB),))
        cases.add("AdmissionReview of 10 MB (webhook, maxRequestBytes 16 MiB)", [review], 200,
                  "-", 20, 400, status="webhook", command=(str(16 * MIB),))
    cases.save()
    print(f"{len(cases.rows)} cases in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
