#pragma once
// torch::data view of a SampleMaker: element i is training sample (offset + i)
// as {image [3, S, S] RGB in [0, 1], valid mask [1, S, S]}. Copies share the
// photos, so the DataLoader's worker threads can each hold one.
#include "pconv/train/training_data.h"

#include <torch/data/datasets/base.h>
#include <torch/data/example.h>

#include <memory>

namespace pconv::train {

// A sample as tensors: image [3, H, W] RGB in [0, 1], valid [1, H, W] (1 = valid).
torch::data::Example<> sampleToTensors(const TrainingSample& sample);

class TrainingDataset : public torch::data::datasets::Dataset<TrainingDataset> {
public:
    TrainingDataset(std::shared_ptr<const SampleMaker> maker, std::int64_t offset, std::int64_t count)
        : maker_(std::move(maker)), offset_(offset), count_(count) {}

    torch::data::Example<> get(size_t index) override { return sampleToTensors(maker_->trainingSample(offset_ + static_cast<std::int64_t>(index))); }
    torch::optional<size_t> size() const override { return static_cast<size_t>(count_); }

private:
    std::shared_ptr<const SampleMaker> maker_;
    std::int64_t offset_, count_;
};

} // namespace pconv::train
