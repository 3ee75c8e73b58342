// fuzz_scenario: the mock's scenario reader (mock_api::parse_scenario). Any text is either a
// scenario or an error located in the file; for a scenario, the oracle is computed and every
// outcome it calls acceptable must pass its own comparison, and the bodies are serialised.

#include "fuzz_support.hpp"
#include "mock_api/dataset.hpp"
#include "mock_api/oracle.hpp"
#include "mock_api/scenario.hpp"

#include <cstdint>

namespace {

void check_oracle(const mock_api::scenario& scene) {
    const mock_api::oracle o = mock_api::compute_oracle(scene);
    const auto doc = o.to_json();
    for (const auto& outcome : doc.at("acceptable")) {
        if (outcome.at("exit_code") != 0) {
            continue;
        }
        const auto diffs = o.differences(outcome.at("stdout"));
        if (!diffs.empty()) {
            fuzz::fail("an acceptable outcome differs from the oracle", diffs.front());
        }
    }
    (void)doc.dump();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = mock_api::parse_scenario(fuzz::text_of(data, size), "fuzz.yaml");
    if (!parsed) {
        fuzz::expect_located(parsed.err(), "fuzz.yaml");
        return 0;
    }
    const mock_api::scenario& scene = parsed.value();
    check_oracle(scene);
    (void)mock_api::list_body(scene.jobs);
    for (const auto& j : scene.jobs) {
        (void)mock_api::detail_body(j);
        (void)scene.answer_ms(j);
    }
    return 0;
}
