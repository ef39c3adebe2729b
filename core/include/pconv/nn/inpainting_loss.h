#pragma once
// The paper's loss:
//   L = L_valid + 6 L_hole + 0.05 L_perc + 120 (L_style_out + L_style_comp) + 0.1 L_tv
// on images in [0, 1]; perceptual and style terms on VGG16 pool1-3 features of
// I_out and I_comp (Gram matrices normalised by C*H*W); TV over P, the 1-pixel
// dilation of the holes, on I_comp. Without VGG weights the two VGG terms are 0.
// Optional SSIM and hole-L2 terms (weight 0 by default) are not the paper's.
#include "pconv/nn/vgg16_features.h"
#include "pconv/train/loss_weights.h"

#include <torch/types.h>

namespace pconv::nn {

struct LossTerms {
    torch::Tensor valid, hole, perceptual, styleOut, styleComp, tv, ssim, holeL2, psnr, total;
};

// Mean absolute error over the pixels where `weight` is 1 (divided by all elements, as the paper's N_Igt).
torch::Tensor maskedL1(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight);

// Mean squared error over the pixels where `weight` is 1 (divided by all elements, like maskedL1).
torch::Tensor maskedL2(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight);

// Mean over the images of 10 log10(mean squared error) of [N, C, H, W] images in [0, 1]:
// minus their mean PSNR in dB (a floor of 1e-10 on the error keeps exact copies finite).
torch::Tensor negativePsnr(const torch::Tensor& image, const torch::Tensor& target);

// Gram matrix per sample: [N, C, H, W] -> [N, C, C], divided by C*H*W.
torch::Tensor gramMatrix(const torch::Tensor& features);

// Total variation of `image` over neighbouring pixel pairs that both lie in the
// 1-pixel dilation of the holes (valid: [N, 1, H, W], 1 = valid), divided by image.numel().
torch::Tensor holeTotalVariation(const torch::Tensor& image, const torch::Tensor& valid);

// 1 - mean SSIM of two [N, C, H, W] images in [0, 1], per channel, with the metric's
// 11x11 Gaussian windows (sigma 1.5) and mirrored borders, so that it is 1 - pconv::ssim().
torch::Tensor ssimLoss(const torch::Tensor& image, const torch::Tensor& target);

class InpaintingLoss {
public:
    // vgg may be empty (nullptr): perceptual and style terms are then 0.
    InpaintingLoss(LossWeights weights, Vgg16Features vgg);

    // output, target: [N, 3, H, W] in [0, 1]; valid: [N, 1, H, W], 1 = valid, 0 = hole.
    LossTerms operator()(const torch::Tensor& output, const torch::Tensor& target, const torch::Tensor& valid) const;

    bool usesVgg() const { return !vgg_.is_empty(); }
    const LossWeights& weights() const { return weights_; }

private:
    LossWeights weights_;
    mutable Vgg16Features vgg_;  // forward() is non-const in torch::nn, but the loss network never changes
};

} // namespace pconv::nn
