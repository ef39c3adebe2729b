#include "pconv/nn/pconv_unet.h"
#include "pconv/cancellation.h"
#include "pconv/progress_scope.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/functional/batchnorm.h>
#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/instancenorm.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace F = torch::nn::functional;

namespace pconv::nn {
namespace {

torch::nn::AnyModule makeNorm(NormKind kind, int64_t channels) {
    switch (kind) {
    case NormKind::Batch: return torch::nn::AnyModule(torch::nn::BatchNorm2d(channels));
    case NormKind::Instance:
        return torch::nn::AnyModule(torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(channels).affine(true)));
    case NormKind::None: break;
    }
    return {};
}

int64_t encoderKernel(int level) { return level == 1 ? 7 : (level <= 3 ? 5 : 3); }

torch::Tensor upsample2x(const torch::Tensor& t) {
    return F::interpolate(t, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
}

} // namespace

int64_t PConvUNetImpl::skipChannelsAtFullResolution() const { return config_.fullResChannels > 0 ? config_.fullResChannels : 3; }

int64_t PConvUNetImpl::channelsAt(int level) const {
    if (level == 0) return 3;
    return static_cast<int64_t>(config_.width) * (int64_t{1} << std::min(level - 1, 3));
}

PConvUNetImpl::PConvUNetImpl(const ModelConfig& config) : config_(config) {
    validate(config_);
    const int depth = config_.depth;
    if (config_.fullResChannels > 0)
        stem_ = register_module("stem", PartialConv2d(PartialConv2dOptions(3, config_.fullResChannels, 5)));
    for (int level = 1; level <= depth; ++level) {
        auto layer = PartialConv2d(PartialConv2dOptions(channelsAt(level - 1), channelsAt(level), encoderKernel(level)).stride(2));
        encoder_.push_back(register_module("enc" + std::to_string(level), layer));
        torch::nn::AnyModule norm;
        if (level > 1) norm = makeNorm(config_.norm, channelsAt(level));
        if (!norm.is_empty()) {
            register_module("enc" + std::to_string(level) + "_norm", norm.ptr());
            encoder_norm_ptrs_.push_back(norm.ptr());
        }
        encoder_norm_.push_back(std::move(norm));
    }
    // Decoder level l turns level l's features plus level l-1's skip into level l-1's channels.
    for (int level = depth; level >= 1; --level) {
        const int64_t upChannels = channelsAt(level), skipChannels = level == 1 ? skipChannelsAtFullResolution() : channelsAt(level - 1);
        const int64_t outChannels = level == 1 ? 3 : channelsAt(level - 1);
        auto layer = PartialConv2d(
            PartialConv2dOptions(upChannels + skipChannels, outChannels, 3)
                .mask_groups({upChannels, skipChannels})
                .scale_groups_separately(config_.scaleSkipsSeparately));
        decoder_.push_back(register_module("dec" + std::to_string(level), layer));
        torch::nn::AnyModule norm;
        if (level > 1) norm = makeNorm(config_.norm, outChannels);
        if (!norm.is_empty()) register_module("dec" + std::to_string(level) + "_norm", norm.ptr());
        decoder_norm_.push_back(std::move(norm));
    }
}

namespace {

// x ⊙ m for a single-channel m; skipped where m is all ones, in place when no
// gradient is recorded (the features are ours to change then).
torch::Tensor masked(torch::Tensor x, const torch::Tensor& m) {
    if (m.min().item<float>() > 0.5f) return x;
    return torch::GradMode::is_enabled() ? x * m : x.mul_(m);
}

} // namespace

torch::Tensor PConvUNetImpl::forward(const torch::Tensor& image, const torch::Tensor& mask) {
    const int depth = config_.depth;
    TORCH_CHECK(image.dim() == 4 && image.size(1) == 3, "PConvUNet: image must be [N, 3, H, W], got ", image.sizes());
    TORCH_CHECK(mask.dim() == 4 && mask.size(1) == 1, "PConvUNet: mask must be [N, 1, H, W], got ", mask.sizes());
    TORCH_CHECK(image.size(2) % config_.sizeMultiple() == 0 && image.size(3) % config_.sizeMultiple() == 0,
                "PConvUNet: height and width must be multiples of ", config_.sizeMultiple(), ", got ", image.sizes());
    // Inference may leave outputs under the new mask's zeros unspecified: every
    // feature is re-masked before use. Training keeps them zero for BatchNorm.
    const bool zeroInvalid = is_training();

    // Progress by layer, each weighed by its output's area: the full-resolution layers take most of the time.
    double layersDone = 0, layersTotal = stem_ ? 1.0 : 0.0;  // the stem's output is full size
    for (int level = 1; level <= depth; ++level) layersTotal += std::pow(0.25, level) + std::pow(0.25, level - 1);  // encoder + decoder
    auto layerDone = [&](int outputLevel) { reportProgress((layersDone += std::pow(0.25, outputLevel)) / layersTotal); };

    // Every stored feature map is already multiplied by its mask.
    std::vector<torch::Tensor> features{image * mask}, masks{mask};
    for (int level = 1; level <= depth; ++level) {
        throwIfCancelled();  // a pass over a big photo takes seconds: stop between layers when asked
        auto [x, m] = encoder_[level - 1]->forwardMasked(features.back(), masks.back(), zeroInvalid);
        if (!encoder_norm_[level - 1].is_empty()) x = encoder_norm_[level - 1].forward(x);
        x = torch::GradMode::is_enabled() ? torch::relu(x) : x.relu_();
        features.push_back(masked(x, m));
        masks.push_back(m);
        layerDone(level);
    }
    if (stem_) {
        // The stem replaces the image as the last decoder layer's skip; the encoder keeps reading the image.
        auto [x, m] = stem_->forwardMasked(features[0], masks[0], zeroInvalid);
        x = torch::GradMode::is_enabled() ? torch::relu(x) : x.relu_();
        features[0] = masked(x, m);
        masks[0] = m;
        layerDone(0);
    }

    torch::Tensor x = features[depth], m = masks[depth];
    for (int i = 0; i < depth; ++i) {
        const int level = depth - i;
        throwIfCancelled();
        // Nearest upsampling commutes with masking, so x is masked at the low resolution.
        const auto input = torch::cat({upsample2x(x), features[level - 1]}, 1);
        const auto inputMask = torch::cat({upsample2x(m), masks[level - 1]}, 1);
        std::tie(x, m) = decoder_[i]->forwardMasked(input, inputMask, zeroInvalid || level == 1);
        if (level > 1) {
            if (!decoder_norm_[i].is_empty()) x = decoder_norm_[i].forward(x);
            x = torch::GradMode::is_enabled() ? F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2))
                                              : F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2).inplace(true));
            x = masked(x, m);
        }
        layerDone(level - 1);
    }
    return x;
}

int64_t parameterCount(torch::nn::Module& module) {
    int64_t total = 0;
    for (const auto& p : module.parameters()) total += p.numel();
    return total;
}

} // namespace pconv::nn
