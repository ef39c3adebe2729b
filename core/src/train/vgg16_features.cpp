#include "pconv/nn/vgg16_features.h"

#include "pconv/errors.h"
#include "pconv/interop.h"

#include <torch/nn/functional/pooling.h>
#include <torch/serialize.h>

#include <filesystem>
#include <fstream>

namespace F = torch::nn::functional;

namespace pconv::nn {
namespace {

// (in, out) channels of VGG16's first seven convs; pools follow convs 2, 4 and 7.
const std::pair<int64_t, int64_t> kConvChannels[] = {{3, 64}, {64, 64}, {64, 128}, {128, 128}, {128, 256}, {256, 256}, {256, 256}};
const bool kPoolAfter[] = {false, true, false, true, false, false, true};

} // namespace

const std::vector<int>& Vgg16FeaturesImpl::torchvisionIndices() {
    static const std::vector<int> indices = {0, 2, 5, 7, 10, 12, 14};
    return indices;
}

Vgg16FeaturesImpl::Vgg16FeaturesImpl() {
    for (size_t i = 0; i < std::size(kConvChannels); ++i) {
        auto [in, out] = kConvChannels[i];
        convs_.push_back(register_module("conv" + std::to_string(i), torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1))));
    }
    // A loss network is never trained.
    for (auto& p : parameters()) p.requires_grad_(false);
    eval();
}

std::vector<torch::Tensor> Vgg16FeaturesImpl::forward(const torch::Tensor& image) {
    const auto mean = torch::tensor({0.485f, 0.456f, 0.406f}, image.options()).view({1, 3, 1, 1});
    const auto std = torch::tensor({0.229f, 0.224f, 0.225f}, image.options()).view({1, 3, 1, 1});
    torch::Tensor x = (image - mean) / std;
    std::vector<torch::Tensor> pools;
    for (size_t i = 0; i < convs_.size(); ++i) {
        x = torch::relu(convs_[i]->forward(x));
        if (kPoolAfter[i]) {
            x = F::max_pool2d(x, F::MaxPool2dFuncOptions(2).stride(2));
            pools.push_back(x);
        }
    }
    return pools;
}

void Vgg16FeaturesImpl::loadWeights(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw FileError(path, "no such VGG16 weights file");
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) throw FileError(path, "VGG16 weights file is empty");
    checkIsTorchSaveFile(path, "VGG16 weights (a torch.save() state_dict)");
    c10::IValue value;
    try {
        value = torch::pickle_load(bytes);
    } catch (const std::exception& e) {
        throw FileError(path, "not a torch.save() file (truncated or corrupt?): " + firstLine(e.what()));
    }
    if (!value.isGenericDict()) throw FileError(path, "expected a state_dict (a dict of tensors)");
    const auto dict = value.toGenericDict();
    auto find = [&](const std::string& key) -> torch::Tensor {
        for (const std::string& prefix : {std::string(), std::string("features.")}) {
            auto it = dict.find(prefix + key);
            if (it != dict.end() && it->value().isTensor()) return it->value().toTensor();
        }
        throw FileError(path, "no tensor '" + key + "' (expected vgg16().features.state_dict())");
    };
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < convs_.size(); ++i) {
        const std::string base = std::to_string(torchvisionIndices()[i]);
        const auto weight = find(base + ".weight"), bias = find(base + ".bias");
        if (weight.sizes() != convs_[i]->weight.sizes() || bias.sizes() != convs_[i]->bias.sizes())
            throw FileError(path, "tensor '" + base + ".weight' has the wrong shape for VGG16");
        convs_[i]->weight.copy_(weight);
        convs_[i]->bias.copy_(bias);
    }
}

} // namespace pconv::nn
