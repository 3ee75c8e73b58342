#include "call_frames.hpp"

#include <filesystem>
#include <map>

namespace tg::probe::detail {

namespace {

std::optional<std::string> default_module_map(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
        return path;
    }
    return std::nullopt;
}

// Where one logged return address goes in a symboliser request.
struct pending_address {
    std::size_t call;
    std::size_t frame;
    std::string module;
    std::size_t slot;
};

// Groups the executable's return addresses of native-stack calls by (mapped) module.
std::vector<pending_address>
collect_addresses(const probe_log& log,
                  const analysis_options& options,
                  std::map<std::string, std::vector<std::uint64_t>>& per_module) {
    std::vector<pending_address> pending;
    std::map<std::string, std::optional<std::string>> mapped;
    for (std::size_t i = 0; i < log.calls.size(); ++i) {
        const logged_call& c = log.calls[i];
        const auto p = log.processes.find(c.process);
        if (!c.script.empty() || p == log.processes.end() || p->second.exe.empty()) {
            continue;
        }
        for (std::size_t j = 0; j < c.frames.size(); ++j) {
            const auto m = p->second.modules.find(c.frames[j].module);
            if (m == p->second.modules.end() || m->second != p->second.exe ||
                c.frames[j].offset == 0) {
                continue;
            }
            if (!mapped.count(m->second)) {
                mapped[m->second] = options.map_module ? options.map_module(m->second)
                                                       : default_module_map(m->second);
            }
            if (const auto& host = mapped[m->second]) {
                auto& addresses = per_module[*host];
                // A return address is just after its call: look up the call itself.
                addresses.push_back(c.frames[j].offset - 1);
                pending.push_back({i, j, *host, addresses.size() - 1});
            }
        }
    }
    return pending;
}

std::vector<call_frame> script_frames(const logged_call& c) {
    std::vector<call_frame> frames;
    for (const auto& s : c.script) {
        frames.push_back({{s.function, s.file, s.line}, -1});
    }
    return frames;
}

} // namespace

std::vector<std::vector<call_frame>> resolve_call_frames(const probe_log& log,
                                                         const symboliser& symbols,
                                                         const analysis_options& options) {
    std::map<std::string, std::vector<std::uint64_t>> per_module;
    const auto pending = collect_addresses(log, options, per_module);
    std::map<std::string, std::vector<std::vector<symbol_frame>>> resolved;
    for (const auto& [module, addresses] : per_module) {
        resolved[module] = symbols.symbolise(module, addresses);
    }
    std::vector<std::vector<call_frame>> frames(log.calls.size());
    for (std::size_t i = 0; i < log.calls.size(); ++i) {
        if (!log.calls[i].script.empty()) {
            frames[i] = script_frames(log.calls[i]);
        }
    }
    // `pending` is in (call, frame) order, so each call's frames come out innermost first.
    for (const auto& p : pending) {
        const auto& at = resolved[p.module];
        if (p.slot < at.size()) {
            for (const auto& f : at[p.slot]) {
                frames[p.call].push_back({f, static_cast<int>(p.frame)});
            }
        }
    }
    return frames;
}

std::optional<std::string> candidate_file(const std::string& file,
                                          const std::vector<std::string>& source_roots) {
    if (file.empty() || file == "??") {
        return std::nullopt;
    }
    if (file.front() != '/') {
        // Interpreter pseudo-files ("node:fs", "<frozen importlib._bootstrap>") and paths
        // outside the build directory are not the candidate's.
        if (file.rfind("../", 0) == 0 || file.front() == '<' ||
            file.find(':') != std::string::npos) {
            return std::nullopt;
        }
        return file.rfind("./", 0) == 0 ? file.substr(2) : file;
    }
    for (std::string root : source_roots) {
        while (root.size() > 1 && root.back() == '/') {
            root.pop_back();
        }
        if (!root.empty() && file.size() > root.size() + 1 && file.rfind(root + "/", 0) == 0) {
            return file.substr(root.size() + 1);
        }
    }
    return std::nullopt;
}

} // namespace tg::probe::detail
