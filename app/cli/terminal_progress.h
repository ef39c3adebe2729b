#pragma once
// "done/total, percent, ETA" on one self-rewriting stderr line, shown only when
// stderr is a terminal so logs and pipes stay clean.
#include <chrono>
#include <string>

namespace pconv::cli {

class TerminalProgress {
public:
    TerminalProgress(std::string label, int total);
    ~TerminalProgress();
    void update(int done, const std::string& item = {});
    void finish();

private:
    std::string label_;
    int total_;
    bool enabled_;
    bool finished_ = false;
    std::chrono::steady_clock::time_point start_;
};

// "1:05" or "1:02:03".
std::string formatDuration(double seconds);

} // namespace pconv::cli
