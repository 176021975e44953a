#!/usr/bin/env python3
"""Deterministic benchmark corpus generator for tollgate.

Usage:
    python3 bench/gen_corpus.py OUT_DIR --manifests N --tf M [--seed S]

Writes N Kubernetes manifest files to OUT_DIR/k8s/ (Deployment, StatefulSet,
DaemonSet, Service, ConfigMap, Ingress, Pod, CronJob and multi-document
"bundle" files separated by `---`) and M Terraform files to OUT_DIR/tf/
(aws_s3_bucket, aws_s3_bucket_public_access_block, aws_security_group with
ingress blocks, aws_db_instance, aws_instance, aws_iam_policy with jsonencode
or heredoc policies, variables, locals, data sources and outputs).

About a third of the files carry one or more security problems (privileged
containers, missing resources, `:latest` or untagged images, hostNetwork,
runAsUser 0, public buckets, 0.0.0.0/0 ingress, wildcard IAM actions, ...),
so the policies in bench/policy/ report a realistic mix of findings.

Only the corpus files are written under OUT_DIR (so `tollgate test OUT_DIR`
sees nothing else); a JSON summary (file and document counts, injected
problems) is printed on stdout, or written to --summary FILE.

Python 3 standard library only. The same arguments always give byte-identical
output: every file's content comes from its own random.Random seeded from
(seed, kind, index), so the first files of a larger corpus are the same as
those of a smaller one.
"""

import argparse
import json
import os
import random
import re
import sys
from collections import Counter

# ---------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------

APPS = [
    "checkout", "payments", "cart", "catalog", "search", "auth", "users",
    "orders", "inventory", "shipping", "billing", "notifications", "gateway",
    "frontend", "recommendations", "reviews", "ledger", "reporting", "pricing",
    "fulfillment", "accounts", "sessions", "media", "thumbnails", "webhooks",
]
SUFFIXES = ["api", "worker", "web", "svc", "consumer", "sync", "indexer", "proxy"]
TEAMS = ["platform", "commerce", "identity", "data", "growth", "infra", "sre", "mobile"]
ENVS = ["dev", "staging", "prod"]
REGISTRY = "registry.corp.example"
PUBLIC_IMAGES = [
    ("nginx", ["1.25.3", "1.25.4-alpine", "1.26.0"]),
    ("redis", ["7.2.4-alpine", "7.0.15"]),
    ("postgres", ["16.1", "15.5-alpine"]),
    ("busybox", ["1.36.1", "1.36"]),
    ("envoyproxy/envoy", ["v1.29.1", "v1.28.0"]),
    ("fluent/fluent-bit", ["2.2.2", "3.0.1"]),
    ("prom/node-exporter", ["v1.7.0"]),
    ("bitnami/kubectl", ["1.29.2"]),
]
SIDECARS = [
    ("envoy", "envoyproxy/envoy", "v1.29.1", 9901),
    ("log-shipper", "fluent/fluent-bit", "2.2.2", 2020),
    ("metrics-exporter", REGISTRY + "/sre/statsd-exporter", "0.26.0", 9102),
]
ENV_VARS = [
    ("LOG_LEVEL", ["info", "debug", "warn"]),
    ("LOG_FORMAT", ["json", "text"]),
    ("HTTP_PORT", ["8080"]),
    ("GRPC_PORT", ["9090"]),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", ["http://otel-collector.observability:4317"]),
    ("OTEL_SERVICE_NAME", None),
    ("FEATURE_FLAGS", ["new-checkout,fast-search", "none", "beta-ui"]),
    ("CACHE_TTL_SECONDS", ["30", "60", "300"]),
    ("MAX_CONNECTIONS", ["64", "128", "256"]),
    ("REGION", ["eu-west-1", "us-east-1", "ap-southeast-2"]),
    ("GOMAXPROCS", ["2", "4"]),
    ("JAVA_TOOL_OPTIONS", ["-XX:MaxRAMPercentage=75.0", "-Xss512k"]),
]
CPU_REQ = ["50m", "100m", "250m", "500m"]
MEM_REQ = ["64Mi", "128Mi", "256Mi", "512Mi"]
CPU_LIM = ["250m", "500m", "1", "2"]
MEM_LIM = ["256Mi", "512Mi", "1Gi", "2Gi"]
SCHEDULES = ["*/5 * * * *", "*/15 * * * *", "0 * * * *", "30 2 * * *", "0 4 * * 0", "15 */6 * * *"]
AWS_REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"]

# ---------------------------------------------------------------------------
# A small block-style YAML emitter (output parses with PyYAML and yaml-rust2)
# ---------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z_/.][A-Za-z0-9_./@:=+,-]*$")
_QUANTITY = re.compile(r"^[0-9]+(m|Ki|Mi|Gi|Ti|k|M|G)$")
_RESERVED = {
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ".inf", ".nan", "-.inf", "+.inf",
}


def yaml_str(s):
    if s == "":
        return '""'
    if _QUANTITY.match(s):
        return s
    if (
        _PLAIN.match(s)
        and s.lower() not in _RESERVED
        and not s.endswith(":")
        and not s.startswith(".")
    ):
        try:
            float(s)
        except ValueError:
            return s
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def yaml_scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return yaml_str(v)


def _is_scalar(v):
    return v is None or isinstance(v, (bool, int, float)) or (
        isinstance(v, str) and "\n" not in v
    )


