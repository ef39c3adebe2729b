#include "training_device.h"

#include "pconv/errors.h"

#include <torch/cuda.h>
#include <torch/optim/adam.h>

namespace pconv::train {

torch::Device chooseTrainingDevice(const std::string& request, int localRank) {
    if (request == "cpu") return torch::kCPU;
    if (request != "auto" && request != "cuda") throw InvalidArgument("unknown device '" + request + "' (auto, cpu or cuda)");
    const bool available = torch::cuda::is_available();
    if (!available) {
        if (request == "cuda") throw InvalidArgument("--device cuda: this LibTorch sees no CUDA GPU");
        return torch::kCPU;
    }
    const auto count = static_cast<int>(torch::cuda::device_count());
    // NCCL refuses two ranks on one GPU: one process per GPU on each machine.
    if (localRank >= count)
        throw InvalidArgument("process " + std::to_string(localRank) + " on this machine has no GPU of its own (" + std::to_string(count) +
                              " GPUs): start at most that many processes per machine, or use --device cpu");
    return {torch::kCUDA, static_cast<c10::DeviceIndex>(localRank)};
}

void moveOptimizerState(torch::optim::Optimizer& optimizer, const torch::TensorOptions& to) {
    torch::NoGradGuard noGrad;
    for (auto& [key, state] : optimizer.state()) {
        auto* adam = dynamic_cast<torch::optim::AdamParamState*>(state.get());
        if (!adam) continue;
        adam->exp_avg(adam->exp_avg().to(to));
        adam->exp_avg_sq(adam->exp_avg_sq().to(to));
        if (adam->max_exp_avg_sq().defined()) adam->max_exp_avg_sq(adam->max_exp_avg_sq().to(to));
    }
}

} // namespace pconv::train
