#pragma once
// torch::data view of a SampleMaker for one rank: element i belongs to step
// s = firstStep + i / batch, and is training sample ((s * world + rank) * batch + i % batch),
// so the ranks of a step take disjoint samples and together see exactly what one
// process with world x batch would. Samples come as {image [3, S, S] RGB in [0, 1],
// valid mask [1, S, S]}. Copies share the photos, so loader threads can each hold one.
#include "pconv/train/training_data.h"

#include <torch/data/datasets/base.h>
#include <torch/data/example.h>

#include <memory>

namespace pconv::train {

// A sample as tensors: image [3, H, W] RGB in [0, 1], valid [1, H, W] (1 = valid).
torch::data::Example<> sampleToTensors(const TrainingSample& sample);

class TrainingDataset : public torch::data::datasets::Dataset<TrainingDataset> {
public:
    TrainingDataset(std::shared_ptr<const SampleMaker> maker, std::int64_t firstStep, std::int64_t steps, int batch, int rank = 0, int world = 1)
        : maker_(std::move(maker)), firstStep_(firstStep), steps_(steps), batch_(batch), rank_(rank), world_(world) {}

    torch::data::Example<> get(size_t index) override {
        const auto i = static_cast<std::int64_t>(index);
        const std::int64_t step = firstStep_ + i / batch_;
        return sampleToTensors(maker_->trainingSample((step * world_ + rank_) * batch_ + i % batch_));
    }
    torch::optional<size_t> size() const override { return static_cast<size_t>(steps_ * batch_); }

private:
    std::shared_ptr<const SampleMaker> maker_;
    std::int64_t firstStep_, steps_;
    int batch_, rank_, world_;
};

} // namespace pconv::train