def yaml_emit(obj, indent=0):
    """Block-style YAML for dicts/lists of scalars (kubectl-like layout)."""
    out = []
    pad = " " * indent
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = yaml_str(str(k))
            if isinstance(v, str) and "\n" in v:
                out.append(f"{pad}{key}: |")
                for line in v.rstrip("\n").split("\n"):
                    out.append(f"{pad}  {line}" if line else "")
            elif _is_scalar(v):
                out.append(f"{pad}{key}: {yaml_scalar(v)}")
            elif isinstance(v, dict):
                if not v:
                    out.append(f"{pad}{key}: {{}}")
                else:
                    out.append(f"{pad}{key}:")
                    out.extend(yaml_emit(v, indent + 2))
            elif isinstance(v, list):
                if not v:
                    out.append(f"{pad}{key}: []")
                else:
                    out.append(f"{pad}{key}:")
                    out.extend(yaml_emit(v, indent + 2))
            else:
                raise TypeError(type(v))
    elif isinstance(obj, list):
        for item in obj:
            if _is_scalar(item):
                out.append(f"{pad}- {yaml_scalar(item)}")
            elif isinstance(item, dict) and item:
                inner = yaml_emit(item, indent + 2)
                first = inner[0]
                out.append(f"{pad}- {first[indent + 2:]}")
                out.extend(inner[1:])
            elif isinstance(item, list) and item:
                inner = yaml_emit(item, indent + 2)
                out.append(f"{pad}- {inner[0][indent + 2:]}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {{}}" if isinstance(item, dict) else f"{pad}- []")
    else:
        raise TypeError(type(obj))
    return out


def yaml_doc(obj):
    return "\n".join(yaml_emit(obj)) + "\n"


# ---------------------------------------------------------------------------
# Kubernetes objects
# ---------------------------------------------------------------------------

WORKLOAD_ISSUES = [
    "privileged", "no_resources", "no_limits", "latest_tag", "untagged_image",
    "host_network", "host_pid", "run_as_root", "privilege_escalation",
    "dangerous_caps", "host_path", "no_probes", "missing_labels",
]


class Ctx:
    """Per-file generation context: its own RNG and the problems injected."""

    def __init__(self, rng, insecure):
        self.rng = rng
        self.insecure = insecure
        self.bundle = False
        self.issues = []

    def pick_issues(self, pool, lo=1, hi=3, chance=1.0):
        """1..hi problems from pool when the file is insecure (with probability chance)."""
        if not self.insecure or self.rng.random() >= chance:
            return set()
        chosen = self.rng.sample(pool, self.rng.randint(lo, min(hi, len(pool))))
        self.issues.extend(chosen)
        return set(chosen)


def app_identity(rng):
    app = rng.choice(APPS)
    name = f"{app}-{rng.choice(SUFFIXES)}"
    team = rng.choice(TEAMS)
    env = rng.choice(ENVS)
    return name, app, team, env


def labels_for(name, app, team, env, version):
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": app,
        "app.kubernetes.io/version": version,
        "team": team,
    }


def version_string(rng):
    return f"{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 12)}"


def image_for(rng, team, name, version, issues):
    if rng.random() < 0.8:
        repo = f"{REGISTRY}/{team}/{name}"
        tag = version
    else:
        repo, tags = rng.choice(PUBLIC_IMAGES)
        tag = rng.choice(tags)
    if "latest_tag" in issues:
        return f"{repo}:latest"
    if "untagged_image" in issues:
        return repo if rng.random() < 0.5 else repo.replace(REGISTRY, REGISTRY + ":5000")
    if rng.random() < 0.1:
        return f"{repo}@sha256:{rng.getrandbits(256):064x}"
    return f"{repo}:{tag}"


def env_list(rng, name):
    env = []
    for key, values in rng.sample(ENV_VARS, rng.randint(1, 3)):
        env.append({"name": key, "value": name if values is None else rng.choice(values)})
    if rng.random() < 0.3:
        env.append({
            "name": "DATABASE_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": f"{name}-db", "key": "password"}},
        })
    if rng.random() < 0.2:
        env.append({
            "name": "POD_NAME",
            "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
        })
    if rng.random() < 0.15:
        env.append({
            "name": "CONFIG_CHECKSUM",
            "valueFrom": {"configMapKeyRef": {"name": f"{name}-config", "key": "checksum"}},
        })
    return env


def probe(rng, path, port):
    if rng.random() < 0.8:
        p = {"httpGet": {"path": path, "port": port}}
    else:
        p = {"tcpSocket": {"port": port}}
    if path == "/healthz":
        p["initialDelaySeconds"] = rng.choice([5, 10, 15, 30])
    p["periodSeconds"] = rng.choice([10, 15, 20])
    return p


