#pragma once
// Reading a module's weights from a LibTorch archive with every shape checked
// (torch::nn::Module::load would silently take tensors of any shape).
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <string>
#include <vector>

namespace pconv::nn {

// Copies every parameter and buffer of `module` from `archive` (the nested layout
// torch::nn::Module::save writes). Throws pconv::Error naming the first missing or
// mismatched weight.
void loadModuleChecked(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix = "");

// torch::nn::Module::save's layout with every floating-point tensor stored as
// `dtype` (integer buffers such as BatchNorm's step count are kept as they are).
// The module itself is not changed. loadModuleChecked reads it back into any
// floating-point type.
void saveModuleAs(const torch::nn::Module& module, torch::serialize::OutputArchive& archive, torch::Dtype dtype);

} // namespace pconv::nn

namespace pconv::nn {

// Warm start of a changed architecture: copies every parameter and buffer of
// `from` into the one of the same name in `to`; where shapes differ in size
// but not rank, the overlapping leading block is copied and the rest keeps its
// fresh initialisation. Returns the names of `to`'s tensors that received
// nothing or only part.
std::vector<std::string> copyOverlappingWeights(torch::nn::Module& from, torch::nn::Module& to);

} // namespace pconv::nn
