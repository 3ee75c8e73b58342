#!/usr/bin/python3
# Reads a JUnit XML file with Debian's python3-junitparser (a real consumer of the format) and
# prints what it understood as JSON, for tests/grader/report_cli_test.cpp to compare with the
# result the file was rendered from. Exit 1 when junitparser cannot read it.
import json
import sys

from junitparser import JUnitXml

suites = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    cases = []
    for case in suite:
        cases.append({"name": case.name, "classname": case.classname,
                      "results": [{"kind": type(r).__name__.lower(), "message": r.message,
                                   "type": r.type, "text": r.text} for r in case.result]})
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                   "errors": suite.errors, "cases": cases})
print(json.dumps({"suites": suites}))