def main_container(ctx, name, team, version, issues, with_probes=True):
    rng = ctx.rng
    port = rng.choice([8080, 8000, 3000, 9000, 5000])
    c = {
        "name": name,
        "image": image_for(rng, team, name, version, issues),
    }
    if rng.random() < 0.5:
        c["imagePullPolicy"] = rng.choice(["IfNotPresent", "Always"])
    if rng.random() < 0.2:
        c["args"] = ["--config=/etc/app/config.yaml", f"--port={port}"]
    c["ports"] = [{"name": "http", "containerPort": port}]
    if rng.random() < 0.3:
        c["ports"].append({"name": "metrics", "containerPort": 9102})
    c["env"] = env_list(rng, name)
    if "no_resources" not in issues:
        req = rng.randrange(len(CPU_REQ))
        res = {"requests": {"cpu": CPU_REQ[req], "memory": MEM_REQ[req]}}
        if "no_limits" not in issues:
            lim = rng.randrange(len(CPU_LIM))
            res["limits"] = {"cpu": CPU_LIM[lim], "memory": MEM_LIM[lim]}
        c["resources"] = res
    if with_probes and "no_probes" not in issues:
        c["livenessProbe"] = probe(rng, "/healthz", port)
        c["readinessProbe"] = probe(rng, "/ready", port)
    c["securityContext"] = container_security(ctx, issues)
    c["volumeMounts"] = [{"name": "config", "mountPath": "/etc/app", "readOnly": True}]
    if c["securityContext"]["readOnlyRootFilesystem"]:
        c["volumeMounts"].append({"name": "tmp", "mountPath": "/tmp"})
    if "host_path" in issues:
        c["volumeMounts"].append({"name": "host-data", "mountPath": "/host"})
    return c


def container_security(ctx, issues):
    sc = {
        "allowPrivilegeEscalation": "privilege_escalation" in issues,
        "readOnlyRootFilesystem": ctx.rng.random() < 0.85,
        "runAsNonRoot": "run_as_root" not in issues,
        "capabilities": {"drop": ["ALL"]},
    }
    if "privileged" in issues:
        sc["privileged"] = True
    if "run_as_root" in issues:
        sc["runAsUser"] = 0
    if "dangerous_caps" in issues:
        sc["capabilities"]["add"] = ctx.rng.sample(["NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE", "NET_BIND_SERVICE"], 2)
    return sc


def sidecar(ctx, issues):
    rng = ctx.rng
    sname, repo, tag, port = rng.choice(SIDECARS)
    image = f"{repo}:latest" if "latest_tag" in issues and rng.random() < 0.5 else f"{repo}:{tag}"
    c = {
        "name": sname,
        "image": image,
        "ports": [{"name": "admin", "containerPort": port}],
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "200m", "memory": "128Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    if "no_resources" in issues and rng.random() < 0.5:
        del c["resources"]
    return c


def init_container(ctx, name, team, version):
    return {
        "name": "migrate",
        "image": f"{REGISTRY}/{team}/{name}-migrations:{version}",
        "command": ["/bin/migrate", "up"],
        "env": [{
            "name": "DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": f"{name}-db", "key": "url"}},
        }],
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }


def pod_spec(ctx, name, team, version, issues, kind):
    rng = ctx.rng
    spec = {}
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Pod"):
        spec["serviceAccountName"] = name
    if "host_network" in issues:
        spec["hostNetwork"] = True
        spec["dnsPolicy"] = "ClusterFirstWithHostNet"
    if "host_pid" in issues:
        spec[rng.choice(["hostPID", "hostIPC"])] = True
    psc = {"runAsNonRoot": "run_as_root" not in issues, "fsGroup": 2000}
    if rng.random() < 0.3:
        psc["seccompProfile"] = {"type": "RuntimeDefault"}
    if "run_as_root" not in issues:
        psc["runAsUser"] = rng.choice([1000, 10001, 65532])
    elif rng.random() < 0.5:
        psc["runAsUser"] = 0
    spec["securityContext"] = psc
    if kind in ("Deployment", "StatefulSet") and rng.random() < 0.1:
        spec["initContainers"] = [init_container(ctx, name, team, version)]
    with_probes = kind not in ("CronJob",)
    containers = [main_container(ctx, name, team, version, issues, with_probes)]
    if kind in ("Deployment", "StatefulSet") and rng.random() < 0.12:
        containers.append(sidecar(ctx, issues))
    spec["containers"] = containers
    if kind == "CronJob":
        spec["restartPolicy"] = "OnFailure"
    volumes = [
        {"name": "config", "configMap": {"name": f"{name}-config"}},
        {"name": "tmp", "emptyDir": {}},
    ]
    if "host_path" in issues:
        volumes.append({"name": "host-data", "hostPath": {
            "path": rng.choice(["/var/run/docker.sock", "/var/log", "/", "/etc"]),
            "type": rng.choice(["Directory", "Socket", "DirectoryOrCreate"]),
        }})
    spec["volumes"] = volumes
    if rng.random() < 0.15:
        spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100,
            "podAffinityTerm": {
                "topologyKey": "kubernetes.io/hostname",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
            },
        }]}}
    if rng.random() < 0.15:
        spec["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": team, "effect": "NoSchedule"}]
    if rng.random() < 0.2:
        spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
    if rng.random() < 0.4:
        spec["terminationGracePeriodSeconds"] = rng.choice([30, 60])
    return spec


def metadata(name, namespace, labels, annotations=None):
    md = {"name": name, "namespace": namespace, "labels": dict(labels)}
    if annotations:
        md["annotations"] = annotations
    return md


