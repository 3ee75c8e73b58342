#include "detail/connection_registry.hpp"

#include <algorithm>
#include <sys/socket.h>

namespace mock_api::detail {

std::list<connection*>* connection_registry::list_for(stage s) {
    switch (s) {
    case stage::idle:
        return &idle_;
    case stage::reading:
        return &reading_;
    case stage::serving:
        return &serving_;
    }
    return &serving_;
}

void connection_registry::add(connection& c, std::int64_t now_us) {
    std::lock_guard lock(mutex_);
    c.at = stage::idle;
    c.stage_since_us = now_us;
    c.place = idle_.insert(idle_.end(), &c);
    pay_debts(c);
}

void connection_registry::remove(connection& c) {
    std::lock_guard lock(mutex_);
    list_for(c.at)->erase(c.place);
}

bool connection_registry::enter(connection& c, stage to, std::int64_t now_us) {
    std::lock_guard lock(mutex_);
    if (c.evicted.load()) {
        return false;
    }
    auto* list = list_for(to);
    // splice moves the node itself: `place` stays valid and nothing is allocated.
    list->splice(list->end(), *list_for(c.at), c.place);
    c.at = to;
    c.stage_since_us = now_us;
    if (to != stage::serving) {
        pay_debts(c);
    }
    return true;
}

void connection_registry::make_room() {
    std::lock_guard lock(mutex_);
    if (!evict_one(nullptr)) {
        ++owed_;
    }
}

void connection_registry::owe_at_most(std::size_t waiting) {
    std::lock_guard lock(mutex_);
    owed_ = std::min(owed_, waiting);
}

void connection_registry::pay_debts(const connection& spare) {
    while (owed_ > 0 && evict_one(&spare)) {
        --owed_;
    }
}

bool connection_registry::evict_one(const connection* spare) {
    for (auto* list : {&idle_, &reading_}) {
        for (connection* c : *list) {
            if (c == spare) {
                continue; // the one registering or moving now is not the one to pay with
            }
            c->evicted = true;
            counters_.count_evicted();
            ::shutdown(c->fd, SHUT_RD);
            // On its way out: no longer a candidate (it leaves when its thread wakes up).
            serving_.splice(serving_.end(), *list, c->place);
            c->at = stage::serving;
            return true;
        }
    }
    return false;
}

} // namespace mock_api::detail
