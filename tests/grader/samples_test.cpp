// The calibration test: every sample under submissions/{rust,cpp,node,python,shell}/ with an
// expected.yaml (format: submissions/README.md) is graded through the real binary and must get
// exactly the verdicts its labels give: the overall verdict, the exact `failing:` list, every
// category (`pass`, `fail`, `any`) and every required finding. One test case per sample, found
// at start-up, so that ctest runs them side by side; Rust samples are tagged [cargo], C++ ones
// [cxx], all of them [samples]. Each writes its verdicts to BUILD/Testing/samples-calibration/;
// the last test case (a ctest fixture cleanup, so it runs after them) prints the confusion matrix
// per category over every sample recorded since the first one (the fixture setup) cleared it,
// and fails on any disagreement.

#include "grader_cli.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

using test_support::check_of;
using test_support::temp_dir;

namespace {

namespace fs = std::filesystem;

const std::array<std::string, 7> categories{
    "build", "output", "concurrency", "blocking", "errors", "crash", "timeout"};
const std::array<std::string, 5> families{"rust", "cpp", "node", "python", "shell"};

fs::path records_dir() { return fs::path(TG_BINARY_DIR) / "Testing" / "samples-calibration"; }

/// `family/name` of every sample with an expected.yaml, sorted.
std::vector<std::string> discover_samples() {
    std::vector<std::string> samples;
    for (const auto& family : families) {
        const fs::path dir = fs::path(test_support::source_dir) / "submissions" / family;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (fs::exists(entry.path() / "expected.yaml")) {
                samples.push_back(family + "/" + entry.path().filename().string());
            }
        }
    }
    std::sort(samples.begin(), samples.end());
    return samples;
}

/// What one grading showed next to what the labels say; written as the sample's record.
struct calibration_record {
    std::map<std::string, std::string> expected; ///< category -> pass / fail / any
    std::map<std::string, std::string> got;      ///< category -> pass / fail / absent
    std::vector<std::string> mismatches;         ///< everything else that disagreed
    std::string known_grader_bug;                ///< expected.yaml's, when it names one

    void write(const std::string& sample) const {
        fs::create_directories(records_dir());
        std::string file = sample;
        std::replace(file.begin(), file.end(), '/', '-');
        std::ofstream out(records_dir() / (file + ".txt"));
        out << "sample " << sample << "\n";
        if (!known_grader_bug.empty()) {
            out << "known_grader_bug " << known_grader_bug << "\n";
        }
        for (const auto& category : categories) {
            out << "category " << category << " " << expected.at(category) << " "
                << got.at(category) << "\n";
        }
        for (const auto& m : mismatches) {
            out << "mismatch " << m << "\n";
        }
    }
};

/// Per category: pass when every check of it passed, fail when one failed, absent when none.
std::map<std::string, std::string> category_verdicts(const nlohmann::json& result) {
    std::map<std::string, std::string> got;
    for (const auto& category : categories) {
        got[category] = "absent";
    }
    for (const auto& c : result["checks"]) {
        const std::string category = c["category"];
        if (got[category] == "absent") {
            got[category] = "pass";
        }
        if (c["passed"] == false) {
            got[category] = "fail";
        }
    }
    return got;
}

std::string join(const std::set<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
        out += (out.empty() ? "" : ",") + id;
    }
    return "[" + out + "]";
}

/// The exact failing list, without the checks of `any` categories.
void compare_failing(const YAML::Node& expected,
                     const nlohmann::json& result,
                     calibration_record& record) {
    std::set<std::string> want;
    for (const auto& id : expected["failing"]) {
        want.insert(id.as<std::string>());
    }
    std::set<std::string> failing;
    for (const auto& c : result["checks"]) {
        if (c["passed"] == false && record.expected[c["category"].get<std::string>()] != "any") {
            failing.insert(c["id"].get<std::string>());
        }
    }
    for (auto it = want.begin(); it != want.end();) {
        const auto slash = it->find('/');
        it = record.expected[it->substr(0, slash)] == "any" ? want.erase(it) : std::next(it);
    }
    if (failing != want) {
        record.mismatches.push_back("failing " + join(failing) + " expected " + join(want));
    }
}

void compare_findings(const YAML::Node& expected,
                      const nlohmann::json& result,
                      calibration_record& record) {
    for (const auto& f : expected["findings"]) {
        const auto check = check_of(result, f["check"].as<std::string>());
        bool found = false;
        for (const auto& got : check.is_object() ? check["findings"] : nlohmann::json::array()) {
            found = found || (got["id"] == f["id"].as<std::string>() &&
                              (!f["file"] || got["file"] == f["file"].as<std::string>()) &&
                              (!f["line"] || got["line"] == f["line"].as<int>()));
        }
        if (!found) {
            std::ostringstream what;
            what << "finding " << f["id"].as<std::string>() << " in "
                 << f["check"].as<std::string>()
                 << (f["file"] ? " at " + f["file"].as<std::string>() : "")
                 << (f["line"] ? ":" + f["line"].as<std::string>() : "") << " missing; got "
                 << (check.is_object() ? check["findings"].dump() : "no such check");
            record.mismatches.push_back(what.str());
        }
    }
}

