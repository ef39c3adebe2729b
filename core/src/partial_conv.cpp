#include "pconv/nn/partial_conv.h"

#include <torch/nn/functional/conv.h>
#include <torch/nn/init.h>
#include <torch/utils.h>

#include <numeric>
#include <stdexcept>

namespace F = torch::nn::functional;

namespace pconv::nn {

PartialConv2dImpl::PartialConv2dImpl(PartialConv2dOptions options) : options_(std::move(options)) {
    const int64_t k = options_.kernel_size();
    groups_ = options_.mask_groups().empty() ? std::vector<int64_t>{options_.in_channels()} : options_.mask_groups();
    if (std::accumulate(groups_.begin(), groups_.end(), int64_t{0}) != options_.in_channels())
        throw std::invalid_argument("PartialConv2d: mask groups must add up to the input channels");
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(options_.in_channels(), options_.out_channels(), k)
                                                         .stride(options_.stride())
                                                         .padding(k / 2)
                                                         .bias(false)));
    if (options_.bias()) {
        // Same uniform init as a plain Conv2d's bias.
        const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_channels() * k * k));
        bias = register_parameter("bias", torch::empty({options_.out_channels()}).uniform_(-bound, bound));
    }
}

torch::Tensor PartialConv2dImpl::validCount(const torch::Tensor& mask) const {
    const int64_t k = options_.kernel_size();
    auto weight = torch::empty({1, static_cast<int64_t>(groups_.size()), k, k}, mask.options());
    for (size_t g = 0; g < groups_.size(); ++g) weight[0][static_cast<int64_t>(g)].fill_(static_cast<double>(groups_[g]));
    auto counts = F::conv2d(mask, weight, F::Conv2dFuncOptions().stride(options_.stride()).padding(k / 2));
    // Counts are whole numbers; rounding removes any float noise from the conv kernel.
    return counts.round_();
}

torch::Tensor PartialConv2dImpl::updateMask(const torch::Tensor& mask) const {
    torch::NoGradGuard noGrad;
    return (validCount(mask) > 0.5).to(mask.scalar_type());
}

torch::Tensor PartialConv2dImpl::applyMask(const torch::Tensor& x, const torch::Tensor& mask) const {
    if (groups_.size() == 1) return x * mask;
    std::vector<torch::Tensor> parts;
    int64_t offset = 0;
    for (size_t g = 0; g < groups_.size(); ++g) {
        parts.push_back(x.narrow(1, offset, groups_[g]) * mask.narrow(1, static_cast<int64_t>(g), 1));
        offset += groups_[g];
    }
    return torch::cat(parts, 1);
}

std::pair<torch::Tensor, torch::Tensor> PartialConv2dImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
    TORCH_CHECK(mask.dim() == 4 && mask.size(1) == static_cast<int64_t>(groups_.size()), "PartialConv2d: mask must be [N, ",
                groups_.size(), ", H, W], got ", mask.sizes());
    return forwardMasked(applyMask(x, mask), mask);
}

std::pair<torch::Tensor, torch::Tensor> PartialConv2dImpl::convolveGroupsSeparately(const torch::Tensor& maskedX,
                                                                                    const torch::Tensor& mask) const {
    const int64_t k = options_.kernel_size();
    const auto convOptions = F::Conv2dFuncOptions().stride(options_.stride()).padding(k / 2);
    torch::Tensor sum, anyValid;
    int64_t offset = 0;
    for (size_t g = 0; g < groups_.size(); ++g) {
        torch::Tensor scale, valid;
        {
            torch::NoGradGuard noGrad;
            const auto groupMask = mask.narrow(1, static_cast<int64_t>(g), 1);
            const auto counts = F::conv2d(groupMask, torch::ones({1, 1, k, k}, mask.options()), convOptions).round_();
            valid = counts > 0.5;
            // k² / (valid pixels in the window) where it saw any, 0 elsewhere.
            scale = counts.clamp_min(1.0).reciprocal_().mul_(static_cast<double>(k * k)).mul_(valid.to(counts.scalar_type()));
            anyValid = anyValid.defined() ? anyValid.logical_or(valid) : valid;
        }
        const auto part = F::conv2d(maskedX.narrow(1, offset, groups_[g]), conv->weight.narrow(1, offset, groups_[g]), convOptions) * scale;
        sum = sum.defined() ? sum + part : part;
        offset += groups_[g];
    }
    return {sum, anyValid.to(maskedX.scalar_type())};
}

std::pair<torch::Tensor, torch::Tensor> PartialConv2dImpl::forwardMasked(const torch::Tensor& maskedX, const torch::Tensor& mask,
                                                                         bool zeroInvalid) {
    TORCH_CHECK(mask.dim() == 4 && mask.size(1) == static_cast<int64_t>(groups_.size()), "PartialConv2d: mask must be [N, ",
                groups_.size(), ", H, W], got ", mask.sizes());
    TORCH_CHECK(maskedX.size(1) == options_.in_channels(), "PartialConv2d: expected ", options_.in_channels(), " input channels, got ",
                maskedX.size(1));
    if (options_.scale_groups_separately() && groups_.size() > 1) {
        auto [out, newMask] = convolveGroupsSeparately(maskedX, mask);
        if (bias.defined()) out = out + bias.view({1, -1, 1, 1});
        if (zeroInvalid) out = out * newMask;
        return {out, newMask};
    }
    torch::Tensor scale, newMask;
    bool allValid = false;
    {
        torch::NoGradGuard noGrad;
        const auto counts = validCount(mask);
        newMask = (counts > 0.5).to(maskedX.scalar_type());
        const double windowSize = static_cast<double>(options_.in_channels() * options_.kernel_size() * options_.kernel_size());
        // sum(1) / sum(M) where the window saw something, 0 elsewhere.
        scale = counts.clamp_min(1.0).reciprocal_().mul_(windowSize).mul_(newMask);
        allValid = !zeroInvalid || newMask.min().item<float>() > 0.5f;
    }
    auto out = conv->forward(maskedX);
    if (!torch::GradMode::is_enabled()) {
        // Inference: update in place, one pass per operation and no temporaries.
        out.mul_(scale);
        if (bias.defined()) out.add_(bias.view({1, -1, 1, 1}));
        if (!allValid) out.mul_(newMask);
        return {out, newMask};
    }
    out = out * scale;
    if (bias.defined()) out = out + bias.view({1, -1, 1, 1});
    if (!allValid) out = out * newMask;
    return {out, newMask};
}

} // namespace pconv::nn
