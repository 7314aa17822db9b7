"""Strings beyond ASCII reach the rules and the exposition unchanged: the java-shim hands them
over in UTF-8, and a lone surrogate becomes '?' as Java's UTF-8 encoder (and so the javaagent's
response writer) makes it. The expected texts are the fixture's Java strings
(tests/jvm/fixtures/FixtureBeans.java, Text) written out by hand."""

import pytest

from harness import JDKS, free_port, parse_exposition, scrape, write_config

CONFIG = """\
rules:
  - pattern: 'nativejmx.text<type=Text, city=(.*)><>(\\w+): (.*)'
    name: nativejmx_text
    value: 1
    labels:
      city: "$1"
      attribute: "$2"
      text: "$3"
"""


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_non_ascii_strings_and_lone_surrogates(launcher, tmp_path, jdk):
    config = write_config(tmp_path / "config.yaml", CONFIG)
    port = free_port()
    jvm = launcher.start(jdk, ["--text-beans", "forever"], f"{port}:{config}", port=port, name="text")
    jvm.wait_until_serving()
    response = scrape(port)
    assert response.status == 200, jvm.describe()
    family = parse_exposition(response.text)["nativejmx_text"]
    assert {tuple(sorted(s.labels)) for s in family.samples} == {
        (("attribute", "Accented"), ("city", "Z\u00fcrich"), ("text", "Z\u00fcrich \u00e9t\u00e9 \u65e5\u672c")),
        (("attribute", "Emoji"), ("city", "Z\u00fcrich"), ("text", "a\U0001F600b")),
        (("attribute", "LoneSurrogates"), ("city", "Z\u00fcrich"), ("text", "x?y?z?")),
    }
    assert {s.value for s in family.samples} == {"1.0"}
