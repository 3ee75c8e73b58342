#pragma once
// SHA-256 (OpenSSL) for content hashes: the rubric's, and the warm cache's key.

#include <string>

namespace grader {

/// SHA-256 of a byte string, as lower-case hex.
std::string sha256_hex(const std::string& bytes);

} // namespace grader
