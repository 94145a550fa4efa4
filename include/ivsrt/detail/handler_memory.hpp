// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Memory for the handlers of one connection's operations. A connection runs one exchange at a
// time, and an exchange holds at most two blocks at once (its type-erased handler, and the socket
// operation in progress: about 400 and 800 bytes), so the blocks are reused from one exchange to
// the next instead of coming from malloc. A larger request, or one while every block is taken,
// goes to operator new.

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <new>

namespace ivsrt::detail {

class handler_memory {
  public:
    handler_memory() = default;
    handler_memory(const handler_memory&) = delete;
    handler_memory& operator=(const handler_memory&) = delete;

    // Its owner is done with it. Asio frees an operation's memory after destroying its handler,
    // which may hold the last reference to the owner: a block still out keeps the memory alive,
    // and the last one returned frees it.
    struct releaser {
        void operator()(handler_memory* m) const noexcept {
            if (m->state_.fetch_or(released, std::memory_order_acq_rel) == 0) delete m;
        }
    };

    void* allocate(std::size_t size) {
        if (size <= block_size) {
            unsigned state = state_.load(std::memory_order_relaxed);
            for (;;) {
                std::size_t i = 0;
                while (i < block_count && (state & (1u << i)) != 0) ++i;
                if (i == block_count) break;
                if (state_.compare_exchange_weak(state, state | (1u << i),
                                                 std::memory_order_acquire,
                                                 std::memory_order_relaxed)) {
                    return blocks_[i].bytes;
                }
            }
        }
        return ::operator new(size);
    }

    void deallocate(void* p) noexcept {
        for (std::size_t i = 0; i < block_count; ++i) {
            if (p == blocks_[i].bytes) {
                const unsigned bit = 1u << i;
                if (state_.fetch_and(~bit, std::memory_order_acq_rel) == (bit | released)) {
                    delete this;
                }
                return;
            }
        }
        ::operator delete(p);
    }

  private:
    static constexpr std::size_t block_size = 1024;
    static constexpr std::size_t block_count = 3;
    static constexpr unsigned released = 1u << 31;
    struct block {
        alignas(std::max_align_t) unsigned char bytes[block_size];
    };
    std::array<block, block_count> blocks_;
    std::atomic<unsigned> state_{0};  // a bit per block taken, and `released`
};

using handler_memory_ptr = std::unique_ptr<handler_memory, handler_memory::releaser>;

// An Asio handler allocator over a handler_memory.
template <class T>
class handler_allocator {
  public:
    using value_type = T;

    explicit handler_allocator(handler_memory* memory) noexcept : memory_(memory) {}
    template <class U>
    handler_allocator(const handler_allocator<U>& other) noexcept : memory_(other.memory_) {}

    T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { memory_->deallocate(p); }

    template <class U>
    bool operator==(const handler_allocator<U>& other) const noexcept {
        return memory_ == other.memory_;
    }

  private:
    template <class>
    friend class handler_allocator;
    handler_memory* memory_;
};

}  // namespace ivsrt::detail
