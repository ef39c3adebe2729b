#include "pconv/progress_scope.h"

#include <algorithm>

namespace pconv {
namespace {
thread_local ProgressScope* innermost = nullptr;
}

ProgressScope::ProgressScope(std::function<void(double)> report) : report_(std::move(report)), outer_(innermost) { innermost = this; }

ProgressScope::~ProgressScope() { innermost = outer_; }

void ProgressScope::reach(double fraction) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    // Reports cross threads in the editor: one per 0.1 % at most.
    if (fraction < reported_ + 0.001 && !(fraction == 1.0 && reported_ < 1.0)) return;
    reported_ = fraction;
    if (report_) report_(fraction);
}

ProgressPart::ProgressPart(double from, double to) {
    ProgressScope* scope = innermost;
    if (!scope) return;
    outerFrom_ = scope->from_;
    outerTo_ = scope->to_;
    const double span = outerTo_ - outerFrom_;
    scope->from_ = outerFrom_ + span * std::clamp(from, 0.0, 1.0);
    scope->to_ = outerFrom_ + span * std::clamp(to, 0.0, 1.0);
}

ProgressPart::~ProgressPart() {
    ProgressScope* scope = innermost;
    if (!scope) return;
    const double end = scope->to_;
    scope->from_ = outerFrom_;
    scope->to_ = outerTo_;
    try {
        scope->reach(end);
    } catch (...) {
        // A destructor may run while an exception (a cancel) unwinds: the report is not worth a second one.
    }
}

void reportProgress(double fraction) {
    if (ProgressScope* scope = innermost) scope->reach(scope->from_ + (scope->to_ - scope->from_) * std::clamp(fraction, 0.0, 1.0));
}

} // namespace pconv
