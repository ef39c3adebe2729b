#pragma once
// Reading a module's weights from a LibTorch archive with every shape checked
// (torch::nn::Module::load would silently take tensors of any shape).
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>

#include <string>

namespace pconv::nn {

// Copies every parameter and buffer of `module` from `archive` (the nested layout
// torch::nn::Module::save writes). Throws pconv::Error naming the first missing or
// mismatched weight.
void loadModuleChecked(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix = "");

} // namespace pconv::nn
