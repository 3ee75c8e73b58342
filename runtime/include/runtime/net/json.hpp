#pragma once
// JSON bodies (optional): an HTTP answer as a parsed nlohmann::json, or a json_error saying
// why not - a failed request, a status other than 200, or a body that is not JSON. Never throws.
//
// Opt-in, so that nobody inherits nlohmann-json through the runtime: runtime/all.hpp does not
// include this header and the runtime library does not need it. Link the CMake package's
// component instead of the bare runtime:
//     find_package(takehome_runtime REQUIRED COMPONENTS json)
//     target_link_libraries(app PRIVATE takehome::runtime_json)

#include "runtime/net/http_client.hpp"
#include "runtime/task.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace rt::net {

/// Why an answer gave no JSON document.
enum class json_error_kind {
    request, ///< the request itself failed (see http_error_kind): no response
    status,  ///< a response, but not 200
    body,    ///< a 200 whose body is not valid JSON
};

struct json_error {
    json_error_kind kind = json_error_kind::request;
    int status = 0;      ///< the response's status (0 for request failures)
    std::string message; ///< one lower-case line, e.g. "status 503", "body is not valid json"
};

/// Either a parsed document or a json_error.
class [[nodiscard]] json_result {
  public:
    json_result(nlohmann::json doc) : v_(std::move(doc)) {} // NOLINT: implicit by design
    json_result(json_error e) : v_(std::move(e)) {}         // NOLINT: implicit by design

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    /// The document (std::bad_variant_access if !ok()).
    nlohmann::json& value() { return std::get<0>(v_); }
    /// The failure (std::bad_variant_access if ok()).
    const json_error& error() const { return std::get<1>(v_); }

  private:
    std::variant<nlohmann::json, json_error> v_;
};

/// The body of a 200 response, parsed without exceptions.
inline json_result to_json(const http_result& answer) {
    if (!answer) {
        return json_error{json_error_kind::request, 0, answer.error().message};
    }
    const http_response& r = answer.response();
    if (r.status != 200) {
        return json_error{json_error_kind::status, r.status, "status " + std::to_string(r.status)};
    }
    nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        return json_error{json_error_kind::body, r.status, "body is not valid json"};
    }
    return doc;
}

namespace json_detail {
inline task<json_result> json_when_done(task<http_result> request) {
    co_return to_json(co_await std::move(request));
}
} // namespace json_detail

/// GETs `url` (timeout as http_client::get) and parses a 200 answer as JSON. The request is
/// made now, so the returned task, like client.get's, may outlive `client`.
inline task<json_result>
get_json(http_client& client, std::string url, std::chrono::milliseconds timeout) {
    return json_detail::json_when_done(client.get(std::move(url), timeout));
}

} // namespace rt::net
