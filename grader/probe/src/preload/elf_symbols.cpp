#include "elf_symbols.hpp"

#include "runtime_rules.hpp"
#include "sys.hpp"

#include <cstring>
#include <elf.h>
#include <sys/mman.h>
#include <sys/stat.h>

namespace tg::probe {

namespace {

// A mapped file and bounds-checked views into it.
struct mapped_file {
    const unsigned char* data = nullptr;
    std::size_t size = 0;

    [[nodiscard]] bool holds(std::uint64_t offset, std::uint64_t length) const noexcept {
        return offset <= size && length <= size - offset;
    }
};

// The symbol table to read: .symtab, else .dynsym; null when the file has neither.
const Elf64_Shdr* pick_symbol_table(const mapped_file& f, const Elf64_Ehdr& eh) noexcept {
    if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
        !f.holds(eh.e_shoff, std::uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr))) {
        return nullptr;
    }
    const auto* sections = reinterpret_cast<const Elf64_Shdr*>(f.data + eh.e_shoff);
    const Elf64_Shdr* dynsym = nullptr;
    for (int i = 0; i < eh.e_shnum; ++i) {
        if (sections[i].sh_type == SHT_SYMTAB && sections[i].sh_link < eh.e_shnum) {
            return &sections[i];
        }
        if (sections[i].sh_type == SHT_DYNSYM && sections[i].sh_link < eh.e_shnum) {
            dynsym = &sections[i];
        }
    }
    return dynsym;
}

int matching_rule(const char* name, std::size_t max_len) noexcept {
    // Every prefix is a mangled name: skip the rest cheaply.
    if (max_len < 4 || name[0] != '_' || name[1] != 'Z' || name[2] != 'N') {
        return -1;
    }
    int index = 0;
    for (const auto& rule : rules::frame_rules) {
        const std::size_t n = std::strlen(rule.symbol_prefix);
        if (n <= max_len && std::strncmp(name, rule.symbol_prefix, n) == 0) {
            return index;
        }
        ++index;
    }
    return -1;
}

void insert_sorted(code_range* out, int& count, int capacity, const code_range& r) noexcept {
    if (count >= capacity) {
        return;
    }
    int i = count++;
    while (i > 0 && out[i - 1].start > r.start) {
        out[i] = out[i - 1];
        --i;
    }
    out[i] = r;
}

int scan_symbols(const mapped_file& f,
                 const Elf64_Shdr& symtab,
                 const Elf64_Shdr& strtab,
                 std::uintptr_t bias,
                 code_range* out,
                 int capacity) noexcept {
    if (symtab.sh_entsize != sizeof(Elf64_Sym) || !f.holds(symtab.sh_offset, symtab.sh_size) ||
        !f.holds(strtab.sh_offset, strtab.sh_size)) {
        return 0;
    }
    const auto* syms = reinterpret_cast<const Elf64_Sym*>(f.data + symtab.sh_offset);
    const auto* names = reinterpret_cast<const char*>(f.data + strtab.sh_offset);
    const std::size_t count = symtab.sh_size / sizeof(Elf64_Sym);
    int found = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const Elf64_Sym& s = syms[i];
        if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF || s.st_size == 0 ||
            s.st_name >= strtab.sh_size) {
            continue;
        }
        const int rule = matching_rule(names + s.st_name, strtab.sh_size - s.st_name);
        if (rule >= 0) {
            const std::uintptr_t start = bias + s.st_value;
            insert_sorted(out, found, capacity, code_range{start, start + s.st_size, rule});
        }
    }
    return found;
}

} // namespace

int find_rule_symbols(int fd, std::uintptr_t bias, code_range* out, int capacity) noexcept {
    struct stat st {};
    if (raw_syscall(SYS_fstat, fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size < static_cast<off_t>(sizeof(Elf64_Ehdr))) {
        return 0;
    }
    mapped_file f;
    f.size = static_cast<std::size_t>(st.st_size);
    const long addr = raw_syscall(SYS_mmap, nullptr, f.size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr < 0 && addr > -4096) {
        return 0;
    }
    f.data = reinterpret_cast<const unsigned char*>(addr);
    const auto& eh = *reinterpret_cast<const Elf64_Ehdr*>(f.data);
    int found = 0;
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64) {
        if (const Elf64_Shdr* symtab = pick_symbol_table(f, eh)) {
            const auto* sections = reinterpret_cast<const Elf64_Shdr*>(f.data + eh.e_shoff);
            found = scan_symbols(f, *symtab, sections[symtab->sh_link], bias, out, capacity);
        }
    }
    raw_syscall(SYS_munmap, f.data, f.size);
    return found;
}

const code_range* find_range(const code_range* ranges, int count, std::uintptr_t pc) noexcept {
    int lo = 0;
    int hi = count;
    while (lo < hi) { // first range starting after pc
        const int mid = (lo + hi) / 2;
        if (ranges[mid].start <= pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo > 0 && pc < ranges[lo - 1].end ? &ranges[lo - 1] : nullptr;
}

} // namespace tg::probe
