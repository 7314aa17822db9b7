"""Session set-up for the end-to-end tests: real servers from Debian's packages, a real
Prometheus, the docker/ and gradle/ integrations. Reuses tests/jvm/harness.py.

Environment: NJ_AGENT = path of libnativejmx.so (default: the repository's build/).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jvm"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def agent() -> Path:
    path = harness.built_agent()
    if not path.is_file():
        pytest.fail(f"agent not built: {path} does not exist (run `make build`, or set NJ_AGENT)")
    return path


@pytest.fixture(scope="module")
def module_processes(tmp_path_factory, request):
    """Starts the module's server (and its Prometheus) and kills them after the module."""
    workdir = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    processes = harness.JvmLauncher(workdir, classes=None, agent=harness.built_agent())
    yield processes
    processes.close()
