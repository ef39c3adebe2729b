#pragma once
// How far one long call has come (a network pass over a 16-megapixel photo takes tens of
// seconds), without a callback through every layer: the caller opens a ProgressScope on
// its thread, the work divides itself into ProgressParts and marks its steps with
// reportProgress(). Outside a scope all of it does nothing (the CLI, training).
#include <functional>

namespace pconv {

class ProgressScope {
public:
    // report(fraction) gets fractions of the whole in 0..1, rising, in steps of at least 0.001.
    explicit ProgressScope(std::function<void(double fraction)> report);
    ~ProgressScope();
    ProgressScope(const ProgressScope&) = delete;
    ProgressScope& operator=(const ProgressScope&) = delete;

private:
    void reach(double fraction);  // of the whole

    std::function<void(double)> report_;
    double from_ = 0, to_ = 1;  // the innermost part, as fractions of the whole
    double reported_ = 0;
    ProgressScope* outer_;
    friend class ProgressPart;
    friend void reportProgress(double fraction);
};

// The work from construction to destruction is [from, to] of the enclosing part (or of the
// scope's whole): reportProgress() within it maps there, and its end counts as reached
// when it is destroyed. Parts nest.
class ProgressPart {
public:
    ProgressPart(double from, double to);
    ~ProgressPart();
    ProgressPart(const ProgressPart&) = delete;
    ProgressPart& operator=(const ProgressPart&) = delete;

private:
    double outerFrom_ = 0, outerTo_ = 1;
};

// `fraction` (0..1) of the innermost part is done.
void reportProgress(double fraction);

} // namespace pconv
