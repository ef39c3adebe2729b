#include "pconv/pending_temp_files.h"

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>

#include <unistd.h>

namespace pconv {
namespace {

// Fixed storage: a signal handler may neither allocate nor lock.
struct Slot {
    std::atomic<bool> taken{false};
    std::atomic<bool> ready{false};  // path[] is complete
    char path[4096] = {};
};
std::array<Slot, 16> slots;

void onTermination(int signalNumber) {
    removePendingTempFiles();
    std::signal(signalNumber, SIG_DFL);
    std::raise(signalNumber);
}

} // namespace

int rememberTempFile(const std::string& path) {
    if (path.size() >= sizeof(Slot::path)) return -1;
    for (size_t i = 0; i < slots.size(); ++i) {
        bool expected = false;
        if (!slots[i].taken.compare_exchange_strong(expected, true)) continue;
        std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
        slots[i].ready.store(true);
        return static_cast<int>(i);
    }
    return -1;
}

void forgetTempFile(int slot) {
    if (slot < 0 || slot >= static_cast<int>(slots.size())) return;
    slots[static_cast<size_t>(slot)].ready.store(false);
    slots[static_cast<size_t>(slot)].taken.store(false);
}

void removePendingTempFiles() noexcept {
    for (auto& slot : slots)
        if (slot.ready.load()) ::unlink(slot.path);
}

void removeTempFilesOnTermination() {
    std::signal(SIGINT, onTermination);
    std::signal(SIGTERM, onTermination);
}

} // namespace pconv
