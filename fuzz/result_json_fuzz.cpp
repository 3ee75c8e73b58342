// fuzz_result_json: the reader of saved results (grader::grade_result_from_json). Any JSON is
// either refused with an error value or read into a result; a result read back from its own
// JSON writes the same JSON again (one round trip settles defaults and rounding).
//
// Input is parsed the way the grader's other readers of JSON do: nesting deeper than 64 is
// refused before parsing (nlohmann's dump() recurses once per level).

#include "fuzz_support.hpp"
#include "grader/evidence/untrusted.hpp"
#include "grader/model/result_json.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    if (grader::nesting_depth(text) > 64) {
        return 0;
    }
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        return 0;
    }
    auto read = grader::grade_result_from_json(doc);
    if (!read) {
        if (read.err().code != common::errc::invalid_input) {
            fuzz::fail("a refused result is not invalid_input", read.err().message);
        }
        return 0;
    }
    const auto once = grader::to_json(read.value());
    auto reread = grader::grade_result_from_json(nlohmann::json::parse(once.dump()));
    if (!reread) {
        fuzz::fail("a written result cannot be read back", reread.err().message);
    }
    const auto twice = grader::to_json(reread.value());
    if (once != twice) {
        fuzz::fail("a result changes through a second round trip", once.dump());
    }
    return 0;
}
