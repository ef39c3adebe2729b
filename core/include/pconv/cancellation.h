#pragma once
// Stopping work that runs for seconds inside one call (a network pass over a big
// photo): the caller opens a CancellationScope on its thread with a question to
// ask, and the work asks it at its steps through throwIfCancelled().
#include "pconv/errors.h"

#include <functional>

namespace pconv {

class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

// While alive, throwIfCancelled() on this thread throws Cancelled once `requested`
// returns true. Scopes nest; the innermost one is asked.
class CancellationScope {
public:
    explicit CancellationScope(std::function<bool()> requested);
    ~CancellationScope();
    CancellationScope(const CancellationScope&) = delete;
    CancellationScope& operator=(const CancellationScope&) = delete;

private:
    std::function<bool()> requested_;
    const CancellationScope* outer_;
    friend void throwIfCancelled();
};

// No-op outside a scope (the CLI, training).
void throwIfCancelled();

} // namespace pconv
