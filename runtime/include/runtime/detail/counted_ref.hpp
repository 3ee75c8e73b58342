#pragma once
// counted / counted_ref: an intrusive reference count and the pointer that holds one.
//
// Used where a shared_ptr's separate control block and 16-byte handles would cost every task
// or channel: a spawned task's cell (task_ref) and a oneshot channel.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace rt::detail {

/// The count, starting at one reference (the creator's). A derived type's release() frees it
/// when drop() reports the last reference gone.
class counted {
  public:
    void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
    /// Drops one reference; true if it was the last. Any thread.
    bool drop() noexcept { return refs_.fetch_sub(1, std::memory_order_acq_rel) == 1; }

  private:
    std::atomic<std::uint32_t> refs_{1};
};

/// Holds one reference to a T that has retain() and release(). Copying costs one atomic
/// increment; the last reference frees the object (T::release). Null when empty.
template <class T>
class counted_ref {
  public:
    counted_ref() noexcept = default;
    counted_ref(std::nullptr_t) noexcept {}
    /// Takes over one reference the caller already holds (no increment).
    static counted_ref adopt(T* p) noexcept {
        counted_ref r;
        r.p_ = p;
        return r;
    }
    /// Takes a new reference to `p` (one increment); null stays null.
    static counted_ref share(T* p) noexcept {
        if (p != nullptr) {
            p->retain();
        }
        return adopt(p);
    }
    counted_ref(const counted_ref& other) noexcept : p_(other.p_) {
        if (p_ != nullptr) {
            p_->retain();
        }
    }
    counted_ref(counted_ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
    counted_ref& operator=(counted_ref other) noexcept {
        std::swap(p_, other.p_);
        return *this;
    }
    ~counted_ref() { reset(); }

    void reset() noexcept {
        if (auto* p = std::exchange(p_, nullptr)) {
            p->release();
        }
    }
    T* get() const noexcept { return p_; }
    /// Gives up the reference without dropping it (empty afterwards): the caller now holds it,
    /// to hand back later through adopt().
    T* into_raw() noexcept { return std::exchange(p_, nullptr); }
    T* operator->() const noexcept { return p_; }
    T& operator*() const noexcept { return *p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

  private:
    T* p_ = nullptr;
};

} // namespace rt::detail
