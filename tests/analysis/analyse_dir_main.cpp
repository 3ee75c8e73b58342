// tg_analyse_dir DIR: prints what the source analysis finds in DIR (for trying rules by hand).
#include "analysis/analysis.hpp"

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: tg_analyse_dir DIR\n";
        return 2;
    }
    const auto report = tg::analysis::analyse_directory(argv[1]);
    for (const auto& f : report.findings) {
        std::cout << f.file << ":" << f.line << ":" << f.column << ": " << f.severity << " ["
                  << f.rule << "] " << f.message << "\n    " << f.snippet << "\n";
    }
    for (const auto& s : report.skipped) {
        std::cout << "skipped " << s.file << ": " << s.reason << "\n";
    }
    for (const auto& e : report.errors) {
        std::cout << "error " << e << "\n";
    }
    std::cout << report.files_analysed.size() << " files analysed\n";
    return 0;
}
