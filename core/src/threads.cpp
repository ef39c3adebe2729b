#include "pconv/threads.h"

#include <opencv2/core.hpp>
#include <torch/torch.h>

#include <thread>

namespace pconv {

int hardwareThreadCount() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

void setThreadCount(int n) {
    const int count = n > 0 ? n : hardwareThreadCount();
    torch::set_num_threads(count);
    cv::setNumThreads(count);
}

int torchThreadCount() { return torch::get_num_threads(); }

} // namespace pconv
