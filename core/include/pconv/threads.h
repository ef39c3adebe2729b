#pragma once
// Thread count for LibTorch and OpenCV. LibTorch starts with one thread on some
// machines (measured 2x slower here), so callers set it explicitly.

namespace pconv {

// Sets intra-op threads for LibTorch and OpenCV. n <= 0 means all cores.
void setThreadCount(int n);

// The number of hardware threads (at least 1).
int hardwareThreadCount();

// The intra-op thread count LibTorch uses now.
int torchThreadCount();

} // namespace pconv
