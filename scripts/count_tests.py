"""Adds up the test counts of every suite's report into one closing line for CI."""

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def junit(path: Path) -> tuple[int, int]:
    root = ET.parse(path).getroot()  # noqa: S314 - our own test runners' reports
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed


def jest(path: Path) -> tuple[int, int]:
    report = json.loads(path.read_text())
    return report["numPassedTests"], report["numFailedTests"] + report.get("numRuntimeErrorTestSuites", 0)


reports = Path(sys.argv[1])
passed = failed = 0
for path, read in ((reports / "pytest.xml", junit), (reports / "jest.json", jest), (reports / "vitest.xml", junit)):
    if not path.exists():
        print(f"  missing report: {path.name} (that suite did not run to the end)")
        failed += 1
        continue
    p, f = read(path)
    passed, failed = passed + p, failed + f
print(f"tests: {passed} passed, {failed} failed")
