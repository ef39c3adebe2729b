#pragma once
// Data-parallel training over PyTorch's c10d: a TCPStore rendezvous, a process
// group (NCCL for CUDA tensors when LibTorch was built with it, Gloo otherwise),
// parameters broadcast from rank 0 at the start, and gradients averaged across
// ranks in flat buckets after every backward pass.
#include <torch/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace pconv::train {

struct ProcessGroupConfig {
    int rank = 0;
    int worldSize = 1;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    std::chrono::milliseconds timeout{60000};  // a dead peer is reported within this
    torch::Device device = torch::kCPU;        // where the training tensors live
};

class GradientSync {
public:
    // Joins the group (rank 0 hosts the store). Throws pconv::Error on failure.
    explicit GradientSync(const ProcessGroupConfig& config);
    ~GradientSync();

    int rank() const { return config_.rank; }
    int worldSize() const { return config_.worldSize; }
    // "NCCL" or "Gloo".
    std::string backendName() const;

    // Every rank takes rank 0's values.
    void broadcast(const std::vector<torch::Tensor>& tensors);
    // Gradients of `parameters` replaced by their mean over the ranks (25 MB buckets).
    void averageGradients(const std::vector<torch::Tensor>& parameters);
    // Element-wise sum over the ranks, in place (any device).
    void sum(torch::Tensor& values);
    // Element-wise max over the ranks, in place.
    void max(torch::Tensor& values);

private:
    void allreduce(torch::Tensor& flat, bool max);

    ProcessGroupConfig config_;
    struct Impl;  // the c10d store and process group, kept out of this header
    std::unique_ptr<Impl> impl_;
};

} // namespace pconv::train
