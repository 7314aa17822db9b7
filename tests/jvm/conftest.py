"""Session set-up for the real-JVM tests: the agent under test, the compiled fixture classes and
launchers that always kill their JVMs.

Environment: NJ_AGENT = path of libnativejmx.so, NJ_BUILD = build directory (fixture classes go
to $NJ_BUILD/jvm-fixtures). Both default to the repository's build/.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def agent() -> Path:
    return harness.built_agent()


@pytest.fixture(scope="session")
def fixture_classes(tmp_path_factory) -> Path:
    build = os.environ.get("NJ_BUILD")
    out = Path(build) / "jvm-fixtures" if build else tmp_path_factory.mktemp("jvm-fixtures")
    return harness.compile_fixtures(out)


@pytest.fixture
def launcher(tmp_path, fixture_classes, agent):
    jvms = harness.JvmLauncher(tmp_path, fixture_classes, agent)
    yield jvms
    jvms.close()


@pytest.fixture(scope="module")
def module_launcher(tmp_path_factory, fixture_classes, agent, request):
    workdir = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    jvms = harness.JvmLauncher(workdir, fixture_classes, agent)
    yield jvms
    jvms.close()
