#pragma once
// Weight averaging (stochastic weight averaging, "model soups"): the element-wise mean
// of models of one architecture, such as the snapshots of one fine-tuning run. The mean
// of nearby points of a noisy small-batch run usually generalises better than any of them.
// Torch-free header.
#include "pconv/model.h"

#include <vector>

namespace pconv {

// Weights and BatchNorm statistics averaged; integer buffers (batch counters) from the
// last model; metadata from the last model plus "averaged_models". Throws InvalidArgument
// for an empty list or for models whose architectures differ.
PConvModel averageModels(const std::vector<PConvModel>& models);

} // namespace pconv
