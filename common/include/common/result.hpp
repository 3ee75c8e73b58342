#pragma once
// result<T>: an expected failure as a value (std::expected is C++23; g++ 12 builds C++20).

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace common {

/// Why an operation failed, coarse enough for `main` to map to an exit code.
enum class errc {
    invalid_input, ///< the user's file or argument is wrong (message is located)
    io,            ///< the operating system refused (bind, open, write)
    internal,      ///< a bug or an unexpected state
    interrupted,   ///< stopped by a signal (Ctrl-C, SIGTERM) before it could finish
};

/// An expected failure: a code plus one lower-case, located message.
struct error {
    errc code = errc::internal;
    std::string message;
};

/// Either a T or an error. Access the wrong side and the assert fires.
template <typename T>
class [[nodiscard]] result {
  public:
    result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
    result(error failure) : v_(std::move(failure)) {} // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    const error& err() const {
        assert(!ok());
        return std::get<1>(v_);
    }

  private:
    std::variant<T, error> v_;
};

/// result<void>: success carries nothing.
struct ok_t {};
using status = result<ok_t>;
inline status success() { return ok_t{}; }

} // namespace common
