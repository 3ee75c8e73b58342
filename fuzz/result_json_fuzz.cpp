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

namespace {

// Open bug "result-float-to-integer": grade_result_from_json reads integer fields with
// nlohmann's get<int>() and friends, which convert a float out of the target's range with
// undefined behaviour (UBSan: "1.7e+22 is outside the range of representable values").
bool has_float_outside_int_range(const nlohmann::json& j) {
    if (j.is_number_float()) {
        const double v = j.get<double>();
        return !(v > -1.0 && v < 2147483648.0);
    }
    if (j.is_structured()) {
        for (const auto& item : j) {
            if (has_float_outside_int_range(item)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    if (grader::nesting_depth(text) > 64) {
        return 0;
    }
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        return 0;
    }
    if (has_float_outside_int_range(doc) && fuzz::guard_open_bug("result-float-to-integer")) {
        return -1;
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
