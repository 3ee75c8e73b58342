// Blocking file I/O: opening files (by path), reading and writing regular files (by
// descriptor), the stat family (by path), fsync. Each libc name a program may import is hooked:
// the plain and 64-bit names, the _FORTIFY_SOURCE variants (__open_2, __read_chk) and the
// stat wrappers of binaries built before glibc 2.33 (__xstat64, node's).

#include "hooks.hpp"

#include <cstdarg>
#include <cstdio>
#include <fcntl.h>
#include <sys/uio.h>

// Not declared by glibc's headers without _FORTIFY_SOURCE, or no longer (2.33+).
extern "C" {
int __open_2(const char*, int);
int __open64_2(const char*, int);
int __openat_2(int, const char*, int);
int __openat64_2(int, const char*, int);
ssize_t __read_chk(int, void*, size_t, size_t);
ssize_t __pread_chk(int, void*, size_t, off_t, size_t);
ssize_t __pread64_chk(int, void*, size_t, off64_t, size_t);
int __xstat(int, const char*, struct stat*);
int __xstat64(int, const char*, struct stat64*);
int __lxstat(int, const char*, struct stat*);
int __lxstat64(int, const char*, struct stat64*);
int __fxstatat(int, int, const char*, struct stat*, int);
int __fxstatat64(int, int, const char*, struct stat64*, int);
}

using namespace tg::probe;

namespace {
// An open()'s mode argument is there only when the flags create a file.
bool has_mode(int flags) noexcept {
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}
// A stat on a descriptor by an empty path names no file.
bool fd_only(const char* path, int flags) noexcept {
    return (flags & AT_EMPTY_PATH) != 0 && path != nullptr && path[0] == '\0';
}
} // namespace

#define TG_OPEN_MODE(flags)                                                                        \
    mode_t mode = 0;                                                                               \
    if (has_mode(flags)) {                                                                         \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode = va_arg(ap, mode_t);                                                                 \
        va_end(ap);                                                                                \
    }

// --- open ----------------------------------------------------------------------------------
TG_HOOK int open(const char* path, int flags, ...) {
    TG_OPEN_MODE(flags)
    return path_call("open", TG_REAL(open), AT_FDCWD, path, path, flags, mode);
}
TG_HOOK int open64(const char* path, int flags, ...) {
    TG_OPEN_MODE(flags)
    return path_call("open64", TG_REAL(open64), AT_FDCWD, path, path, flags, mode);
}
TG_HOOK int openat(int dirfd, const char* path, int flags, ...) {
    TG_OPEN_MODE(flags)
    return path_call("openat", TG_REAL(openat), dirfd, path, dirfd, path, flags, mode);
}
TG_HOOK int openat64(int dirfd, const char* path, int flags, ...) {
    TG_OPEN_MODE(flags)
    return path_call("openat64", TG_REAL(openat64), dirfd, path, dirfd, path, flags, mode);
}
TG_HOOK int __open_2(const char* path, int flags) {
    return path_call("open", TG_REAL(__open_2), AT_FDCWD, path, path, flags);
}
TG_HOOK int __open64_2(const char* path, int flags) {
    return path_call("open64", TG_REAL(__open64_2), AT_FDCWD, path, path, flags);
}
TG_HOOK int __openat_2(int dirfd, const char* path, int flags) {
    return path_call("openat", TG_REAL(__openat_2), dirfd, path, dirfd, path, flags);
}
TG_HOOK int __openat64_2(int dirfd, const char* path, int flags) {
    return path_call("openat64", TG_REAL(__openat64_2), dirfd, path, dirfd, path, flags);
}
TG_HOOK int creat(const char* path, mode_t mode) {
    return path_call("creat", TG_REAL(creat), AT_FDCWD, path, path, mode);
}
TG_HOOK int creat64(const char* path, mode_t mode) {
    return path_call("creat64", TG_REAL(creat64), AT_FDCWD, path, path, mode);
}
// fopen opens through libc's internal open, which no hook sees (std::ifstream uses fopen).
TG_HOOK FILE* fopen(const char* path, const char* mode) {
    return path_call("fopen", TG_REAL(fopen), AT_FDCWD, path, path, mode);
}
TG_HOOK FILE* fopen64(const char* path, const char* mode) {
    return path_call("fopen64", TG_REAL(fopen64), AT_FDCWD, path, path, mode);
}

