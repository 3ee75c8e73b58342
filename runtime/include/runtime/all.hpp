#pragma once
// Convenience header: the whole public API of the runtime.

#include "runtime/block_on.hpp"
#include "runtime/join_all.hpp"
#include "runtime/mpsc.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/mutex.hpp"
#include "runtime/oneshot.hpp"
#include "runtime/reactor.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/semaphore.hpp"
#include "runtime/sleep.hpp"
#include "runtime/spawn.hpp"
#include "runtime/spawn_blocking.hpp"
#include "runtime/task.hpp"
#include "runtime/timeout.hpp"
#include "runtime/when_any.hpp"
