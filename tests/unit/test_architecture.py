"""The dependency rules and module size limit of the architecture note."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IO_LIBRARIES = {"asyncio", "socket", "sqlite3", "redis", "aiortc", "av", "fastapi", "starlette",
                "websockets", "httpx", "time", "os", "subprocess"}


def imports_of(package: str) -> dict[Path, set[str]]:
    out: dict[Path, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
                if node.module in {"signaling", "media", "session_room"}:
                    names.update(f"{node.module}.{a.name}" for a in node.names)
        out[path] = names
    return out


def test_session_room_imports_no_io_library() -> None:
    for path, names in imports_of("session_room").items():
        assert not names & IO_LIBRARIES, f"{path.name} imports {names & IO_LIBRARIES}"


def test_media_never_imports_the_domain_or_the_edge() -> None:
    for path, names in imports_of("media").items():
        assert not names & {"session_room", "signaling"}, path.name


def test_load_tests_import_only_the_protocol_of_the_server() -> None:
    for path, names in imports_of("load_tests").items():
        assert not names & {"session_room", "media"}, path.name
        server = {n for n in names if n.startswith("signaling") and n != "signaling"}
        assert server <= {"signaling.protocol"}, f"{path.name}: {server}"


@pytest.mark.parametrize("package", ["session_room", "media", "signaling", "load_tests"])
def test_modules_stay_under_400_lines(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path} has {lines} lines"