def workload(ctx, kind, ident=None):
    rng = ctx.rng
    name, app, team, env = ident or app_identity(rng)
    version = version_string(rng)
    pool = list(WORKLOAD_ISSUES)
    if kind in ("Deployment", "StatefulSet"):
        pool.append("single_replica")
    issues = ctx.pick_issues(pool)
    labels = labels_for(name, app, team, env, version)
    if "missing_labels" in issues:
        labels = {"tier": "backend"}
    namespace = f"{team}-{env}"
    sel = {"app.kubernetes.io/name": name}
    tmpl_labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/version": version, "team": team}
    tmpl_ann = {}
    if rng.random() < 0.3:
        tmpl_ann = {"prometheus.io/scrape": "true", "prometheus.io/port": "9102"}
    if kind == "Pod":
        spec = pod_spec(ctx, name, team, version, issues, kind)
        md = metadata(name, namespace, labels, tmpl_ann or None)
        return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec}
    template = {"metadata": {"labels": tmpl_labels}, "spec": pod_spec(ctx, name, team, version, issues, kind)}
    if tmpl_ann:
        template["metadata"]["annotations"] = tmpl_ann
    annotations = None
    if kind == "Deployment" and rng.random() < 0.5:
        annotations = {"deployment.kubernetes.io/revision": str(rng.randint(1, 40))}
    md = metadata(name, namespace, labels, annotations)
    if kind == "CronJob":
        spec = {
            "schedule": rng.choice(SCHEDULES),
            "concurrencyPolicy": rng.choice(["Forbid", "Replace", "Allow"]),
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {"spec": {
                "backoffLimit": rng.choice([0, 2, 6]),
                "activeDeadlineSeconds": rng.choice([600, 1800, 3600]),
                "template": template,
            }},
        }
        return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": md, "spec": spec}
    spec = {}
    if kind in ("Deployment", "StatefulSet"):
        spec["replicas"] = 1 if "single_replica" in issues else rng.choice([2, 3, 3, 4, 6])
        if rng.random() < 0.3:
            spec["revisionHistoryLimit"] = 5
    if kind == "StatefulSet":
        spec["serviceName"] = f"{name}-headless"
        spec["podManagementPolicy"] = "OrderedReady"
    spec["selector"] = {"matchLabels": sel}
    if kind == "Deployment" and rng.random() < 0.5:
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
    elif kind == "DaemonSet":
        spec["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
    spec["template"] = template
    if kind == "StatefulSet":
        spec["volumeClaimTemplates"] = [{
            "metadata": {"name": "data"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": rng.choice(["gp3", "standard", "premium-rwo"]),
                "resources": {"requests": {"storage": rng.choice(["10Gi", "50Gi", "200Gi"])}},
            },
        }]
        template["spec"]["containers"][0]["volumeMounts"].append({"name": "data", "mountPath": "/var/lib/data"})
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": md, "spec": spec}


def service(ctx, ident=None):
    rng = ctx.rng
    name, app, team, env = ident or app_identity(rng)
    issues = ctx.pick_issues(["nodeport"], 1, 1, 0.4 if ctx.bundle else 1.0)
    labels = labels_for(name, app, team, env, version_string(rng))
    port = rng.choice([80, 8080, 443])
    spec = {
        "type": "NodePort" if "nodeport" in issues else rng.choice(["ClusterIP", "ClusterIP", "LoadBalancer"]),
        "selector": {"app.kubernetes.io/name": name},
        "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}],
    }
    if "nodeport" in issues:
        spec["ports"][0]["nodePort"] = rng.randint(30000, 32767)
    if rng.random() < 0.4:
        spec["ports"].append({"name": "metrics", "port": 9102, "targetPort": "metrics", "protocol": "TCP"})
    ann = None
    if spec["type"] == "LoadBalancer":
        ann = {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(name, f"{team}-{env}", labels, ann), "spec": spec}


def configmap(ctx, ident=None):
    rng = ctx.rng
    name, app, team, env = ident or app_identity(rng)
    issues = ctx.pick_issues(["configmap_secret"], 1, 1, 0.4 if ctx.bundle else 1.0)
    labels = labels_for(name, app, team, env, version_string(rng))
    cfg_lines = [
        "server:",
        f"  port: {rng.choice([8080, 8000, 3000])}",
        f"  readTimeout: {rng.choice([5, 10, 30])}s",
        f"  writeTimeout: {rng.choice([10, 30, 60])}s",
        "logging:",
        f"  level: {rng.choice(['info', 'debug', 'warn'])}",
        "  format: json",
        "cache:",
        f"  ttl: {rng.choice([30, 60, 300])}s",
        f"  size: {rng.choice([1000, 5000, 10000])}",
        "upstreams:",
    ]
    for up in rng.sample(APPS, rng.randint(1, 4)):
        cfg_lines.append(f"  - name: {up}")
        cfg_lines.append(f"    url: http://{up}-api.{team}-{env}.svc.cluster.local:8080")
    data = {
        "config.yaml": "\n".join(cfg_lines) + "\n",
        "LOG_LEVEL": rng.choice(["info", "debug"]),
        "REGION": rng.choice(AWS_REGIONS),
        "checksum": f"{rng.getrandbits(128):032x}",
    }
    if "configmap_secret" in issues:
        key = rng.choice(["DB_PASSWORD", "api_token", "STRIPE_SECRET_KEY", "admin-password"])
        data[key] = f"{rng.getrandbits(96):024x}"
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(f"{name}-config", f"{team}-{env}", labels), "data": data}


