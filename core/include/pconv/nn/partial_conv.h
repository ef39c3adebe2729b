#pragma once
// Partial convolution (Liu et al., ECCV 2018):
//   y = W^T (X ⊙ M) · sum(1) / sum(M) + b   where sum(M) > 0, else 0
//   M' = 1 where sum(M) > 0, else 0
// sums over the kernel window and all input channels. Masks are binary with
// 1 = valid, 0 = hole; borders are zero-padded, so they behave as holes.
//
// Masks are single-channel per *group* of input channels: an encoder layer has
// one group (all channels share the mask); a decoder layer has two (upsampled
// features, skip features), each with its own mask. sum(M) over the window and
// channels is then a box sum of each group mask weighted by its channel count,
// exactly what a full multi-channel mask would give, at the cost of G
// single-channel box sums. The mask path carries no gradient.
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <utility>
#include <vector>

namespace pconv::nn {

struct PartialConv2dOptions {
    PartialConv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
        : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(int64_t, out_channels);
    TORCH_ARG(int64_t, kernel_size);
    TORCH_ARG(int64_t, stride) = 1;
    TORCH_ARG(bool, bias) = true;
    // Channels covered by each mask channel, in order; empty = one group of all inputs.
    TORCH_ARG(std::vector<int64_t>, mask_groups) = {};
    // Each group's part of W^T X scaled by its own sum(1)/sum(M) instead of one
    // ratio over all groups. With one ratio, a decoder pixel whose upsampled
    // features are valid but whose skip is a hole gets its features scaled by
    // (C_up + C_skip) / C_up: a jump at every hole edge the layer must undo.
    TORCH_ARG(bool, scale_groups_separately) = false;
};

class PartialConv2dImpl : public torch::nn::Module {
public:
    explicit PartialConv2dImpl(PartialConv2dOptions options);

    // x: [N, C_in, H, W]; mask: [N, G, H, W] with G mask groups (binary, 1 = valid).
    // Returns the output [N, C_out, H', W'] and the updated mask [N, 1, H', W'].
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x, const torch::Tensor& mask);

    // The same on input that is already masked (x ⊙ M, per group): the U-Net keeps
    // its features masked, so no layer multiplies or copies them again. With
    // zeroInvalid false, outputs where the new mask is 0 are left unspecified
    // (for inference, when the caller re-masks them anyway); training needs true
    // so BatchNorm sees the zeros.
    std::pair<torch::Tensor, torch::Tensor> forwardMasked(const torch::Tensor& maskedX, const torch::Tensor& mask, bool zeroInvalid = true);

    // The updated mask alone (no features): 1 where the window saw a valid pixel.
    torch::Tensor updateMask(const torch::Tensor& mask) const;

    const PartialConv2dOptions& options() const { return options_; }

    torch::nn::Conv2d conv{nullptr};  // holds W; its own bias is off
    torch::Tensor bias;               // [C_out], or undefined when bias is off

private:
    // Sum of valid input channel-pixels in every output window, [N, 1, H', W'].
    torch::Tensor validCount(const torch::Tensor& mask) const;
    torch::Tensor applyMask(const torch::Tensor& x, const torch::Tensor& mask) const;
    // W^T X with each group scaled by its own ratio; also returns the new mask.
    std::pair<torch::Tensor, torch::Tensor> convolveGroupsSeparately(const torch::Tensor& maskedX, const torch::Tensor& mask) const;

    PartialConv2dOptions options_;
    std::vector<int64_t> groups_;
};
TORCH_MODULE(PartialConv2d);

} // namespace pconv::nn
