#pragma once
// Where training runs: a CUDA GPU when the LibTorch in use has one (each local
// process on its own GPU), else the CPU. Weights and optimiser state go to the CPU
// for every file written, so checkpoints move freely between GPU and CPU machines.
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <string>

namespace pconv::train {

// request: "auto" (CUDA when available), "cpu" or "cuda". localRank picks the GPU
// of a process among those on its machine. Throws InvalidArgument for "cuda"
// without a usable GPU, or an unknown request.
torch::Device chooseTrainingDevice(const std::string& request, int localRank);

// Moves the optimiser's per-parameter state (Adam's moments) to a device (after
// loading a checkpoint it sits on the CPU) or a type (a compact checkpoint stores
// it in bfloat16); what `to` leaves unset stays as it is.
void moveOptimizerState(torch::optim::Optimizer& optimizer, const torch::TensorOptions& to);

} // namespace pconv::train
