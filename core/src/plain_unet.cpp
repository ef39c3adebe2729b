#include "pconv/nn/plain_unet.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/batchnorm.h>

#include <algorithm>
#include <string>

namespace F = torch::nn::functional;

namespace pconv::nn {
namespace {

int64_t channelsAt(const ModelConfig& c, int level) {
    return level == 0 ? 3 : static_cast<int64_t>(c.width) * (int64_t{1} << std::min(level - 1, 3));
}

int64_t encoderKernel(int level) { return level == 1 ? 7 : (level <= 3 ? 5 : 3); }

} // namespace

PlainUNetImpl::PlainUNetImpl(const ModelConfig& config) : config_(config) {
    validate(config_);
    for (int level = 1; level <= config_.depth; ++level) {
        const int64_t k = encoderKernel(level);
        encoder_.push_back(register_module(
            "enc" + std::to_string(level),
            torch::nn::Conv2d(torch::nn::Conv2dOptions(channelsAt(config_, level - 1), channelsAt(config_, level), k).stride(2).padding(k / 2))));
        torch::nn::AnyModule norm;
        if (level > 1 && config_.norm != NormKind::None) {
            norm = torch::nn::AnyModule(torch::nn::BatchNorm2d(channelsAt(config_, level)));
            register_module("enc" + std::to_string(level) + "_norm", norm.ptr());
        }
        encoderNorm_.push_back(std::move(norm));
    }
    for (int level = config_.depth; level >= 1; --level) {
        const int64_t in = channelsAt(config_, level) + channelsAt(config_, level - 1);
        const int64_t out = level == 1 ? 3 : channelsAt(config_, level - 1);
        decoder_.push_back(register_module("dec" + std::to_string(level),
                                           torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1))));
        torch::nn::AnyModule norm;
        if (level > 1 && config_.norm != NormKind::None) {
            norm = torch::nn::AnyModule(torch::nn::BatchNorm2d(out));
            register_module("dec" + std::to_string(level) + "_norm", norm.ptr());
        }
        decoderNorm_.push_back(std::move(norm));
    }
}

torch::Tensor PlainUNetImpl::forward(const torch::Tensor& image) {
    std::vector<torch::Tensor> features{image};
    for (int level = 1; level <= config_.depth; ++level) {
        auto x = encoder_[level - 1]->forward(features.back());
        if (!encoderNorm_[level - 1].is_empty()) x = encoderNorm_[level - 1].forward(x);
        features.push_back(torch::relu(x));
    }
    torch::Tensor x = features[config_.depth];
    for (int i = 0; i < config_.depth; ++i) {
        const int level = config_.depth - i;
        const auto up = F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
        x = decoder_[i]->forward(torch::cat({up, features[level - 1]}, 1));
        if (level > 1) {
            if (!decoderNorm_[i].is_empty()) x = decoderNorm_[i].forward(x);
            x = F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2));
        }
    }
    return x;
}

} // namespace pconv::nn