/// Every failed check teaches (issue 14): it carries advice, and when one of its findings is
/// located, the advice names one of those places (file:line) for the candidate to go to.
void compare_advice(const nlohmann::json& result, calibration_record& record) {
    for (const auto& check : result["checks"]) {
        if (check["passed"] == true) {
            continue;
        }
        const std::string id = check["id"];
        const std::string advice = check.contains("advice") && check["advice"].is_string()
                                       ? check["advice"].get<std::string>()
                                       : "";
        if (advice.empty()) {
            record.mismatches.push_back("failed check " + id + " has no advice");
            continue;
        }
        bool located = false;
        bool named = false;
        for (const auto& f : check["findings"]) {
            const std::string file =
                f.contains("file") && f["file"].is_string() ? f["file"].get<std::string>() : "";
            const int line =
                f.contains("line") && f["line"].is_number_integer() ? f["line"].get<int>() : 0;
            if (!file.empty() && line > 0) {
                located = true;
                named =
                    named || advice.find(file + ":" + std::to_string(line)) != std::string::npos;
            }
        }
        if (located && !named) {
            record.mismatches.push_back("the advice of " + id +
                                        " names none of its findings' places: " + advice);
        }
    }
}

/// The submission names its toolchain: Rust and C++ their compilers, others their language.
void compare_toolchain(const std::string& sample,
                       const nlohmann::json& result,
                       calibration_record& record) {
    const std::string toolchain = result["submission"]["toolchain"];
    const std::string family = sample.substr(0, sample.find('/'));
    const std::string language = result["submission"]["language"];
    // C++: the submission compiler, which the runtime package the grader offers records.
    const std::string want = family == "rust"  ? "rustc "
                             : family == "cpp" ? std::string(TG_SUBMISSION_CXX) + " ("
                                               : language;
    if (toolchain.rfind(want, 0) != 0) {
        record.mismatches.push_back("toolchain '" + toolchain + "' does not start with '" + want +
                                    "'");
    }
}

void expect_verdict(const std::string& sample) {
    const fs::path dir = fs::path(test_support::source_dir) / "submissions" / sample;
    const YAML::Node expected = YAML::LoadFile((dir / "expected.yaml").string());
    temp_dir scratch;
    const auto g = test_support::grade(dir, scratch);
    INFO(g.run.out << g.run.err);
    REQUIRE(g.result.is_object());

    calibration_record record;
    for (const auto& category : categories) {
        const auto label = expected["categories"][category];
        record.expected[category] = label ? label.as<std::string>() : "(unlabelled)";
    }
    record.got = category_verdicts(g.result);
    if (expected["known_grader_bug"]) {
        record.known_grader_bug = expected["known_grader_bug"].as<std::string>();
    }
    const bool passed = expected["passed"].as<bool>();
    if (g.result["passed"] != passed || g.run.exit_code != (passed ? 0 : 1)) {
        record.mismatches.push_back("passed " + g.result["passed"].dump() + " (exit " +
                                    std::to_string(g.run.exit_code) + "), expected " +
                                    (passed ? "true" : "false"));
    }
    compare_toolchain(sample, g.result, record);
    compare_failing(expected, g.result, record);
    compare_findings(expected, g.result, record);
    compare_advice(g.result, record);
    record.write(sample);

    for (const auto& category : categories) {
        INFO("category " << category << ": expected " << record.expected[category] << ", got "
                         << record.got[category]);
        CHECK((record.expected[category] == "any" ||
               record.expected[category] == record.got[category]));
    }
    for (const auto& m : record.mismatches) {
        INFO(m);
        CHECK(false);
    }
}

class sample_case : public Catch::ITestInvoker {
  public:
    explicit sample_case(std::string sample) : sample_(std::move(sample)) {}
    void invoke() const override { expect_verdict(sample_); }

  private:
    std::string sample_;
};

// A sample whose expected.yaml names a `known_grader_bug` keeps its honest labels and is
// expected to disagree ([!shouldfail]): the test fails the day the grader gets it right, so that
// the marker is removed then.
std::string tags_of(const std::string& sample) {
    const std::string family = sample.substr(0, sample.find('/'));
    const YAML::Node expected = YAML::LoadFile(
        (fs::path(test_support::source_dir) / "submissions" / sample / "expected.yaml").string());
    return std::string("[grader][samples][e2e]") +
           (family == "rust"  ? "[cargo]"
            : family == "cpp" ? "[cxx]"
                              : "") +
           (expected["known_grader_bug"] ? "[!shouldfail]" : "");
}

} // namespace

