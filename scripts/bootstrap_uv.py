#!/usr/bin/env python3
"""Fetch a pinned uv binary from PyPI into .tools/ using only the standard library.

A fresh Debian machine has python3 but often neither pip nor the venv module
(python3-venv is a separate package). uv needs neither: it creates the virtual
environment and installs the locked dependencies itself. The wheel's SHA-256 is
pinned here, so the download is verified, not trusted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import stat
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

UV_VERSION = "0.13.9"
INDEX = os.environ.get("UV_BOOTSTRAP_INDEX", "https://pypi.org/simple")
WHEELS = {
    ("Linux", "x86_64"): (
        "uv-0.13.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19",
    ),
    ("Linux", "aarch64"): (
        "uv-0.13.9-py3-none-manylinux_2_28_aarch64.whl",
        "ecb6028d79dc96fbeafffe5c8af62a7099487ebc05a701e76714eebcffd06375",
    ),
    ("Darwin", "arm64"): (
        "uv-0.13.9-py3-none-macosx_11_0_arm64.whl",
        "66c512266d633bef48384a1f53003f41f2a8e7b36fe6e7fbfd3e0fd52d96fa63",
    ),
}


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".tools/uv")
    if target.exists():
        return 0
    key = (platform.system(), platform.machine())
    if key not in WHEELS:
        print(
            f"No pinned uv wheel for {key[0]} {key[1]}; install uv {UV_VERSION} "
            f"yourself (https://docs.astral.sh/uv/) and put it at {target}.",
            file=sys.stderr,
        )
        return 1
    filename, sha256 = WHEELS[key]
    request = urllib.request.Request(
        f"{INDEX}/uv/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    url = next(f["url"] for f in files if f["filename"] == filename)
    url = urllib.parse.urljoin(f"{INDEX}/uv/", url)
    print(f"Downloading {filename}", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=300) as response:
        payload = response.read()
    digest = hashlib.sha256(payload).hexdigest()
    if digest != sha256:
        print(f"uv wheel hash mismatch: got {digest}, expected {sha256}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(io.BytesIO(payload)) as wheel:
        member = f"uv-{UV_VERSION}.data/scripts/uv"
        data = wheel.read(member)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    tmp.replace(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
