"""Session set-up for the end-to-end tests: real servers from Debian's packages, a real
Prometheus, the docker/ and gradle/ integrations. Reuses tests/jvm/harness.py.

Environment: NJ_AGENT = path of libnativejmx.so (default: the repository's build/).
"""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "jvm"), str(TESTS / "e2e")]

import harness  # noqa: E402


@pytest.fixture(scope="session")
def agent() -> Path:
    return harness.built_agent()


@pytest.fixture(scope="module")
def module_processes(tmp_path_factory, request, agent):
    """Whatever a module starts (its server, its Prometheus), killed after the module."""
    workdir = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    processes = harness.JvmLauncher(workdir, classes=None, agent=agent)
    yield processes
    processes.close()