// Registered first: clears the records (ctest: the fixture's setup).
TEST_CASE("the samples' calibration records start empty", "[grader][calibration-setup]") {
    std::error_code ec;
    fs::remove_all(records_dir(), ec);
    CHECK(!fs::exists(records_dir()));
    // The test binary registered the samples it found when it started; ctest knows those the
    // build's discovery found. A sample added since is graded only after a rebuild.
    INFO("rebuild the tests: the build saw " << TG_SAMPLE_COUNT << " samples");
    CHECK(discover_samples().size() == std::size_t{TG_SAMPLE_COUNT});
}

// One test case per sample, registered between the two.
static const bool samples_registered = [] {
    for (const auto& sample : discover_samples()) {
        const std::string name = "the sample " + sample + " gets the verdicts of its expected.yaml";
        const std::string tags = tags_of(sample);
        Catch::getMutableRegistryHub().registerTest(Catch::makeTestCase(
            new sample_case(sample), "", Catch::NameAndTags{name, tags}, CATCH_INTERNAL_LINEINFO));
    }
    return true;
}();

namespace {

struct confusion {
    int tp = 0, fp = 0, tn = 0, fn = 0, any = 0, absent = 0;

    /// "positive" = the category fails. Returns false on a disagreement.
    bool add(const std::string& expected, const std::string& got) {
        if (expected == "any") {
            ++any;
            return true;
        }
        if (got != "pass" && got != "fail") {
            ++absent;
            return false;
        }
        const bool want_fail = expected == "fail";
        const bool fails = got == "fail";
        (want_fail ? (fails ? tp : fn) : (fails ? fp : tn))++;
        return want_fail == fails && (expected == "pass" || expected == "fail");
    }
};

struct disagreements {
    std::vector<std::string> unexplained;
    std::vector<std::string> known_grader_bugs; ///< of samples whose expected.yaml names the bug
};

/// Reads every record; returns the disagreements, fills the matrix and the sample list.
disagreements read_records(std::map<std::string, confusion>& matrix,
                           std::set<std::string>& recorded) {
    disagreements found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(records_dir(), ec)) {
        if (entry.path().extension() != ".txt") {
            continue;
        }
        std::ifstream in(entry.path());
        std::string kind, sample;
        in >> kind >> sample;
        recorded.insert(sample);
        std::string bug;
        for (std::string line; std::getline(in >> std::ws, line);) {
            std::istringstream fields(line);
            std::string category, expected, got;
            fields >> kind;
            const std::string rest = line.substr(std::min(line.size(), kind.size() + 1));
            auto& into = bug.empty() ? found.unexplained : found.known_grader_bugs;
            if (kind == "known_grader_bug") {
                bug = rest;
            } else if (kind == "category" && fields >> category >> expected >> got &&
                       !matrix[category].add(expected, got)) {
                into.push_back(sample + ": " + category + " expected " + expected + ", got " + got);
            } else if (kind == "mismatch") {
                into.push_back(sample + ": " + rest);
            }
        }
        if (!bug.empty()) {
            found.known_grader_bugs.push_back(sample + ": known grader bug: " + bug);
        }
    }
    return found;
}

std::string render_matrix(const std::map<std::string, confusion>& matrix, std::size_t samples) {
    std::ostringstream out;
    out << "calibration over " << samples << " samples (positive = the category fails)\n"
        << std::left << std::setw(13) << "category" << std::right << std::setw(5) << "TP"
        << std::setw(5) << "FP" << std::setw(5) << "TN" << std::setw(5) << "FN" << std::setw(5)
        << "any" << std::setw(8) << "absent"
        << "\n";
    for (const auto& category : categories) {
        const auto it = matrix.find(category);
        const confusion c = it == matrix.end() ? confusion{} : it->second;
        out << std::left << std::setw(13) << category << std::right << std::setw(5) << c.tp
            << std::setw(5) << c.fp << std::setw(5) << c.tn << std::setw(5) << c.fn << std::setw(5)
            << c.any << std::setw(8) << c.absent << "\n";
    }
    return out.str();
}

} // namespace

// Registered last: the matrix over what the sample tests recorded (ctest: the fixture's cleanup,
// which runs after every test that requires it, whichever subset was selected).
TEST_CASE("the samples' verdicts agree with their labels in every category",
          "[grader][calibration-matrix]") {
    REQUIRE(samples_registered);
    std::map<std::string, confusion> matrix;
    std::set<std::string> recorded;
    const auto found = read_records(matrix, recorded);
    const std::string table = render_matrix(matrix, recorded.size());
    std::cout << table;
    std::ofstream(records_dir().parent_path() / "samples-calibration-matrix.txt") << table;
    for (const auto& sample : discover_samples()) {
        if (recorded.count(sample) == 0) {
            std::cout << "not graded in this run: " << sample << "\n";
        }
    }
    for (const auto& d : found.known_grader_bugs) {
        std::cout << "disagreement (known grader bug, labels kept): " << d << "\n";
    }
    for (const auto& d : found.unexplained) {
        std::cout << "disagreement: " << d << "\n";
    }
    INFO(table);
    CHECK(found.unexplained.empty());
}
