#pragma once
// Helpers shared by the runtime tests.

#include <pthread.h>
#include <string>

namespace rt_test {

/// The calling thread's name as set by pthread_setname_np.
inline std::string thread_name() {
    char buffer[16] = {};
    ::pthread_getname_np(::pthread_self(), buffer, sizeof buffer);
    return buffer;
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

} // namespace rt_test