def ingress(ctx, ident=None):
    rng = ctx.rng
    name, app, team, env = ident or app_identity(rng)
    issues = ctx.pick_issues(["ingress_no_tls"], 1, 1, 0.4 if ctx.bundle else 1.0)
    labels = labels_for(name, app, team, env, version_string(rng))
    host = f"{app}.{env}.corp.example"
    ann = {
        "nginx.ingress.kubernetes.io/proxy-body-size": rng.choice(["1m", "8m", "50m"]),
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "60",
    }
    if "ingress_no_tls" not in issues:
        ann["cert-manager.io/cluster-issuer"] = "letsencrypt-prod"
    paths = [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": name, "port": {"name": "http"}}}}]
    if rng.random() < 0.4:
        paths.insert(0, {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": f"{app}-api", "port": {"number": 8080}}}})
    spec = {"ingressClassName": rng.choice(["nginx", "alb"])}
    if "ingress_no_tls" not in issues:
        spec["tls"] = [{"hosts": [host], "secretName": f"{name}-tls"}]
    spec["rules"] = [{"host": host, "http": {"paths": paths}}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata(name, f"{team}-{env}", labels, ann), "spec": spec}


SINGLE_KINDS = [
    ("Deployment", 24), ("StatefulSet", 7), ("DaemonSet", 5), ("Service", 10),
    ("ConfigMap", 9), ("Ingress", 6), ("Pod", 5), ("CronJob", 8), ("bundle", 26),
]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def k8s_file(seed, index):
    """Returns (file name, text, number of documents, kinds, issues)."""
    rng = random.Random(f"{seed}:k8s:{index}")
    ctx = Ctx(rng, rng.random() < 1 / 3)
    choice = weighted(rng, SINGLE_KINDS)
    if choice == "bundle":
        ctx.bundle = True
        ident = app_identity(rng)
        kind = rng.choice(["Deployment", "Deployment", "StatefulSet"])
        docs = [configmap(ctx, ident), service(ctx, ident), workload(ctx, kind, ident)]
        if rng.random() < 0.5:
            docs.append(ingress(ctx, ident))
        texts = []
        for d in docs:
            src = "templates/" + d["kind"].lower() + ".yaml"
            texts.append(f"# Source: {ident[1]}/{src}\n" + yaml_doc(d))
        lead = "---\n" if rng.random() < 0.5 else ""
        text = lead + "---\n".join(texts)
        fname = f"{index:05d}-bundle-{ident[0]}.yaml"
    else:
        if choice in ("Deployment", "StatefulSet", "DaemonSet", "Pod", "CronJob"):
            doc = workload(ctx, choice)
        elif choice == "Service":
            doc = service(ctx)
        elif choice == "ConfigMap":
            doc = configmap(ctx)
        else:
            doc = ingress(ctx)
        docs = [doc]
        text = yaml_doc(doc)
        fname = f"{index:05d}-{choice.lower()}-{doc['metadata']['name']}.yaml"
    return fname, text, len(docs), [d["kind"] for d in docs], ctx.issues


# ---------------------------------------------------------------------------
# Terraform (HCL2)
# ---------------------------------------------------------------------------

def hstr(s):
    """A quoted HCL string literal (no interpolation unless given on purpose)."""
    return json.dumps(s)


def hlist(items):
    return "[" + ", ".join(items) + "]"


class Body:
    """An HCL body: attributes (aligned like `terraform fmt`) and nested blocks."""

    def __init__(self):
        self.items = []

    def attr(self, key, expr):
        self.items.append(("attr", key, expr))
        return self

    def block(self, btype, *labels):
        b = Body()
        self.items.append(("block", btype, labels, b))
        return b

    def blank(self):
        self.items.append(("blank",))
        return self

    def render(self, indent=0):
        pad = "  " * indent
        out = []
        i = 0
        while i < len(self.items):
            item = self.items[i]
            if item[0] == "attr":
                group = []
                while i < len(self.items) and self.items[i][0] == "attr":
                    group.append(self.items[i])
                    i += 1
                width = max(len(k) for _, k, e in group if "\n" not in e) if any("\n" not in e for _, k, e in group) else 0
                for _, key, expr in group:
                    if "\n" in expr:
                        lines = expr.split("\n")
                        out.append(f"{pad}{key} = {lines[0]}")
                        for line in lines[1:]:
                            out.append(f"{pad}{line}" if line and not line.startswith("\x00") else line.lstrip("\x00"))
                    else:
                        out.append(f"{pad}{key.ljust(width)} = {expr}")
                continue
            if item[0] == "blank":
                out.append("")
            else:
                _, btype, labels, body = item
                head = " ".join([btype] + [hstr(label) for label in labels])
                inner = body.render(indent + 1)
                if inner:
                    out.append(f"{pad}{head} {{")
                    out.extend(inner)
                    out.append(f"{pad}}}")
                else:
                    out.append(f"{pad}{head} {{}}")
            i += 1
        return out


def hmap(pairs, indent=0):
    """A multi-line HCL object expression; continuation lines are relative."""
    width = max(len(k) for k, _ in pairs)
    lines = ["{"]
    for k, v in pairs:
        lines.append(f"  {k.ljust(width)} = {v}")
    lines.append("}")
    return "\n".join(lines)


def tf_variables(ctx, top, prefix):
    rng = ctx.rng
    issues = ctx.pick_issues(["variable_no_description"], 1, 1, 0.4)
    specs = [
        ("environment", "string", hstr(rng.choice(ENVS)), "Deployment environment name"),
        ("region", "string", hstr(rng.choice(AWS_REGIONS)), "AWS region to deploy into"),
        (f"{prefix}_instance_count", "number", str(rng.choice([1, 2, 3])), "Number of instances"),
        ("enable_backups", "bool", "true", "Whether automated backups are enabled"),
        ("allowed_cidrs", "list(string)", hlist([hstr("10.0.0.0/8"), hstr("172.16.0.0/12")]), "CIDR ranges allowed to connect"),
    ]
    for n, (name, typ, default, desc) in enumerate(rng.sample(specs, rng.randint(2, 4))):
        b = top.block("variable", name)
        if not ("variable_no_description" in issues and n == 0):
            b.attr("description", hstr(desc))
        b.attr("type", typ)
        b.attr("default", default)
        if typ == "string" and name == "environment" and rng.random() < 0.5:
            v = b.block("validation")
            v.attr("condition", 'contains(["dev", "staging", "prod"], var.environment)')
            v.attr("error_message", hstr("Environment must be dev, staging or prod."))
        top.blank()


def tags_expr(rng, name, issues, key="missing_tags"):
    if key in issues:
        return None
    if rng.random() < 0.5:
        return f"merge(local.common_tags, {{ Name = {hstr(name)} }})"
    return hmap([("Name", hstr(name)), ("Team", hstr(rng.choice(TEAMS))), ("Environment", "var.environment")])


def tf_s3(ctx, top, prefix):
    rng = ctx.rng
    issues = ctx.pick_issues(["s3_public_acl", "s3_public_access_block", "missing_tags"], 1, 2)
    name = f"{prefix}_{rng.choice(['logs', 'assets', 'backups', 'uploads', 'artifacts'])}"
    b = top.block("resource", "aws_s3_bucket", name)
    b.attr("bucket", f'"${{var.environment}}-{name.replace("_", "-")}-{rng.getrandbits(24):06x}"')
    if "s3_public_acl" in issues:
        b.attr("acl", hstr(rng.choice(["public-read", "public-read-write"])))
    elif rng.random() < 0.5:
        b.attr("acl", hstr("private"))
    b.attr("force_destroy", "false")
    if rng.random() < 0.6:
        b.blank()
        v = b.block("versioning")
        v.attr("enabled", "true")
        b.blank()
        sse = b.block("server_side_encryption_configuration").block("rule").block("apply_server_side_encryption_by_default")
        sse.attr("sse_algorithm", hstr(rng.choice(["aws:kms", "AES256"])))
    if rng.random() < 0.3:
        b.blank()
        lr = b.block("lifecycle_rule")
        lr.attr("id", hstr("expire-old"))
        lr.attr("enabled", "true")
        lr.block("expiration").attr("days", str(rng.choice([30, 90, 365])))
    t = tags_expr(rng, name, issues)
    if t:
        b.blank()
        b.attr("tags", t)
    top.blank()
    pab = top.block("resource", "aws_s3_bucket_public_access_block", name)
    pab.attr("bucket", f"aws_s3_bucket.{name}.id")
    pab.blank()
    flags = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
    opened = set(rng.sample(flags, rng.randint(1, 3))) if "s3_public_access_block" in issues else set()
    for f in flags:
        pab.attr(f, "false" if f in opened else "true")
    top.blank()


def tf_security_group(ctx, top, prefix):
    rng = ctx.rng
    issues = ctx.pick_issues(["sg_open_admin_port", "sg_all_traffic", "missing_tags"], 1, 2)
    name = f"{prefix}_sg"
    b = top.block("resource", "aws_security_group", name)
    b.attr("name", f'"${{var.environment}}-{prefix}-sg"')
    b.attr("description", hstr(f"Security group for {prefix}"))
    b.attr("vpc_id", "data.aws_vpc.main.id")
    rules = [(443, 443, "tcp", "HTTPS from the load balancer", ["var.allowed_cidrs"])]
    for _ in range(rng.randint(0, 3)):
        port = rng.choice([5432, 6379, 8080, 9090, 3306])
        rules.append((port, port, "tcp", f"Service port {port}", [hstr("10.0.0.0/8")]))
    if "sg_open_admin_port" in issues:
        port = rng.choice([22, 3389])
        lo = port if rng.random() < 0.7 else 0
        rules.append((lo, port if lo else 65535, "tcp", "Remote administration", [hstr("0.0.0.0/0")]))
    if "sg_all_traffic" in issues:
        rules.append((0, 0, "-1", "Everything", [hstr("0.0.0.0/0")]))
    for lo, hi, proto, desc, cidrs in rules:
        b.blank()
        ing = b.block("ingress")
        ing.attr("description", hstr(desc))
        ing.attr("from_port", str(lo))
        ing.attr("to_port", str(hi))
        ing.attr("protocol", hstr(proto))
        if len(cidrs) == 1 and not cidrs[0].startswith('"'):
            ing.attr("cidr_blocks", cidrs[0])
        else:
            ing.attr("cidr_blocks", hlist(cidrs))
    b.blank()
    eg = b.block("egress")
    eg.attr("from_port", "0")
    eg.attr("to_port", "0")
    eg.attr("protocol", hstr("-1"))
    eg.attr("cidr_blocks", hlist([hstr("0.0.0.0/0")]))
    t = tags_expr(rng, name, issues)
    if t:
        b.blank()
        b.attr("tags", t)
    top.blank()


def tf_db(ctx, top, prefix):
    rng = ctx.rng
    issues = ctx.pick_issues(["db_public", "db_unencrypted", "missing_tags"], 1, 2)
    name = f"{prefix}_db"
    engine, ver, port = rng.choice([("postgres", "16.1", 5432), ("mysql", "8.0.35", 3306)])
    b = top.block("resource", "aws_db_instance", name)
    b.attr("identifier", f'"${{var.environment}}-{prefix}-db"')
    b.attr("engine", hstr(engine))
    b.attr("engine_version", hstr(ver))
    b.attr("instance_class", hstr(rng.choice(["db.t3.medium", "db.r6g.large", "db.m6i.xlarge"])))
    b.attr("allocated_storage", str(rng.choice([20, 100, 500])))
    b.attr("max_allocated_storage", str(rng.choice([200, 1000])))
    b.attr("db_name", hstr(prefix))
    b.attr("username", hstr("app"))
    b.attr("password", f"random_password.{prefix}_db.result")
    b.attr("port", str(port))
    b.attr("db_subnet_group_name", f"aws_db_subnet_group.{prefix}.name")
    b.attr("vpc_security_group_ids", hlist([f"aws_security_group.{prefix}_sg.id"]))
    b.blank()
    if "db_unencrypted" in issues:
        if rng.random() < 0.5:
            b.attr("storage_encrypted", "false")
    else:
        b.attr("storage_encrypted", "true")
        b.attr("kms_key_id", "aws_kms_key.main.arn")
    b.attr("publicly_accessible", "true" if "db_public" in issues else "false")
    b.attr("multi_az", "var.environment == \"prod\"")
    b.attr("backup_retention_period", str(rng.choice([7, 14, 30])))
    b.attr("deletion_protection", "true")
    b.attr("skip_final_snapshot", "false")
    t = tags_expr(rng, name, issues)
    if t:
        b.blank()
        b.attr("tags", t)
    top.blank()


def tf_instance(ctx, top, prefix):
    rng = ctx.rng
    issues = ctx.pick_issues(["instance_imdsv1", "missing_tags"], 1, 2)
    name = f"{prefix}_host"
    b = top.block("resource", "aws_instance", name)
    if rng.random() < 0.4:
        b.attr("count", f"var.{prefix}_instance_count")
    b.attr("ami", "data.aws_ami.ubuntu.id")
    b.attr("instance_type", hstr(rng.choice(["t3.micro", "t3.large", "m6i.large", "c6i.xlarge"])))
    b.attr("subnet_id", "element(data.aws_subnets.private.ids, 0)")
    b.attr("vpc_security_group_ids", hlist([f"aws_security_group.{prefix}_sg.id"]))
    b.attr("iam_instance_profile", f"aws_iam_instance_profile.{prefix}.name")
    b.blank()
    rbd = b.block("root_block_device")
    rbd.attr("volume_size", str(rng.choice([20, 50, 100])))
    rbd.attr("volume_type", hstr("gp3"))
    rbd.attr("encrypted", "true")
    if "instance_imdsv1" not in issues or rng.random() < 0.5:
        b.blank()
        md = b.block("metadata_options")
        md.attr("http_endpoint", hstr("enabled"))
        md.attr("http_tokens", hstr("optional" if "instance_imdsv1" in issues else "required"))
    if rng.random() < 0.5:
        b.blank()
        b.attr("user_data", "<<-EOT\n  #!/bin/bash\n  set -euo pipefail\n  apt-get update\n  systemctl enable --now amazon-ssm-agent\nEOT")
    t = tags_expr(rng, name, issues)
    if t:
        b.blank()
        b.attr("tags", t)
    top.blank()


def tf_iam(ctx, top, prefix):
    rng = ctx.rng
    issues = ctx.pick_issues(["iam_wildcard_action"], 1, 1)
    name = f"{prefix}_access"
    actions = rng.sample(["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage",
                          "sqs:ReceiveMessage", "kms:Decrypt", "dynamodb:GetItem", "dynamodb:Query"], 3)
    b = top.block("resource", "aws_iam_policy", name)
    b.attr("name", f'"${{var.environment}}-{prefix}-access"')
    b.attr("description", hstr(f"Access policy for {prefix}"))
    wildcard = "iam_wildcard_action" in issues
    if rng.random() < 0.75:
        action = hstr("*") if wildcard else hlist([hstr(a) for a in actions])
        policy = "\n".join([
            "jsonencode({",
            '  Version = "2012-10-17"',
            "  Statement = [",
            "    {",
            '      Sid      = "AppAccess"',
            '      Effect   = "Allow"',
            f"      Action   = {action}",
            f"      Resource = [aws_s3_bucket.{prefix}_logs.arn, \"${{aws_s3_bucket.{prefix}_logs.arn}}/*\"]",
            "    },",
            "    {",
            '      Effect   = "Deny"',
            '      Action   = ["s3:DeleteBucket"]',
            '      Resource = "*"',
            "    },",
            "  ]",
            "})",
        ])
    else:
        action = '"*"' if wildcard else "[" + ", ".join(hstr(a) for a in actions) + "]"
        policy = "\n".join([
            "<<EOF",
            "\x00{",
            '\x00  "Version": "2012-10-17",',
            '\x00  "Statement": [',
            "\x00    {",
            '\x00      "Effect": "Allow",',
            f'\x00      "Action": {action},',
            '\x00      "Resource": "*"',
            "\x00    }",
            "\x00  ]",
            "\x00}",
            "\x00EOF",
        ])
    b.attr("policy", policy)
    top.blank()


def tf_support(ctx, top, prefix):
    rng = ctx.rng
    d = top.block("data", "aws_ami", "ubuntu")
    d.attr("most_recent", "true")
    d.attr("owners", hlist([hstr("099720109477")]))
    d.blank()
    f = d.block("filter")
    f.attr("name", hstr("name"))
    f.attr("values", hlist([hstr("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*")]))
    top.blank()
    loc = top.block("locals")
    loc.attr("name_prefix", f'"${{var.environment}}-{prefix}"')
    loc.attr("common_tags", hmap([
        ("Project", hstr(prefix)),
        ("Environment", "var.environment"),
        ("ManagedBy", hstr("terraform")),
        ("CostCenter", hstr(f"cc-{rng.randint(1000, 9999)}")),
    ]))
    top.blank()


def tf_file(seed, index):
    rng = random.Random(f"{seed}:tf:{index}")
    ctx = Ctx(rng, rng.random() < 1 / 3)
    prefix = rng.choice(APPS).replace("-", "_")
    top = Body()
    if rng.random() < 0.3:
        tb = top.block("terraform")
        tb.attr("required_version", hstr(">= 1.5.0"))
        tb.blank()
        rp = tb.block("required_providers")
        rp.attr("aws", hmap([("source", hstr("hashicorp/aws")), ("version", hstr("~> 5.0"))]))
        top.blank()
        pb = top.block("provider", "aws")
        pb.attr("region", "var.region")
        top.blank()
    tf_variables(ctx, top, prefix)
    if rng.random() < 0.5:
        tf_support(ctx, top, prefix)
    # a shuffled selection of resources; insecure files put problems in some
    makers = [tf_s3, tf_security_group, tf_db, tf_instance, tf_iam]
    chosen = rng.sample(makers, rng.randint(2, 4))
    # only some of the chosen resources get problems, so the file-level rate
    # stays close to the 1/3 of files drawn insecure
    insecure = ctx.insecure
    bad = set(rng.sample(range(len(chosen)), rng.randint(1, min(2, len(chosen))))) if insecure else set()
    for n, maker in enumerate(chosen):
        ctx.insecure = n in bad
        maker(ctx, top, prefix)
    ctx.insecure = insecure
    if rng.random() < 0.6:
        o = top.block("output", f"{prefix}_summary")
        o.attr("description", hstr("Identifiers of the resources in this module"))
        o.attr("value", hmap([("prefix", "local.name_prefix"), ("environment", "var.environment")])
               if any(it[0] == "block" and it[1] == "locals" for it in top.items)
               else hmap([("environment", "var.environment")]))
        top.blank()
    while top.items and top.items[-1][0] == "blank":
        top.items.pop()
    text = "\n".join(top.render()) + "\n"
    fname = f"{index:05d}-{prefix}.tf"
    return fname, text, ctx.issues


# ---------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--manifests", type=int, default=100, help="Kubernetes manifest files to write")
    ap.add_argument("--tf", type=int, default=20, help="Terraform .tf files to write")
    ap.add_argument("--seed", type=int, default=20240917)
    ap.add_argument("--summary", help="write the JSON summary to this file instead of stdout")
    args = ap.parse_args(argv)

    k8s_dir = os.path.join(args.out_dir, "k8s")
    tf_dir = os.path.join(args.out_dir, "tf")
    os.makedirs(k8s_dir, exist_ok=True)
    os.makedirs(tf_dir, exist_ok=True)

    kinds = Counter()
    issues = Counter()
    k8s_docs = 0
    k8s_insecure = 0
    k8s_bytes = 0
    for i in range(args.manifests):
        fname, text, ndocs, doc_kinds, file_issues = k8s_file(args.seed, i)
        with open(os.path.join(k8s_dir, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        k8s_docs += ndocs
        k8s_bytes += len(text.encode())
        kinds.update(doc_kinds)
        if ndocs > 1:
            kinds["(multi-document files)"] += 1
        issues.update(file_issues)
        k8s_insecure += bool(file_issues)

    tf_insecure = 0
    tf_bytes = 0
    for i in range(args.tf):
        fname, text, file_issues = tf_file(args.seed, i)
        with open(os.path.join(tf_dir, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        tf_bytes += len(text.encode())
        issues.update("tf:" + x for x in file_issues)
        tf_insecure += bool(file_issues)

    summary = {
        "seed": args.seed,
        "k8s_files": args.manifests,
        "k8s_documents": k8s_docs,
        "k8s_insecure_files": k8s_insecure,
        "k8s_bytes": k8s_bytes,
        "tf_files": args.tf,
        "tf_insecure_files": tf_insecure,
        "tf_bytes": tf_bytes,
        # conftest evaluates each YAML document and each .tf file separately
        "total_documents": k8s_docs + args.tf,
        "total_files": args.manifests + args.tf,
        "kinds": dict(sorted(kinds.items())),
        "injected_issues": dict(sorted(issues.items())),
    }
    text = json.dumps(summary, indent=2) + "\n"
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
