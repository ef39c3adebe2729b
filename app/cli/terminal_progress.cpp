#include "terminal_progress.h"

#include <cstdio>
#include <unistd.h>

namespace pconv::cli {

std::string formatDuration(double seconds) {
    const long total = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
    char buf[32];
    if (total >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
    return buf;
}

TerminalProgress::TerminalProgress(std::string label, int total)
    : label_(std::move(label)), total_(total), enabled_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() { finish(); }

void TerminalProgress::update(int done, const std::string& item) {
    if (!enabled_ || total_ <= 0) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = done > 0 ? elapsed * (total_ - done) / done : 0.0;
    std::fprintf(stderr, "\r\033[K%s [%d/%d] %3d%%  ETA %s  %s", label_.c_str(), done, total_, 100 * done / total_,
                 done > 0 ? formatDuration(eta).c_str() : "--:--", item.c_str());
    std::fflush(stderr);
}

void TerminalProgress::finish() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

} // namespace pconv::cli
