"""Validates pods (one YAML file each, given as arguments) as a Kubernetes API server would
before creating them: strictly against Kubernetes' own schema (the `kubernetes-validate`
package's `-strict` schemas: an unknown field is refused, as `kubectl apply
--validate=strict` refuses it), and against the rules of the API server's validation that a
schema cannot say (k8s.io/apimachinery `validation.go`, k8s.io/kubernetes
`pkg/apis/core/validation`): the names, labels and annotations, and requests against limits.

Usage: validate_pods.py --kubernetes-version 1.34 FILE.yaml...

Prints a report per pod on stderr and, on stdout, JSON:
`{"kubernetes": <version validated against>, "package": <kubernetes-validate version>,
  "pods": {<file stem>: [<error>, ...]}}` (an empty list: the pod is valid).
Exits non-zero only when it cannot run (a file that is not YAML, a version not bundled).
"""
import argparse
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import yaml

try:
    import kubernetes_validate
except ImportError:
    sys.exit(
        "kubernetes_validate is not installed in this venv: run `bash tests/setup.sh` "
        "(tests/python/requirements.txt pins it)"
    )

# k8s.io/apimachinery/pkg/util/validation/validation.go
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
DNS1123_SUBDOMAIN_MAX = 253
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
QUALIFIED_NAME_MAX = 63
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
LABEL_VALUE_MAX = 63
# IsEnvVarName before 1.34's relaxed names (the stricter rule, which older servers apply).
ENV_VAR_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
# apimachinery/pkg/api/validation/objectmeta.go TotalAnnotationSizeLimitB
ANNOTATIONS_MAX_BYTES = 256 * 1024
# pkg/apis/core/validation MaxDNSNameservers, MaxDNSSearchPaths
MAX_DNS_NAMESERVERS = 3
MAX_DNS_SEARCHES = 32
# The resource names whose requests may be below their limits (IsOvercommitAllowed: the
# native ones, `kubernetes.io/` or no prefix, except hugepages).
STANDARD_PREFIX = "kubernetes.io/"


def dns1123_label(value, what):
    errors = []
    if len(value) > DNS1123_LABEL_MAX:
        errors.append(f"{what} {value!r}: longer than {DNS1123_LABEL_MAX} characters")
    if not DNS1123_LABEL.match(value):
        errors.append(
            f"{what} {value!r}: not an RFC 1123 label (lower-case alphanumerics and '-', "
            "starting and ending alphanumeric)"
        )
    return errors


def dns1123_subdomain(value, what):
    errors = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errors.append(f"{what} {value!r}: longer than {DNS1123_SUBDOMAIN_MAX} characters")
    if not DNS1123_SUBDOMAIN.match(value):
        errors.append(
            f"{what} {value!r}: not an RFC 1123 subdomain (lower-case alphanumerics, '-' "
            "and '.', each part starting and ending alphanumeric)"
        )
    return errors


def qualified_name(key, what):
    """IsQualifiedName: `[prefix/]name`, the prefix a DNS subdomain."""
    parts = key.split("/")
    if len(parts) == 1:
        prefix, name = None, parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return [f"{what} {key!r}: empty prefix"]
    else:
        return [f"{what} {key!r}: more than one '/'"]
    errors = []
    if prefix is not None:
        errors += dns1123_subdomain(prefix, f"{what} prefix of")
    if not name:
        errors.append(f"{what} {key!r}: empty name")
    elif len(name) > QUALIFIED_NAME_MAX:
        errors.append(f"{what} {key!r}: name longer than {QUALIFIED_NAME_MAX} characters")
    elif not QUALIFIED_NAME.match(name):
        errors.append(
            f"{what} {key!r}: name is not alphanumerics, '-', '_' and '.', starting and "
            "ending alphanumeric"
        )
    return errors


_SUFFIXES = {
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
    "P": Decimal("1e15"), "E": Decimal("1e18"),
    "Ki": Decimal(2**10), "Mi": Decimal(2**20), "Gi": Decimal(2**30), "Ti": Decimal(2**40),
    "Pi": Decimal(2**50), "Ei": Decimal(2**60),
}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|[a-zA-Z]*)$")


