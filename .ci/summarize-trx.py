#!/usr/bin/env python3
"""Adds up the .trx files of a test run and prints one closing line: 'N passed, N failed, N skipped'."""
import glob, sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        outcome = result.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Inconclusive"):
            skipped += 1
        else:
            failed += 1
            print(f"FAILED: {result.get('testName')}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
