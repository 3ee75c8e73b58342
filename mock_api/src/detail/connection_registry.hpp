#pragma once
// connection_registry: which connections could give up their slot, oldest first.
//
// Every connection holds a thread from accept to close (connection_pool.hpp). When all of
// them are taken and another connection waits, the registry evicts one that is not being
// answered: the one idle the longest (a keep-alive connection between requests), else the one
// that has been sending its request's head the longest (a slowloris client). A connection
// being served is never evicted: its request is journaled and answering it is the point.
//
// A connection may have to wait before any other has registered (their threads are still
// starting): the eviction is then owed, and paid as soon as another connection registers or
// changes stage, never by evicting the one that does.
//
// Eviction sets the connection's `evicted` flag and shuts down its read side, which wakes the
// owning thread out of poll()/recv() (EOF); the owner sees the flag at its next stage change
// and ends the connection. Both happen under the registry's mutex, and a connection leaves the
// registry before its socket is closed, so an evicted descriptor is never a reused one.

#include "detail/connection.hpp"

#include <cstdint>
#include <list>
#include <mutex>

namespace mock_api::detail {

class connection_registry {
  public:
    /// Evictions are counted in `counters` (before the evicted thread is woken, so that the
    /// count is there by the time the connection that made room is answered).
    explicit connection_registry(journal& counters) : counters_(counters) {}

    /// Registers a new connection as idle.
    void add(connection& c, std::int64_t now_us);
    /// Unregisters it; call before closing its socket.
    void remove(connection& c);
    /// Moves `c` to stage `to`; false (and no move) when it was evicted: end it then.
    bool enter(connection& c, stage to, std::int64_t now_us);
    /// Evicts the longest idle connection, else the longest reading one; if there is none,
    /// owes one (paid by the next add() or enter()).
    void make_room();
    /// At most `waiting` evictions are still owed: connections that waited and got a slot
    /// anyway (another connection ended) need none.
    void owe_at_most(std::size_t waiting);

  private:
    std::list<connection*>* list_for(stage s);
    bool evict_one(const connection* spare); // with mutex_ held
    void pay_debts(const connection& spare); // with mutex_ held

    journal& counters_;
    std::mutex mutex_;
    std::list<connection*> idle_;    ///< oldest first
    std::list<connection*> reading_; ///< oldest first
    std::list<connection*> serving_; ///< and evicted ones on their way out: not candidates
    std::size_t owed_ = 0;           ///< evictions asked for while there was none to evict
};

} // namespace mock_api::detail
