#pragma once
// Running the real grader binary from tests and reading its JSON result.

#include "process.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace test_support {

inline const std::string grader_exe = GRADER_EXE;
inline const std::string source_dir = TG_SOURCE_DIR;

struct graded {
    run_result run;
    nlohmann::json result; ///< null when no JSON was written
};

/// `grader grade DIR --json FILE [extra...]`.
inline graded grade(const std::filesystem::path& submission,
                    const temp_dir& scratch,
                    std::vector<std::string> extra = {}) {
    const auto json_file = scratch.path() / ("result-" + submission.filename().string() + ".json");
    std::vector<std::string> args{"grade", submission.string(), "--json", json_file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    graded g{run(grader_exe, args), nullptr};
    std::ifstream in(json_file);
    if (in) {
        g.result = nlohmann::json::parse(in);
    }
    return g;
}

/// The check result with this id, or null.
inline nlohmann::json check_of(const nlohmann::json& result, const std::string& id) {
    for (const auto& c : result["checks"]) {
        if (c["id"] == id) {
            return c;
        }
    }
    return nullptr;
}

} // namespace test_support
