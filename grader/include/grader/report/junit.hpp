#pragma once
// JUnit XML, what CI systems (Jenkins, GitLab, Buildkite, GitHub test reporters) show as test
// results: one <testsuite> per submission inside <testsuites>, a <testcase> per check
// (classname: submission.category), a <failure> for each failed check with its one-line
// evidence as the message and its findings as the text. Valid against the Jenkins junit-10.xsd
// shape (tests/tools/junit-10.xsd). Candidate text is escaped for XML 1.0 (escape.hpp).

#include "grader/model/result.hpp"

#include <string>

namespace grader {

std::string render_junit(const grade_result& result);

} // namespace grader