// --- read and write ------------------------------------------------------------------------
TG_HOOK ssize_t read(int fd, void* buf, size_t n) {
    return fd_call("read", TG_REAL(read), fd, fd, buf, n);
}
TG_HOOK ssize_t __read_chk(int fd, void* buf, size_t n, size_t buflen) {
    return fd_call("read", TG_REAL(__read_chk), fd, fd, buf, n, buflen);
}
TG_HOOK ssize_t pread(int fd, void* buf, size_t n, off_t off) {
    return fd_call("pread", TG_REAL(pread), fd, fd, buf, n, off);
}
TG_HOOK ssize_t pread64(int fd, void* buf, size_t n, off64_t off) {
    return fd_call("pread64", TG_REAL(pread64), fd, fd, buf, n, off);
}
TG_HOOK ssize_t __pread_chk(int fd, void* buf, size_t n, off_t off, size_t buflen) {
    return fd_call("pread", TG_REAL(__pread_chk), fd, fd, buf, n, off, buflen);
}
TG_HOOK ssize_t __pread64_chk(int fd, void* buf, size_t n, off64_t off, size_t buflen) {
    return fd_call("pread64", TG_REAL(__pread64_chk), fd, fd, buf, n, off, buflen);
}
TG_HOOK ssize_t readv(int fd, const iovec* iov, int count) {
    return fd_call("readv", TG_REAL(readv), fd, fd, iov, count);
}
TG_HOOK ssize_t write(int fd, const void* buf, size_t n) {
    return fd_call("write", TG_REAL(write), fd, fd, buf, n);
}
TG_HOOK ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    return fd_call("pwrite", TG_REAL(pwrite), fd, fd, buf, n, off);
}
TG_HOOK ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t off) {
    return fd_call("pwrite64", TG_REAL(pwrite64), fd, fd, buf, n, off);
}
TG_HOOK ssize_t writev(int fd, const iovec* iov, int count) {
    return fd_call("writev", TG_REAL(writev), fd, fd, iov, count);
}
TG_HOOK int fsync(int fd) { return fd_call("fsync", TG_REAL(fsync), fd, fd); }
TG_HOOK int fdatasync(int fd) { return fd_call("fdatasync", TG_REAL(fdatasync), fd, fd); }

// --- stat ----------------------------------------------------------------------------------
TG_HOOK int stat(const char* path, struct stat* st) noexcept {
    return path_call("stat", TG_REAL(stat), AT_FDCWD, path, path, st);
}
TG_HOOK int stat64(const char* path, struct stat64* st) noexcept {
    return path_call("stat64", TG_REAL(stat64), AT_FDCWD, path, path, st);
}
TG_HOOK int lstat(const char* path, struct stat* st) noexcept {
    return path_call("lstat", TG_REAL(lstat), AT_FDCWD, path, path, st);
}
TG_HOOK int lstat64(const char* path, struct stat64* st) noexcept {
    return path_call("lstat64", TG_REAL(lstat64), AT_FDCWD, path, path, st);
}
TG_HOOK int fstatat(int dirfd, const char* path, struct stat* st, int flags) noexcept {
    return path_call("fstatat",
                     TG_REAL(fstatat),
                     dirfd,
                     fd_only(path, flags) ? nullptr : path,
                     dirfd,
                     path,
                     st,
                     flags);
}
TG_HOOK int fstatat64(int dirfd, const char* path, struct stat64* st, int flags) noexcept {
    return path_call("fstatat64",
                     TG_REAL(fstatat64),
                     dirfd,
                     fd_only(path, flags) ? nullptr : path,
                     dirfd,
                     path,
                     st,
                     flags);
}
TG_HOOK int
statx(int dirfd, const char* path, int flags, unsigned mask, struct statx* st) noexcept {
    return path_call("statx",
                     TG_REAL(statx),
                     dirfd,
                     fd_only(path, flags) ? nullptr : path,
                     dirfd,
                     path,
                     flags,
                     mask,
                     st);
}
TG_HOOK int __xstat(int ver, const char* path, struct stat* st) {
    return path_call("stat", TG_REAL(__xstat), AT_FDCWD, path, ver, path, st);
}
TG_HOOK int __xstat64(int ver, const char* path, struct stat64* st) {
    return path_call("stat64", TG_REAL(__xstat64), AT_FDCWD, path, ver, path, st);
}
TG_HOOK int __lxstat(int ver, const char* path, struct stat* st) {
    return path_call("lstat", TG_REAL(__lxstat), AT_FDCWD, path, ver, path, st);
}
TG_HOOK int __lxstat64(int ver, const char* path, struct stat64* st) {
    return path_call("lstat64", TG_REAL(__lxstat64), AT_FDCWD, path, ver, path, st);
}
TG_HOOK int __fxstatat(int ver, int dirfd, const char* path, struct stat* st, int flags) {
    return path_call("fstatat",
                     TG_REAL(__fxstatat),
                     dirfd,
                     fd_only(path, flags) ? nullptr : path,
                     ver,
                     dirfd,
                     path,
                     st,
                     flags);
}
TG_HOOK int __fxstatat64(int ver, int dirfd, const char* path, struct stat64* st, int flags) {
    return path_call("fstatat64",
                     TG_REAL(__fxstatat64),
                     dirfd,
                     fd_only(path, flags) ? nullptr : path,
                     ver,
                     dirfd,
                     path,
                     st,
                     flags);
}