def quantity(text):
    """resource.ParseQuantity's value, or None when Kubernetes would refuse the text."""
    m = _QUANTITY.match(str(text))
    if not m or m.group(1) in (".", "+.", "-.") or m.group(1).count(".") > 1:
        return None
    number, suffix = Decimal(m.group(1)), m.group(2)
    if m.group(3):
        return number * Decimal(10) ** int(suffix[1:])
    if suffix not in _SUFFIXES:
        return None
    return number * _SUFFIXES[suffix]


def resources(r, what):
    """ValidateResourceRequirements: quantities, names, a request within its limit (equal to
    it for a resource that cannot be overcommitted)."""
    errors = []
    limits = r.get("limits") or {}
    requests = r.get("requests") or {}
    for kind, entries in (("limits", limits), ("requests", requests)):
        for name, value in entries.items():
            errors += qualified_name(name, f"{what}.{kind} resource name")
            q = quantity(value)
            if q is None:
                errors.append(f"{what}.{kind}.{name} {value!r}: not a quantity")
            elif q < 0:
                errors.append(f"{what}.{kind}.{name} {value!r}: negative")
    for name, value in requests.items():
        if name not in limits:
            continue
        req, lim = quantity(value), quantity(limits[name])
        if req is None or lim is None:
            continue
        native = "/" not in name or name.startswith(STANDARD_PREFIX)
        overcommit = native and not name.startswith("hugepages-")
        if overcommit and req > lim:
            errors.append(
                f"{what}.requests.{name} {value!r}: must be less than or equal to the "
                f"limit {limits[name]!r}"
            )
        if not overcommit and req != lim:
            errors.append(
                f"{what}.requests.{name} {value!r}: must equal the limit {limits[name]!r} "
                "(it cannot be overcommitted)"
            )
    return errors


