#include "runtime/net/url.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace rt::net {

namespace {

error bad_url(std::string_view text, const std::string& why) {
    return error{net_error::invalid_argument, "invalid url '" + std::string(text) + "': " + why};
}

bool is_ipv4(const std::string& host) {
    in_addr addr{};
    return ::inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

} // namespace

result<http_url> parse_url(std::string_view text) {
    constexpr std::string_view scheme = "http://";
    if (text.substr(0, scheme.size()) != scheme) {
        return bad_url(text, "only http:// is supported");
    }
    std::string_view rest = text.substr(scheme.size());
    std::size_t slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    http_url url;
    if (slash != std::string_view::npos) {
        // "?q" means "/?q". (Built by concatenation: GCC 12 at -O3 warns -Wrestrict, falsely,
        // on string::insert at 0.)
        const std::string_view target = rest.substr(slash);
        url.target = target.front() == '?' ? "/" + std::string(target) : std::string(target);
    }
    if (url.target.find('#') != std::string::npos || authority.find('@') != std::string::npos) {
        return bad_url(text, "fragments and user info are not supported");
    }
    std::size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (url.host != "localhost" && !is_ipv4(url.host)) {
        return bad_url(text, "host must be a numeric ipv4 address or localhost");
    }
    if (colon != std::string_view::npos) {
        std::string_view port = authority.substr(colon + 1);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
            return bad_url(text, "bad port");
        }
        url.port = static_cast<std::uint16_t>(value);
    }
    return url;
}

} // namespace rt::net
