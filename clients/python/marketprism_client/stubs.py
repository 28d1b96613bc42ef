"""Generates the Python messages and gRPC stubs from proto/ with protoc and grpc_python_plugin (Debian's
protobuf-compiler and protobuf-compiler-grpc), into clients/python/target/generated; nothing generated is committed.
The Google API protos the contracts import (google/api, google/rpc) come from the npm package google-proto-files,
which scripts/install-deps installs for both clients."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPOSITORY = PACKAGE_DIR.parents[2]
PROTO_ROOT = REPOSITORY / "proto" / "src" / "main" / "proto"
GOOGLE_PROTOS = REPOSITORY / "node_modules" / "google-proto-files"
OUT = PACKAGE_DIR.parent / "target" / "generated"
GOOGLE_IMPORTS = [
    "google/api/annotations.proto",
    "google/api/http.proto",
    "google/api/field_behavior.proto",
    "google/rpc/code.proto",
    "google/rpc/status.proto",
]


def _contracts():
    return sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))


def _stale():
    stamp = OUT / ".stamp"
    if not stamp.exists():
        return True
    built = stamp.stat().st_mtime
    return any(p.stat().st_mtime > built for p in PROTO_ROOT.rglob("*.proto"))


def generate(force=False):
    """Runs protoc when the stubs are missing or older than a .proto file; returns the output directory."""
    if not force and not _stale():
        return OUT
    for tool in ("protoc", "grpc_python_plugin"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: run scripts/install-deps (Debian's protobuf-compiler, "
                               "protobuf-compiler-grpc)")
    if not (GOOGLE_PROTOS / "google" / "api" / "annotations.proto").exists():
        raise RuntimeError(f"{GOOGLE_PROTOS} is missing: run scripts/install-deps (npm ci)")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    command = [
        "protoc", f"-I{PROTO_ROOT}", f"-I{GOOGLE_PROTOS}",
        f"--python_out={OUT}", f"--grpc_python_out={OUT}",
        f"--plugin=protoc-gen-grpc_python={shutil.which('grpc_python_plugin')}",
        *GOOGLE_IMPORTS, *_contracts(),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("protoc failed: " + result.stderr.strip())
    # protoc writes no __init__.py; regular packages keep google/ from shadowing the installed google.protobuf
    for directory in [OUT / "marketprism", *[p for p in (OUT / "marketprism").rglob("*") if p.is_dir()]]:
        (directory / "__init__.py").touch()
    (OUT / ".stamp").touch()
    return OUT


if __name__ == "__main__":
    print(generate(force="--force" in sys.argv))