def api_server_rules(pod):
    """The API server's validation of a new pod that the schema cannot express."""
    errors = []
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    name = meta.get("name")
    if not name:
        errors.append("metadata.name: required (the pod has no generateName)")
    else:
        errors += dns1123_subdomain(name, "metadata.name")
    if meta.get("namespace") is not None:
        errors += dns1123_label(meta["namespace"], "metadata.namespace")
    for key, value in (meta.get("labels") or {}).items():
        errors += qualified_name(key, "metadata.labels key")
        if not isinstance(value, str):
            errors.append(f"metadata.labels[{key!r}] {value!r}: not a string")
            continue
        if len(value) > LABEL_VALUE_MAX:
            errors.append(
                f"metadata.labels[{key!r}] {value!r}: longer than {LABEL_VALUE_MAX} characters"
            )
        if not LABEL_VALUE.match(value):
            errors.append(
                f"metadata.labels[{key!r}] {value!r}: not alphanumerics, '-', '_' and '.', "
                "starting and ending alphanumeric"
            )
    annotations = meta.get("annotations") or {}
    size = 0
    for key, value in annotations.items():
        # ValidateAnnotations checks the lower-cased key.
        errors += qualified_name(key.lower(), "metadata.annotations key")
        if not isinstance(value, str):
            errors.append(f"metadata.annotations[{key!r}] {value!r}: not a string")
            continue
        size += len(key) + len(value)
    if size > ANNOTATIONS_MAX_BYTES:
        errors.append(f"metadata.annotations: {size} bytes, over {ANNOTATIONS_MAX_BYTES}")

    volumes = spec.get("volumes") or []
    volume_names = set()
    for i, v in enumerate(volumes):
        vname = v.get("name", "")
        errors += dns1123_label(vname, f"spec.volumes[{i}].name")
        if vname in volume_names:
            errors.append(f"spec.volumes[{i}].name {vname!r}: duplicate")
        volume_names.add(vname)
        secret = v.get("secret")
        if secret is not None:
            if secret.get("secretName"):
                errors += dns1123_subdomain(
                    secret["secretName"], f"spec.volumes[{i}].secret.secretName"
                )
            for j, item in enumerate(secret.get("items") or []):
                path = item.get("path", "")
                if path.startswith("/") or ".." in path.split("/") or not path:
                    errors.append(
                        f"spec.volumes[{i}].secret.items[{j}].path {path!r}: must be a "
                        "relative path without '..'"
                    )
        empty_dir = v.get("emptyDir")
        if empty_dir and empty_dir.get("sizeLimit") is not None:
            q = quantity(empty_dir["sizeLimit"])
            if q is None or q < 0:
                errors.append(
                    f"spec.volumes[{i}].emptyDir.sizeLimit {empty_dir['sizeLimit']!r}: "
                    "not a non-negative quantity"
                )

    container_names = set()
    groups = ("initContainers", "containers", "ephemeralContainers")
    for group in groups:
        for i, c in enumerate(spec.get(group) or []):
            where = f"spec.{group}[{i}]"
            cname = c.get("name", "")
            errors += dns1123_label(cname, f"{where}.name")
            if cname in container_names:
                errors.append(f"{where}.name {cname!r}: duplicate container name")
            container_names.add(cname)
            if not c.get("image"):
                errors.append(f"{where}.image: required")
            env_names = set()
            for j, e in enumerate(c.get("env") or []):
                ename = e.get("name", "")
                if not ENV_VAR_NAME.match(ename):
                    errors.append(
                        f"{where}.env[{j}].name {ename!r}: not a valid environment variable "
                        "name"
                    )
                if "value" in e and "valueFrom" in e:
                    errors.append(f"{where}.env[{j}]: both value and valueFrom")
                env_names.add(ename)
            mount_paths = set()
            for j, m in enumerate(c.get("volumeMounts") or []):
                if m.get("name") not in volume_names:
                    errors.append(
                        f"{where}.volumeMounts[{j}].name {m.get('name')!r}: no such volume"
                    )
                path = m.get("mountPath", "")
                if not path:
                    errors.append(f"{where}.volumeMounts[{j}].mountPath: required")
                if path in mount_paths:
                    errors.append(f"{where}.volumeMounts[{j}].mountPath {path!r}: duplicate")
                mount_paths.add(path)
            errors += resources(c.get("resources") or {}, f"{where}.resources")
    if not spec.get("containers"):
        errors.append("spec.containers: at least one container is required")
    restart = spec.get("restartPolicy")
    if restart not in (None, "Always", "OnFailure", "Never"):
        errors.append(f"spec.restartPolicy {restart!r}: not Always, OnFailure or Never")
    dns = spec.get("dnsConfig") or {}
    if len(dns.get("nameservers") or []) > MAX_DNS_NAMESERVERS:
        errors.append(f"spec.dnsConfig.nameservers: more than {MAX_DNS_NAMESERVERS}")
    if len(dns.get("searches") or []) > MAX_DNS_SEARCHES:
        errors.append(f"spec.dnsConfig.searches: more than {MAX_DNS_SEARCHES}")
    if spec.get("dnsPolicy") == "None" and not dns.get("nameservers"):
        errors.append("spec.dnsConfig.nameservers: required when dnsPolicy is None")
    for i, alias in enumerate(spec.get("hostAliases") or []):
        for j, host in enumerate(alias.get("hostnames") or []):
            errors += dns1123_subdomain(host, f"spec.hostAliases[{i}].hostnames[{j}]")
    return errors


def validate(pod, version):
    """The pod's errors: the schema's (strict) first, then the API server's rules."""
    errors = []
    try:
        validated = kubernetes_validate.validate(pod, version, strict=True)
        if validated != version:
            errors.append(f"validated against {validated}, not {version}")
    except kubernetes_validate.ValidationError as e:
        path = ".".join(str(p) for p in e.path) or "(the pod)"
        errors.append(f"schema {e.version} (strict): {path}: {e.message}")
    except kubernetes_validate.SchemaNotFoundError as e:
        errors.append(f"schema: {e.message}")
    return errors + api_server_rules(pod)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubernetes-version", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    report = {}
    for f in args.files:
        path = Path(f)
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        if len(docs) != 1:
            report[path.stem] = [f"{len(docs)} YAML documents, not one pod"]
            continue
        report[path.stem] = validate(docs[0], args.kubernetes_version)
    for name, errors in report.items():
        verdict = "valid" if not errors else f"INVALID ({len(errors)})"
        print(f"{name}: {verdict}", file=sys.stderr)
        for e in errors:
            print(f"    {e}", file=sys.stderr)
    print(
        json.dumps(
            {
                "kubernetes": args.kubernetes_version,
                "package": kubernetes_validate.__version__,
                "pods": report,
            }
        )
    )


if __name__ == "__main__":
    main()
