"""Build the optional compiled accelerators (src/jsonl_lint/text/_*.c, src/jsonl_lint/files/_*.c) with the
system's C compiler.

Where there is no compiler, or it fails, or JSONL_LINT_PURE_BUILD=1 is set, the wheel is built
without them (a pure-Python wheel, as before) and jsonl-lint uses its Python and numpy code, which
gives the same findings (tests/text/). A module that fails to build leaves the others: each Python
module falls back on its own. The compiler and flags are the ones this Python was built with
(``sysconfig``), as setuptools would use; nothing is downloaded.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Where the modules go in the wheel: one for each src/<package>/_<name>.c, beside its Python module.
PACKAGES = ("jsonl_lint/files", "jsonl_lint/text")


def compile_extension(source: Path, output: Path) -> str | None:
    """Compile and link ``source`` into ``output``; None on success, else why it was not built."""
    link = sysconfig.get_config_var("LDSHARED")  # the compiler driver, linking an extension (-shared, or -bundle)
    if not link:
        return "no C compiler is configured for this Python"
    command = [
        *shlex.split(link),
        *shlex.split(sysconfig.get_config_var("CFLAGS") or ""),
        *shlex.split(sysconfig.get_config_var("CCSHARED") or ""),
        "-O3",
        f"-I{sysconfig.get_paths()['include']}",
        str(source),
        "-o",
        str(output),
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return f"{command[0]}: {error}"
    if done.returncode:
        return f"{' '.join(command)}: {done.stderr.strip()[-2000:]}"
    return None


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or os.environ.get("JSONL_LINT_PURE_BUILD"):
            return
        root = Path(self.root)
        for package in PACKAGES:
            for source in sorted((root / "src" / package).glob("_*.c")):
                name = source.stem + sysconfig.get_config_var("EXT_SUFFIX")
                # an editable install imports from src/: the module is built there (git ignores it)
                output = source.with_name(name) if version == "editable" else root / "build" / "ext" / package / name
                failure = compile_extension(source, output)
                if failure:
                    print(f"jsonl-lint: no compiled {source.stem}, the Python code is used: {failure}", file=sys.stderr)
                    continue
                build_data["pure_python"] = False
                build_data["infer_tag"] = True
                if version != "editable":
                    build_data["force_include"][str(output)] = f"{package}/{name}"
