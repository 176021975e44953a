#!/usr/bin/env python3
"""Generates a cluster-like set of Kubernetes objects for the Gatekeeper benchmark.

    python3 bench/gatekeeper/gen_objects.py N OUT_DIR

N Pods spread over 50 namespaces (half labelled env=prod), one Ingress per four Pods
(hosts repeat, so the unique-host constraint finds conflicts), one Service per ten Pods,
written as one YAML file per namespace. Deterministic: no randomness.
"""
import os
import sys


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    by_namespace = {}
    for n in range(50):
        by_namespace[f"ns-{n}"] = [
            f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n"
            f"  labels: {{env: {'prod' if n % 2 else 'dev'}}}\n"
        ]
    for i in range(count):
        ns = f"ns-{i % 50}"
        tag = "latest" if i % 7 == 0 else "1.27"
        by_namespace[ns].append(
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-{i}\n  namespace: {ns}\n"
            f"  labels: {{app: shop, tier: frontend, team: a}}\n"
            f"spec:\n  containers:\n    - name: main\n      image: nginx:{tag}\n"
        )
        if i % 4 == 0:
            by_namespace[ns].append(
                f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-{i}\n"
                f"  namespace: {ns}\nspec:\n  rules:\n    - host: host-{i % 300}.example.com\n"
            )
        if i % 10 == 0:
            by_namespace[ns].append(
                f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: {ns}\n"
                f"spec:\n  selector: {{app: app-{i % 40}}}\n"
            )
    for ns, docs in by_namespace.items():
        with open(os.path.join(out, f"{ns}.yaml"), "w") as f:
            f.write("---\n".join(docs))


if __name__ == "__main__":
    main()
