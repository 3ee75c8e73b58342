#pragma once
// Turning the probe's (module, offset) return addresses into source positions after the run.
// The analysis asks through the `symboliser` interface, so tests can pass a fake; the real one
// runs binutils' addr2line on the executable's line tables.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tg::probe {

/// One source-level frame at an address: the function and where in it.
struct symbol_frame {
    std::string function; ///< demangled; "??" when unknown
    std::string file;     ///< as the line tables name it; "" when unknown
    int line = 0;         ///< 0 when unknown

    friend bool operator==(const symbol_frame&, const symbol_frame&) = default;
};

/// Maps addresses in a module to frames.
class symboliser {
  public:
    virtual ~symboliser() = default;

    /// For each of `addresses` (virtual addresses in `module`'s ELF file: an offset from the
    /// load bias), the frames at it, innermost first: inlined functions before the function
    /// that holds them. One entry per address, in order; an empty entry when unknown. Never
    /// throws; a module it cannot read gives all-empty entries.
    virtual std::vector<std::vector<symbol_frame>>
    symbolise(const std::string& module, const std::vector<std::uint64_t>& addresses) const = 0;
};

/// Runs `addr2line -f -C -i -a -e MODULE ADDRESS...`, one process per call (the addresses are
/// arguments: 4096 of them are 78 KB, far inside the kernel's limit). Safe on any thread; blocks
/// until addr2line is done or the timeout kills it.
class addr2line_symboliser final : public symboliser {
  public:
    struct options {
        std::string program = "/usr/bin/addr2line";
        std::chrono::milliseconds timeout{30000}; ///< then the process is killed: all unknown
        std::size_t max_addresses = 4096;         ///< per call; the rest stay unknown
    };

    addr2line_symboliser() = default;
    explicit addr2line_symboliser(options o) : options_(std::move(o)) {}

    std::vector<std::vector<symbol_frame>>
    symbolise(const std::string& module,
              const std::vector<std::uint64_t>& addresses) const override;

  private:
    options options_;
};

/// Parses addr2line's output for `addresses` (run with -f -i -a): each address's "0x..." line
/// followed by (function, file:line) pairs. Exposed for tests.
std::vector<std::vector<symbol_frame>>
parse_addr2line_output(const std::string& output, const std::vector<std::uint64_t>& addresses);

} // namespace tg::probe
