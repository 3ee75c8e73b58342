#include "common/yaml_reader.hpp"

#include <catch2/catch.hpp>

namespace {

// Runs `read` on the document and returns the located error it raised, or "" if none.
template <typename Read>
std::string error_of(const std::string& text, Read read) {
    auto root = common::yaml_reader::load_string(text, "f.yaml");
    if (!root) {
        return root.err().message;
    }
    try {
        read(common::yaml_reader("f.yaml"), root.value());
    } catch (const common::yaml_error& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST_CASE("a syntax error names the file and line and column", "[common][yaml]") {
    const auto root = common::yaml_reader::load_string("a: [1, 2\nb: 3\n", "f.yaml");
    REQUIRE_FALSE(root);
    CHECK(root.err().message.rfind("f.yaml:", 0) == 0);
    CHECK(root.err().code == common::errc::invalid_input);
}

TEST_CASE("an unknown key is located at the key with a suggestion", "[common][yaml]") {
    const auto message = error_of("count: 3\nthersold: 5\n", [](const auto& r, const auto& node) {
        r.as_map(node, "check", {"count", "threshold"});
    });
    CHECK(message == "f.yaml:2:1: unknown key 'thersold' in 'check' (did you mean 'threshold'?)");
}

TEST_CASE("an unknown key without a near match lists the allowed keys", "[common][yaml]") {
    const auto message = error_of("zzz: 1\n", [](const auto& r, const auto& node) {
        r.as_map(node, "limits", {"count", "threshold"});
    });
    CHECK(message ==
          "f.yaml:1:1: unknown key 'zzz' in 'limits' (expected one of 'count', 'threshold')");
}

TEST_CASE("wrong types and out-of-range values are located at the value", "[common][yaml]") {
    const auto read_count = [](const auto& r, const auto& node) {
        r.as_map(node, "jobs", {"count"}).get_int("count", 1, 100);
    };
    CHECK(error_of("count: many\n", read_count) ==
          "f.yaml:1:8: 'count' must be an integer, got 'many'");
    CHECK(error_of("count: 0\n", read_count) ==
          "f.yaml:1:8: 'count' must be between 1 and 100, got 0");
    CHECK(error_of("count: [1]\n", read_count) ==
          "f.yaml:1:8: 'count' must be an integer, got a list");
    CHECK(error_of("other: 1\n", [](const auto& r, const auto& node) {
              r.as_map(node, "jobs", {"count", "other"}).get_int("count", 1, 100);
          }) == "f.yaml:1:1: missing required key 'count'");
}

TEST_CASE("optional values fall back to their defaults", "[common][yaml]") {
    auto root = common::yaml_reader::load_string("flag: true\n", "f.yaml");
    REQUIRE(root);
    const common::yaml_reader r("f.yaml");
    const auto m = r.as_map(root.value(), "x", {"flag", "count", "ratio"});
    CHECK(m.get_bool("flag", false));
    CHECK(m.get_int("count", 0, 10, 7) == 7);
    CHECK(m.get_number("ratio", 0.0, 1.0, 0.25) == 0.25);
}
