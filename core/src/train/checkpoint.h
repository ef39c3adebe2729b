#pragma once
// Training checkpoints: model weights and architecture, Adam state, step, RNG
// state and running totals, in one LibTorch archive written atomically.
#include "pconv/model.h"

#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>

#include <cstdint>
#include <string>

namespace pconv::train {

struct CheckpointState {
    std::int64_t step = 0;
    double bestPsnr = -1.0;      // best validation PSNR so far; < 0 when none yet
    double trainSeconds = 0.0;   // training time over all runs
    std::string runSettings;     // TrainOptions::runSettings of the run that wrote it
    std::string validationSet;   // what bestPsnr was measured on (see trainer.cpp); "" in older checkpoints
};

void writeCheckpoint(const std::string& path, const PConvModel& model, torch::optim::Optimizer& optimizer,
                     const CheckpointState& state);

// An opened checkpoint: scalars and architecture are read on open; weights and
// optimizer state are restored on request. Every failure is a FileError naming the file.
class CheckpointReader {
public:
    explicit CheckpointReader(const std::string& path);

    const CheckpointState& state() const { return state_; }
    const ModelConfig& config() const { return config_; }
    PConvModel loadModel();                          // a model with the stored weights and metadata
    // Adam's moments come back as 32-bit floats whatever they were stored as.
    void loadOptimizer(torch::optim::Optimizer& optimizer);
    void restoreRandomState();

private:
    std::string path_;
    torch::serialize::InputArchive archive_;
    CheckpointState state_;
    ModelConfig config_;
};

} // namespace pconv::train
