#include "common/suggest.hpp"

#include <catch2/catch.hpp>

TEST_CASE("edit distance counts a swap of neighbours as one edit", "[common][suggest]") {
    CHECK(common::edit_distance("threshold", "thresold") == 1);
    CHECK(common::edit_distance("seed", "sede") == 1);
    CHECK(common::edit_distance("", "abc") == 3);
    CHECK(common::edit_distance("same", "same") == 0);
}

TEST_CASE("a close typo gets a suggestion and a distant word does not", "[common][suggest]") {
    const std::vector<std::string> keys{"name", "seed", "jobs", "latency", "faults"};
    CHECK(common::closest_match("laetncy", keys) == "latency");
    CHECK(common::closest_match("sed", keys) == "seed");
    CHECK(common::closest_match("completely_different", keys).empty());
}
