#include "grader/report/json.hpp"

#include "grader/model/result_json.hpp"

namespace grader {

std::string render_json(const grade_result& result) {
    return to_json(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace grader
