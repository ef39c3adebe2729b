#include "pconv/cancellation.h"

namespace pconv {
namespace {
thread_local const CancellationScope* innermost = nullptr;
}

CancellationScope::CancellationScope(std::function<bool()> requested) : requested_(std::move(requested)), outer_(innermost) { innermost = this; }

CancellationScope::~CancellationScope() { innermost = outer_; }

void throwIfCancelled() {
    if (innermost && innermost->requested_ && innermost->requested_()) throw Cancelled();
}

} // namespace pconv
